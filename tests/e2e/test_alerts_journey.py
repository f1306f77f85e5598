"""A job alert in Chromium: subscribe from a search, confirm from the email in a real SMTP sink, publish a
matching posting, receive it, unsubscribe with one click. And axe-core on every alert page."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.db import transaction

from alerts.models import Alert, AlertDelivery
from alerts.services import subscriptions
from postings.services.workflow import posting_publish
from tests.alerts.alerts_support import make_alert
from tests.e2e.support import PASSWORD
from tests.factories import EmployerFactory, PendingPostingFactory, PublishedPostingFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = r"http://\S+?/alerts/{}/\S+?/"


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_seeker_subscribes_from_a_search_confirms_gets_a_job_and_unsubscribes(live_server, page, smtp):
    url = live_server.url
    employer = EmployerFactory(name="Mercy Health", slug="mercy-health", verified=True)
    PublishedPostingFactory(employer=employer, title="Hospital Pharmacy Technician", setting="hospital")

    # From a search, "Email me jobs like these".
    page.goto(url + "/jobs/?setting=hospital&region=US-TX")
    page.get_by_role("link", name="Email me jobs like these").click()
    page.wait_for_url("**/alerts/new/?setting=hospital&region=US-TX")
    assert "Hospital · in Texas" in page.locator("main").inner_text()
    page.get_by_label("Your email address").fill("maria@example.com")
    page.get_by_label("As soon as they are posted").check()
    page.get_by_role("button", name="Create alert").click()
    assert page.locator("h1").inner_text() == "Check your inbox"

    # The confirmation email, from the SMTP sink; the link shows a button, the button confirms.
    [confirmation] = smtp.wait_for(lambda m: m["Subject"].startswith("Confirm your job alert"))
    assert confirmation["X-Envelope-To"] == "maria@example.com"
    page.goto(re.search(LINK.format("confirm"), body(confirmation)).group(0))
    assert page.locator("h1").inner_text() == "Confirm your job alert"
    page.get_by_role("button", name="Confirm my alert").click()
    assert page.locator("h1").inner_text() == "Your alert is on"

    # A matching posting is published: it arrives, once.
    with transaction.atomic():
        posting = posting_publish(
            posting=PendingPostingFactory(employer=employer, title="IV Room Technician", setting="hospital"), by=None
        )
    [job_email] = smtp.wait_for(lambda m: m["Subject"].startswith("New job"))
    assert job_email["Subject"] == "New job: IV Room Technician at Mercy Health"
    assert job_email["X-Envelope-To"] == "maria@example.com"
    page.goto(re.search(rf"http://\S+?{posting.get_absolute_url()}", body(job_email)).group(0))
    assert page.locator("h1").inner_text() == "IV Room Technician"

    # One click from the email's unsubscribe link.
    page.goto(re.search(LINK.format("unsubscribe"), body(job_email)).group(0))
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    alert = Alert.objects.get()
    assert alert.status == "unsubscribed"
    assert AlertDelivery.objects.get().status == "sent"

    with transaction.atomic():
        posting_publish(posting=PendingPostingFactory(employer=employer, setting="hospital"), by=None)
    time.sleep(0.5)
    assert len(smtp.messages) == 2  # the confirmation and the one job: nothing after unsubscribing


@pytest.mark.parametrize("width", [1280, 360])
def test_alert_pages_have_no_axe_violations(live_server, page, smtp, width):
    url = live_server.url
    user = UserFactory(email="jane@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email="jane@example.com", verified=True, primary=True)
    make_alert({"setting": "hospital", "shift": "night"}, user=user)
    paused = make_alert({"region": "US-TX"}, user=user, frequency="daily")
    subscriptions.alert_pause(alert=paused)
    pending = make_alert({"q": "iv room"}, email="new@example.com", frequency="weekly", confirmed=False)
    unsubscribed = make_alert({"q": "billing"})
    subscriptions.alert_unsubscribe(alert=unsubscribed)

    def link(name, alert, purpose=None):
        return f"{url}/alerts/{name}/{subscriptions.alert_token(alert=alert, purpose=purpose or name)}/"

    pages = {
        "subscribe": url + "/alerts/new/?setting=hospital&near=Austin%2C+TX&pay_min=22",
        "subscribe with a search error": url + "/alerts/new/?setting=nope&region=XX",
        "confirm": link("confirm", pending),
        "unsubscribe": link("unsubscribe", paused),
        "unsubscribed": link("unsubscribe", unsubscribed),
        "manage": link("manage", paused),
        "bad link": url + "/alerts/manage/nonsense/",
    }
    page.set_viewport_size({"width": width, "height": 800})
    axe = Axe()
    reports = {}
    for name, address in pages.items():
        page.goto(address)
        results = axe.run(page)
        if results.violations_count:
            reports[name] = results.generate_report()

    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill("jane@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(url + "/alerts/")
    assert page.get_by_role("button", name=f"Resume {paused.name}").is_visible()
    results = axe.run(page)
    if results.violations_count:
        reports["your alerts"] = results.generate_report()
    page.goto(pages["subscribe"])  # signed in with a verified address: no email field
    results = axe.run(page)
    if results.violations_count:
        reports["subscribe, signed in"] = results.generate_report()

    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"
