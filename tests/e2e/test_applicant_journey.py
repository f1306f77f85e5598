"""The applicant's journey in Chromium: sign up and verify by email, add credentials and a resume, find a job
they qualify for with "Only jobs I qualify for", apply; the employer shortlists them; the applicant sees it.
And axe-core on every page of the applicant and of the employer's review."""

import re

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile

from applicants.models import Application
from applicants.services.applications import application_status_change, application_submit
from applicants.services.profiles import profile_resume_set
from tests.e2e.support import PASSWORD, shot
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    ApplicationNoteFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    EmployerFactory,
    EmployerMemberFactory,
    FilledPostingFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    SavedJobFactory,
    UserFactory,
    credential_type,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def verified_user(address: str):
    user = UserFactory(email=address, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    return user


def sign_in(page, url: str, address: str) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def jobs(transactional_db):
    employer = EmployerFactory(name="Mercy Health", slug="mercy-health", verified=True)
    recruiter = verified_user("recruiter@mercy.example")
    EmployerMemberFactory(employer=employer, user=recruiter)
    iv_room = PublishedPostingFactory(
        employer=employer, title="IV Room Pharmacy Technician", setting="hospital", region="US-TX", city="Austin"
    )
    certified = CredentialRequirementFactory(posting=iv_room)
    CredentialOptionFactory(requirement=certified, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=certified, credential_type=credential_type("nha-excpt"))
    registration = CredentialRequirementFactory(posting=iv_room, level="within", within_days=90)
    CredentialOptionFactory(
        requirement=registration, credential_type=credential_type("state-registration"), jurisdiction="US-TX"
    )
    ohio = PublishedPostingFactory(
        employer=employer, title="Columbus Retail Technician", region="US-OH", city="Columbus"
    )
    ohio_registration = CredentialRequirementFactory(posting=ohio)
    CredentialOptionFactory(
        requirement=ohio_registration, credential_type=credential_type("state-registration"), jurisdiction="US-OH"
    )
    return {"employer": employer, "recruiter": recruiter, "iv_room": iv_room, "ohio": ohio}


def test_an_applicant_applies_and_sees_the_employer_shortlist_them(live_server, browser, page, smtp, jobs):
    url = live_server.url

    # Sign up, and confirm the address from the email in the SMTP sink.
    page.goto(url + "/accounts/signup/")
    page.get_by_label("Email").fill("maria@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    [message] = smtp.wait_for(lambda m: "maria@example.com" in m["X-Envelope-To"])
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    page.wait_for_load_state()

    # The profile: a name, a national certification, a Texas registration, a resume.
    page.goto(url + "/me/")
    assert page.locator("h1").inner_text() == "Your profile"
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Your name").fill("Maria Garcia")
    page.get_by_label("Headline").fill("CPhT, 4 years in hospital IV room")
    page.get_by_label("State or province").select_option("US-TX")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("Years of experience as a technician").fill("4")
    page.get_by_label("Hospital").check()
    page.get_by_label("Night").check()
    shot(page, "01-profile-form")
    page.get_by_role("button", name="Save profile").click()
    assert page.locator("h1").inner_text() == "Hello, Maria Garcia"

    page.get_by_role("link", name="Add a credential").click()
    page.get_by_label("Credential").select_option(label="State technician registration")
    page.get_by_role("button", name="Save credential").click()  # no state: refused, with the reason
    assert "choose which one" in page.locator("#id_jurisdiction_error").inner_text()
    shot(page, "02-credential-error")
    page.get_by_label("State or province").select_option("US-TX")
    page.get_by_label("Number").fill("TX-123456")
    page.get_by_role("button", name="Save credential").click()
    page.get_by_role("link", name="Add a credential").click()
    page.get_by_label("Credential").select_option(label="PTCB CPhT")
    page.get_by_label("Expiry date").fill("2030-06-30")
    page.get_by_role("button", name="Save credential").click()

    page.get_by_label("Resume file").set_input_files(
        files=[{"name": "Maria Garcia resume.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload resume").click()
    assert page.get_by_text("Maria Garcia resume.pdf").is_visible()
    shot(page, "03-me")

    # Find the jobs she qualifies for: the Texas IV room job, not the Ohio one.
    page.goto(url + "/jobs/")
    page.get_by_label("Only jobs I qualify for").check()
    page.wait_for_url("**qualified=on**")
    page.get_by_role("link", name="IV Room Pharmacy Technician").wait_for()
    assert page.get_by_role("link", name="Columbus Retail Technician").count() == 0
    shot(page, "04-qualified-search")
    page.get_by_role("link", name="IV Room Pharmacy Technician").click()
    page.wait_for_url(f"**{jobs['iv_room'].get_absolute_url()}")
    assert "You meet the requirements." in page.locator("#credential-match").inner_text()
    shot(page, "05-posting-match")

    # Apply, sending the profile's resume.
    page.get_by_role("link", name="Apply now").click()
    page.get_by_label("Cover note").fill("I have four years in a hospital IV room and can start in two weeks.")
    assert page.get_by_label("Send the resume on my profile (Maria Garcia resume.pdf)").is_checked()
    shot(page, "06-apply")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url("**/me/applications/*/")
    assert page.locator(".badge").first.inner_text() == "Submitted"
    smtp.wait_for(lambda m: m["X-Envelope-To"] == "maria@example.com" and "you applied" in m["Subject"])
    shot(page, "07-application")

    # The recruiter, in another browser, finds her, opens the application and shortlists her.
    employer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    employer_page = employer_context.new_page()
    sign_in(employer_page, url, "recruiter@mercy.example")
    employer_page.goto(url + "/employer/")
    employer_page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Applicants").click()
    employer_page.get_by_role("link", name="IV Room Pharmacy Technician").click()
    assert "Meets requirements" in employer_page.locator("tbody").inner_text()
    shot(employer_page, "08-review-list")
    employer_page.get_by_role("link", name="Maria Garcia").click()
    employer_page.get_by_label("Add a note").fill("Strong IV experience. Call Monday.")
    employer_page.get_by_role("button", name="Add note").click()
    employer_page.get_by_role("combobox", name="Status").select_option("shortlisted")
    employer_page.get_by_role("button", name="Update status").click()
    assert "Maria Garcia: shortlisted." in employer_page.locator(".messages").inner_text()
    shot(employer_page, "09-review-application")
    employer_context.close()

    # She sees the new status (and never the team's note).
    page.goto(url + "/me/applications/")
    assert page.locator(".badge").first.inner_text() == "Shortlisted"
    page.get_by_role("link", name="IV Room Pharmacy Technician").click()
    history = page.locator(".timeline").inner_text()
    assert "Viewed" in history
    assert "Shortlisted" in history
    assert "Call Monday" not in page.content()
    shot(page, "10-applicant-sees-shortlisted")
    assert Application.objects.get().status == "shortlisted"


def test_saving_a_job_with_htmx_and_finding_it_in_saved_jobs(live_server, page, jobs):
    user = verified_user("sam@example.com")
    ApplicantProfileFactory(user=user, full_name="Sam Lee")
    sign_in(page, live_server.url, "sam@example.com")

    page.goto(live_server.url + "/jobs/")
    card = page.locator(".job-card", has_text="IV Room Pharmacy Technician")
    card.get_by_role("button", name="Save IV Room Pharmacy Technician").click()
    card.get_by_role("button", name="Saved (remove IV Room Pharmacy Technician from your saved jobs)").wait_for()
    assert page.url.endswith("/jobs/")  # swapped in place, no page load
    shot(page, "11-saved-on-card")

    page.goto(live_server.url + "/me/saved/")
    assert page.get_by_role("link", name="IV Room Pharmacy Technician").is_visible()


def _review_world(jobs):
    """An applicant with everything, and applications in several states, for the accessibility sweep."""
    user = verified_user("maria@example.com")
    profile = ApplicantProfileFactory(user=user, full_name="Maria Garcia", headline="CPhT, hospital IV room")
    HeldCredentialFactory(profile=profile)
    HeldCredentialFactory(profile=profile, credential_type=credential_type("state-registration"), jurisdiction="US-TX")
    profile_resume_set(profile=profile, upload=SimpleUploadedFile("Maria.pdf", PDF))
    application = application_submit(profile=profile, posting=jobs["iv_room"], cover_note="Two weeks.")
    ApplicationNoteFactory(application=application, author=jobs["recruiter"])
    for status in ("shortlisted", "interviewing", "offered", "not-selected"):
        other = ApplicationFactory(posting=jobs["iv_room"])
        application_status_change(application=other, status=status, by=jobs["recruiter"])
    ApplicationFactory(profile=profile, posting=jobs["ohio"])
    SavedJobFactory(profile=profile, posting=jobs["ohio"])
    SavedJobFactory(profile=profile, posting=FilledPostingFactory(title="Filled Hospital Job"))
    return application


APPLICANT_PAGES = {
    "me": lambda w: "/me/",
    "profile form": lambda w: "/me/profile/",
    "credential form": lambda w: "/me/credentials/new/",
    "resume form": lambda w: "/me/resume/",
    "applications": lambda w: "/me/applications/",
    "application": lambda w: w["application"].get_absolute_url(),
    "saved jobs": lambda w: "/me/saved/",
    "your data": lambda w: "/me/privacy/",
    "delete account": lambda w: "/me/privacy/delete/",
    "posting with match": lambda w: w["jobs"]["ohio"].get_absolute_url(),
    "jobs list with save buttons": lambda w: "/jobs/",
    "apply (already applied)": lambda w: f"/jobs/{w['jobs']['iv_room'].pk}/apply/",
}
REVIEW_PAGES = {
    "review index": lambda w: "/employer/mercy-health/applicants/",
    "applicants of a job": lambda w: f"/employer/mercy-health/applicants/jobs/{w['jobs']['iv_room'].pk}/",
    "application review": lambda w: w["application"].get_review_url(),
    "decision messages": lambda w: "/employer/mercy-health/applicants/messages/",
}


@pytest.mark.parametrize("width", [1280, 360])
def test_applicant_and_review_pages_have_no_axe_violations(live_server, browser, page, jobs, width):
    world = {"jobs": jobs, "application": _review_world(jobs)}
    axe = Axe()
    reports = {}
    for who, pages in (("maria@example.com", APPLICANT_PAGES), ("recruiter@mercy.example", REVIEW_PAGES)):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
        tab = context.new_page()
        sign_in(tab, live_server.url, who)
        for name, path in pages.items():
            response = tab.goto(live_server.url + path(world))
            assert response.status == 200, name
            shot(tab, f"axe-{width}-{name.replace(' ', '-')}")
            results = axe.run(tab)
            if results.violations_count:
                reports[name] = results.generate_report()
        context.close()
    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"
