"""The employer's journey in Chromium: sign up, verify by email, set up, post, preview, submit; a moderator
approves in the admin; the job is found by search. And axe-core on every employer page."""

import re

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from employers.models import EmployerMember
from tests.e2e.support import PASSWORD, shot, watch_csp_violations
from tests.factories import (
    DraftPostingFactory,
    EmployerFactory,
    EmployerMemberFactory,
    ModeratorFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Zephyr Compounding Pharmacy Technician"


def test_an_employer_posts_a_job_that_a_moderator_approves_and_seekers_find(live_server, browser, page, smtp):
    url = live_server.url

    # Sign up and verify the email address from the message in the SMTP sink.
    page.goto(url + "/")
    page.get_by_role("link", name="For employers").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("manager@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    shot(page, "01-signup")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.locator("h1").inner_text() == "Check your email"

    [message] = smtp.wait_for_count(1)
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", body).group(0)
    page.goto(link)
    shot(page, "02-confirm-email")
    page.get_by_role("button", name="Confirm my email address").click()

    # Set up the organisation.
    page.goto(url + "/employer/")
    page.get_by_role("link", name="Create your organisation").click()
    page.get_by_label("Organisation name").fill("Zephyr Compounding")
    page.get_by_label("Type of organisation").select_option("specialty")
    page.get_by_label("Website").fill("zephyr.example.com")
    shot(page, "03-organisation")
    page.get_by_role("button", name="Create organisation").click()
    page.wait_for_url("**/employer/zephyr-compounding/")

    # Post a job, with an error first.
    page.get_by_role("link", name="Post a job").first.click()
    page.get_by_label("Job title").fill(TITLE)
    page.get_by_label("Practice setting").select_option("compounding")
    page.get_by_label("Experience level").select_option("experienced")
    page.get_by_label("Description").fill(
        "Prepare **sterile** compounds under USP 797.\n\n- Day shifts\n- Paid training"
    )
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State or province", exact=True).select_option("US-TX")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("ZIP or postal code").fill("78701")
    page.get_by_label("Pay from").fill("3")
    page.get_by_label("Pay up to").fill("26")
    page.get_by_label("Full-time").check()
    page.get_by_label("Day", exact=True).check()
    page.locator("#section-credentials").get_by_label("PTCB CPhT", exact=True).first.check()
    page.get_by_role("button", name="Save and preview").click()
    assert page.get_by_role("alert").first.is_visible()
    pay_min = page.get_by_label("Pay from")
    assert pay_min.get_attribute("aria-invalid") == "true"
    assert "between 7 and 150" in page.locator("#id_pay_min_error").inner_text()
    shot(page, "04-posting-form-errors")
    pay_min.fill("19.50")
    page.get_by_role("button", name="Save and preview").click()

    # The preview is the public page itself.
    page.wait_for_url("**/preview/")
    assert page.locator("h1").inner_text() == TITLE
    assert page.get_by_text("PTCB CPhT").first.is_visible()
    assert page.locator(".prose strong").inner_text() == "sterile"
    shot(page, "05-preview")
    page.get_by_role("button", name="Submit for review").click()
    assert page.locator(".status").first.inner_text() == "Pending review"
    shot(page, "06-dashboard-posting")

    # A moderator approves it in the Django admin.
    # Staff sign in through the site's own (rate-limited) sign-in form, which the admin's login leads to.
    moderator = ModeratorFactory(username="moderator", email="moderator@rxtech.example", password=PASSWORD)
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin_violations = watch_csp_violations(admin)
    admin.goto(url + "/admin/")
    admin.get_by_label("Email").fill(moderator.email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(re.compile(r"/admin/$"))
    admin.goto(url + "/admin/postings/pendingposting/")
    row = admin.locator("#result_list tbody tr", has_text=TITLE)
    row.locator("input[type=checkbox]").check()
    admin.locator("select[name=action]").select_option("approve")
    shot(admin, "07-admin-queue")
    admin.get_by_role("button", name="Run").or_(admin.get_by_role("button", name="Go")).click()
    assert "1 posting(s) approved and published." in admin.locator(".messagelist").inner_text()
    admin.context.close()
    assert admin_violations == []

    # Seekers find it by searching for words of its title.
    page.goto(url + "/jobs/?q=zephyr+compounding")
    result = page.get_by_role("link", name=TITLE)
    assert result.is_visible()
    shot(page, "08-search")
    result.click()
    assert page.locator("h1").inner_text() == TITLE


@pytest.fixture
def employer_pages(transactional_db):
    owner = UserFactory(email="owner@example.com", password=PASSWORD)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    employer = EmployerFactory(name="Mercy Health", slug="mercy-health", locations=["Austin, TX"])
    EmployerMemberFactory(employer=employer, user=owner, role=EmployerMember.Role.OWNER)
    EmployerMemberFactory(employer=employer, role=EmployerMember.Role.RECRUITER)
    live = PublishedPostingFactory(employer=employer, title="IV Room Technician", reference="REQ-1")
    draft = DraftPostingFactory(employer=employer, title="Retail Technician")
    base = f"/employer/{employer.slug}"
    pages = {
        "postings": f"{base}/",
        "posting": f"{base}/postings/{live.pk}/",
        "new posting": f"{base}/postings/new/",
        "edit posting": f"{base}/postings/{draft.pk}/edit/",
        "preview": f"{base}/postings/{draft.pk}/preview/",
        "team": f"{base}/team/",
        "import": f"{base}/import/",
        "profile": f"{base}/edit/",
        "new organisation": "/employer/new/",
        "report": f"/jobs/{live.pk}/report/",
        "bad link": "/employer/still-open/tampered/",
        "email addresses": "/accounts/email/",
        "change password": "/accounts/password/change/",
        "sign out": "/accounts/logout/",
    }
    return owner, pages


@pytest.mark.parametrize("width", [1280, 360])
def test_employer_pages_have_no_axe_violations(live_server, page, employer_pages, width):
    cache.clear()
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    reports = {}
    for name, path in {"sign in": "/accounts/login/", "sign up": "/accounts/signup/"}.items():
        page.goto(live_server.url + path)
        if (results := axe.run(page)).violations_count:
            reports[name] = results.generate_report()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    _, pages = employer_pages
    for name, path in pages.items():
        page.goto(live_server.url + path)
        shot(page, f"page-{name.replace(' ', '-')}-{width}")
        if (results := axe.run(page)).violations_count:
            reports[name] = results.generate_report()
    # The posting form with its errors shown.
    page.goto(live_server.url + pages["new posting"])
    page.get_by_role("button", name="Save draft").click()
    if width == 1280:
        shot(page, "page-posting-form-all-errors")
    if (results := axe.run(page)).violations_count:
        reports["posting form with errors"] = results.generate_report()
    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"
