"""A recruiter's bulk "not selected" in Chromium: a confirmation that names who will be emailed, then an undo
window during which no one is emailed; the seeker's status emails (a shortlist, the job filled) through a real
SMTP sink. At a desktop and a phone width, with axe on the confirmation and the undo bar."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from applicants.models import Application
from applicants.services.applications import application_decisions_send_due
from employers.models import EmployerMember
from tests.e2e.support import PASSWORD, shot
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    EmployerFactory,
    EmployerMemberFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Application.Status


@pytest.fixture
def review(transactional_db):
    from allauth.account.models import EmailAddress

    recruiter = UserFactory(email="recruiter@mercy.example", password=PASSWORD)
    EmailAddress.objects.create(user=recruiter, email=recruiter.email, verified=True, primary=True)
    employer = EmployerFactory(name="Mercy Health", slug="mercy-health")
    EmployerMemberFactory(employer=employer, user=recruiter, role=EmployerMember.Role.RECRUITER)
    posting = PublishedPostingFactory(employer=employer, title="IV Room Technician")
    people = {}
    for name, email in (("Ana Lopez", "ana@example.com"), ("Ben Okafor", "ben@example.com")):
        profile = ApplicantProfileFactory(full_name=name, user=UserFactory(email=email))
        people[name] = ApplicationFactory(posting=posting, profile=profile, status=Status.VIEWED)
    keen = ApplicantProfileFactory(full_name="Cara Diaz", user=UserFactory(email="cara@example.com"))
    people["Cara Diaz"] = ApplicationFactory(posting=posting, profile=keen, status=Status.VIEWED)
    return recruiter, posting, people


@pytest.mark.parametrize("width", [1366, 390])
def test_bulk_not_selected_is_confirmed_then_can_be_undone_before_anyone_is_emailed(
    live_server, page, smtp, review, width
):
    url = live_server.url
    recruiter, posting, _ = review
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(recruiter.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")
    reports = {}

    page.goto(f"{url}/employer/mercy-health/applicants/jobs/{posting.pk}/")
    page.get_by_label("Select Ana Lopez").check()
    page.get_by_label("Select Ben Okafor").check()
    page.get_by_role("button", name="Mark selected as not selected").click()

    # The confirmation names them; nothing has changed yet.
    assert page.get_by_role("heading", level=1).inner_text() == "Mark 2 applicants not selected?"
    listed = page.locator("main ul").last.inner_text()
    assert "Ana Lopez" in listed
    assert "Ben Okafor" in listed
    assert "Cara Diaz" not in listed
    assert set(Application.objects.values_list("status", flat=True)) == {Status.VIEWED}
    if (results := Axe().run(page)).violations_count:
        reports["confirmation"] = results.generate_report()
    shot(page, f"decisions-01-confirm-{width}")
    page.get_by_role("button", name="Mark 2 not selected").click()

    # Marked, with a way back while the emails wait.
    assert "Their emails go out in 60 seconds" in page.locator(".messages").inner_text()
    undo = page.get_by_role("button", name="Undo and email no one")
    assert undo.is_visible()
    if (results := Axe().run(page)).violations_count:
        reports["undo bar"] = results.generate_report()
    shot(page, f"decisions-02-undo-{width}")
    undo.click()
    assert "no one emailed" in page.locator(".messages").inner_text()
    assert set(Application.objects.values_list("status", flat=True)) == {Status.VIEWED}
    application_decisions_send_due(now=timezone.now() + timedelta(seconds=settings.DECISION_UNDO_SECONDS + 1))
    assert smtp.messages == []

    # Done again and left alone: the emails go out once the window is over.
    page.get_by_label("Select Ana Lopez").check()
    page.get_by_role("button", name="Mark selected as not selected").click()
    page.get_by_role("button", name="Mark 1 not selected").click()
    assert smtp.messages == []
    application_decisions_send_due(now=timezone.now() + timedelta(seconds=settings.DECISION_UNDO_SECONDS + 1))
    [message] = smtp.wait_for_count(1)
    assert message["X-Envelope-To"] == "ana@example.com"
    assert "IV Room Technician" in message["Subject"]

    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"


def test_the_seeker_hears_of_a_shortlist_and_of_the_job_being_filled(live_server, page, smtp, review):
    url = live_server.url
    recruiter, posting, people = review
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(recruiter.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")

    page.goto(url + people["Cara Diaz"].get_review_url())
    page.get_by_role("combobox", name="Status").select_option("shortlisted")
    page.get_by_role("button", name="Update status").click()
    [shortlisted] = smtp.wait_for(lambda m: m["X-Envelope-To"] == "cara@example.com")
    assert shortlisted["Subject"] == "IV Room Technician at Mercy Health: shortlisted"
    text = shortlisted.get_body(preferencelist=("plain",)).get_content()
    assert "You are on the employer's shortlist." in text
    assert shortlisted.get_body(preferencelist=("html",)) is not None

    page.goto(f"{url}/employer/mercy-health/postings/{posting.pk}/")
    page.get_by_role("button", name="Mark filled").click()
    filled = smtp.wait_for(lambda m: m["Subject"] == "IV Room Technician at Mercy Health is filled")
    assert sorted(m["X-Envelope-To"] for m in filled) == ["ana@example.com", "ben@example.com", "cara@example.com"]
