"""Live edits and moderation in Chromium: an employer under review raises the pay of a live job and parks a
half-written draft; the job stays up with its old pay while a moderator reads what changed on the posting's
admin page, opens it as the public will see it, and approves it with a button."""

import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from employers.models import EmployerMember
from postings.models import Posting
from tests.e2e.support import PASSWORD, shot, watch_csp_violations
from tests.factories import (
    EmployerFactory,
    EmployerMemberFactory,
    ModeratorFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url, email):
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")


def axe_violations(page) -> str:
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


@pytest.fixture
def owner_and_live_posting(transactional_db):
    from allauth.account.models import EmailAddress

    owner = UserFactory(email="owner@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    employer = EmployerFactory(name="Gulf Coast Rx", slug="gulf-coast-rx", trusted=False)
    EmployerMemberFactory(employer=employer, user=owner, role=EmployerMember.Role.OWNER)
    posting = PublishedPostingFactory(
        employer=employer, created_by=owner, title="IV Room Technician", pay_min=Decimal(27), pay_max=Decimal(29)
    )
    return owner, employer, posting


@pytest.mark.parametrize("width", [1366, 390])
def test_an_edit_stays_pending_while_the_live_job_stays_up_until_a_moderator_approves_it(
    live_server, browser, page, owner_and_live_posting, width
):
    cache.clear()
    url = live_server.url
    owner, employer, posting = owner_and_live_posting
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, url, owner.email)
    reports = {}

    # The employer raises the pay.
    page.goto(f"{url}/employer/{employer.slug}/postings/{posting.pk}/edit/")
    assert "stays online" in page.get_by_role("note").first.inner_text()
    page.get_by_label("Pay from").fill("29")
    page.get_by_label("Pay up to").fill("31")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/postings/{posting.pk}/")
    assert "waits for a moderator" in page.get_by_role("note").first.inner_text()
    assert page.locator(".status").first.inner_text() == "Published"
    reports["dashboard posting with a pending edit"] = axe_violations(page)
    shot(page, f"moderation-01-edit-pending-{width}")

    # The public page still answers, with the old pay, and takes applications.
    response = page.goto(url + posting.get_absolute_url())
    assert response.status == 200
    assert "$27.00" in page.locator("main").inner_text()

    # The moderator: the queue, then the posting's page with what changed and the buttons.
    from allauth.account.models import EmailAddress

    moderator = ModeratorFactory(
        username=f"moderator{width}", email=f"moderator{width}@rxtech.example", password=PASSWORD
    )
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    admin = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    admin_violations = watch_csp_violations(admin)
    admin.goto(url + "/admin/")
    admin.get_by_label("Email").fill(moderator.email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(re.compile(r"/admin/$"))
    assert "1 posting to review" in admin.locator("#moderation-counts").inner_text()
    admin.get_by_role("link", name="1 posting to review").click()
    admin.get_by_role("link", name="IV Room Technician").click()
    changes = admin.get_by_role("table", name="What the edit changes")
    assert "Pay from" in changes.inner_text()
    assert changes.locator("del").first.inner_text() == "27.00"
    assert changes.locator("ins").first.inner_text() == "29"
    shot(admin, f"moderation-02-admin-diff-{width}")

    # As the public will see it, with the edit.
    admin.get_by_role("link", name="See the posting as the public will see it, with the edit").click()
    assert "Moderator preview" in admin.locator(".preview-bar").inner_text()
    assert "$29.00" in admin.locator("main").inner_text()
    reports["moderator preview"] = axe_violations(admin)
    shot(admin, f"moderation-03-preview-{width}")
    admin.get_by_role("link", name="Back to moderation").click()
    admin.get_by_role("button", name="Approve the edit").click()
    assert "approved" in admin.locator(".messagelist").inner_text()
    admin.context.close()
    assert admin_violations == []

    cache.clear()  # the anonymous page cache
    page.goto(url + posting.get_absolute_url())
    assert "$29.00" in page.locator("main").inner_text()
    assert Posting.objects.get(pk=posting.pk).status == Posting.Status.PUBLISHED
    reports = {name: report for name, report in reports.items() if report}
    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"


def test_a_busy_manager_parks_a_half_written_draft(live_server, page, owner_and_live_posting):
    url = live_server.url
    owner, employer, _ = owner_and_live_posting
    sign_in(page, url, owner.email)

    page.goto(f"{url}/employer/{employer.slug}/postings/new/")
    page.get_by_label("Job title").fill("Weekend Pharmacy Technician")
    page.get_by_label("Pay from").fill("21")
    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url("**/postings/*/")
    assert "Draft saved." in page.get_by_role("status").first.inner_text()
    draft = Posting.objects.get(title="Weekend Pharmacy Technician")
    assert (draft.status, draft.pay_min) == (Posting.Status.DRAFT, 21)
    # Submitting it says what is missing instead of sending it to the moderators.
    page.get_by_role("button", name="Submit for review").click()
    assert "needs a description" in page.get_by_role("status").first.inner_text()
    assert Posting.objects.get(pk=draft.pk).status == Posting.Status.DRAFT
