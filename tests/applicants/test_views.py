"""The applicant's pages: what they show, what they do, and how many queries they cost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applicants.models import ApplicantProfile, Application, ApplyClick, HeldCredential, SavedJob
from applicants.services.applications import application_mark_viewed, application_status_change
from applicants.services.profiles import profile_resume_set
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    SavedJobFactory,
    UserFactory,
    credential_type,
)

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db
Status = Application.Status


# -- /me/ -------------------------------------------------------------------------------------------------


def test_the_profile_is_created_on_the_first_visit(client):
    user = UserFactory(first_name="Maria", last_name="Garcia")
    client.force_login(user)

    response = client.get(reverse("applicants:me"))

    assert response.status_code == 200
    assert ApplicantProfile.objects.get(user=user).full_name == "Maria Garcia"
    assert "Hello, Maria Garcia" in response.content.decode()


def test_editing_the_profile(applicant_client, applicant):
    response = applicant_client.post(
        reverse("applicants:profile-edit"),
        {
            "full_name": "Jane Q. Doe",
            "headline": "CPhT, 5 years retail",
            "country": "",
            "region": "CA-ON",
            "city": "Toronto",
            "years_experience": "5",
            "desired_settings": ["hospital", "specialty"],
            "desired_shifts": ["night"],
        },
    )

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.full_name, applicant.country, applicant.region) == ("Jane Q. Doe", "CA", "CA-ON")
    assert applicant.desired_settings == ["hospital", "specialty"]


def test_a_region_outside_the_chosen_country_is_refused(applicant_client, applicant):
    response = applicant_client.post(
        reverse("applicants:profile-edit"), {"full_name": "Jane", "country": "US", "region": "CA-ON"}
    )

    assert "This state or province is not in the country you chose." in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.region == "US-TX"


@pytest.mark.parametrize(
    ("code", "jurisdiction", "error"),
    [
        ("state-registration", "", "is issued by a state or province: choose which one."),
        ("ptcb-cpht", "US-TX", "is a national credential: leave the state or province empty."),
        ("ca-rpht", "US-TX", "is issued in Canada: choose a state or province there."),
        ("state-license", "CA-ON", "is issued in United States: choose a state or province there."),
        ("state-license", "XX-99", "Choose one of the listed options."),
    ],
)
def test_a_credentials_jurisdiction_is_checked_against_its_type(applicant_client, code, jurisdiction, error):
    response = applicant_client.post(
        reverse("applicants:credential-create"),
        {"credential_type": credential_type(code).pk, "jurisdiction": jurisdiction, "number": "1"},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not HeldCredential.objects.exists()


@pytest.mark.parametrize(
    ("code", "jurisdiction"), [("ptcb-cpht", ""), ("state-registration", "US-TX"), ("ca-rpht", "CA-ON")]
)
def test_adding_a_valid_credential(applicant_client, applicant, code, jurisdiction):
    response = applicant_client.post(
        reverse("applicants:credential-create"),
        {
            "credential_type": credential_type(code).pk,
            "jurisdiction": jurisdiction,
            "number": "A-1",
            "expires_on": "2031-01-31",
        },
    )

    assert response.status_code == 302
    held = applicant.credentials.get()
    assert (held.credential_type.code, held.jurisdiction, str(held.expires_on)) == (code, jurisdiction, "2031-01-31")


def test_the_same_credential_twice_is_refused_with_a_message(applicant_client, applicant):
    HeldCredentialFactory(profile=applicant)

    response = applicant_client.post(
        reverse("applicants:credential-create"), {"credential_type": credential_type("ptcb-cpht").pk}
    )

    assert "You already listed this credential" in response.content.decode()
    assert applicant.credentials.count() == 1


def test_editing_and_removing_a_credential(applicant_client, applicant):
    held = HeldCredentialFactory(profile=applicant, number="OLD")
    url = reverse("applicants:credential-edit", args=[held.pk])

    assert 'value="OLD"' in applicant_client.get(url).content.decode()
    applicant_client.post(url, {"credential_type": held.credential_type_id, "number": "NEW"})
    held.refresh_from_db()
    assert held.number == "NEW"

    applicant_client.post(reverse("applicants:credential-delete", args=[held.pk]))
    assert not HeldCredential.objects.exists()


# -- Applying ------------------------------------------------------------------------------------------------


def test_applying_on_the_board_with_the_profile_resume(
    applicant_client, applicant, posting, member, django_capture_on_commit_callbacks
):
    profile_resume_set(profile=applicant, upload=pdf_upload("Jane.pdf"))
    url = reverse("applicants:apply", args=[posting.pk])

    page = applicant_client.get(url).content.decode()
    assert "Send the resume on my profile (Jane.pdf)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(url, {"cover_note": "Available nights.", "resume_choice": "profile"})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.resume_name == "Jane.pdf"
    assert application.cover_note == "Available nights."
    assert {tuple(message.to) for message in mail.outbox} == {("jane@example.com",), ("recruiter@example.com",)}


def test_a_second_attempt_says_so(applicant_client, applicant, posting):
    first = ApplicationFactory(profile=applicant, posting=posting)
    url = reverse("applicants:apply", args=[posting.pk])

    for response in (applicant_client.get(url), applicant_client.post(url, {"resume_choice": "none"})):
        page = response.content.decode()
        assert "You already applied for this job" in page
        assert first.get_absolute_url() in page
    assert Application.objects.count() == 1


def test_the_name_is_asked_for_when_the_profile_has_none(client, posting):
    profile = ApplicantProfileFactory(full_name="", user=UserFactory(first_name="", last_name=""))
    client.force_login(profile.user)
    url = reverse("applicants:apply", args=[posting.pk])

    assert "This field is required" in client.post(url, {"resume_choice": "none"}).content.decode()
    client.post(url, {"resume_choice": "none", "full_name": "Sam Lee"})

    profile.refresh_from_db()
    assert profile.full_name == "Sam Lee"
    assert Application.objects.filter(profile=profile).exists()


def test_applying_needs_a_signed_in_user(client, posting):
    url = reverse("applicants:apply", args=[posting.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_an_external_posting_records_a_click_and_redirects(client, applicant):
    posting = PublishedPostingFactory(apply_method="url", apply_url="https://careers.example.com/jobs/42")

    response = client.get(reverse("applicants:apply", args=[posting.pk]))

    assert response.status_code == 302
    assert response["Location"] == "https://careers.example.com/jobs/42"
    assert ApplyClick.objects.filter(posting=posting, user=None).count() == 1


def test_an_email_posting_shows_the_address(client):
    posting = PublishedPostingFactory(apply_method="email", apply_email="hr@pharmacy.example")

    response = client.get(reverse("applicants:apply", args=[posting.pk]))

    assert response.status_code == 200
    assert "hr@pharmacy.example" in response.content.decode()


@pytest.mark.parametrize("factory", [ExpiredPostingFactory, FilledPostingFactory])
def test_a_closed_posting_sends_the_visitor_to_its_page(applicant_client, factory):
    posting = factory()
    response = applicant_client.get(reverse("applicants:apply", args=[posting.pk]))
    assert response.status_code == 302
    assert response["Location"] == posting.get_absolute_url()


def test_the_posting_page_shows_the_apply_state_and_the_match(applicant_client, applicant, posting):
    requirement = CredentialRequirementFactory(posting=posting)
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("nha-excpt"))
    within = CredentialRequirementFactory(posting=posting, level="within", within_days=90)
    CredentialOptionFactory(
        requirement=within, credential_type=credential_type("state-registration"), jurisdiction="US-TX"
    )

    page = applicant_client.get(posting.get_absolute_url()).content.decode()
    assert "Missing:" in page
    assert "PTCB CPhT or NHA ExCPT — required" in page
    assert "State technician registration (Texas) — can be obtained within 90 days of hire" in page
    assert f'href="/jobs/{posting.pk}/apply/"' in page

    HeldCredentialFactory(profile=applicant, credential_type=credential_type("nha-excpt"))
    ApplicationFactory(profile=applicant, posting=posting)
    page = applicant_client.get(posting.get_absolute_url()).content.decode()
    assert "You meet the requirements" in page
    assert "Track your application" in page


def test_a_visitor_is_invited_to_sign_in_to_see_the_match(client, posting):
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "to see whether your credentials meet this job" in page


# -- Tracking -------------------------------------------------------------------------------------------------------


def test_the_applications_page_shows_each_status_with_its_dates(applicant_client, applicant, member, posting):
    application = ApplicationFactory(profile=applicant, posting=posting)
    application_mark_viewed(application=application, by=member)
    application_status_change(application=application, status=Status.SHORTLISTED, by=member)

    page = applicant_client.get(reverse("applicants:applications")).content.decode()

    assert "Hospital Pharmacy Technician" in page
    for label in ("Submitted", "Viewed", "Shortlisted"):
        assert label in page
    assert timezone.localdate().strftime("%b") in page


def test_withdrawing_from_the_application_page(applicant_client, applicant, posting):
    application = ApplicationFactory(profile=applicant, posting=posting)
    url = reverse("applicants:application-withdraw", args=[application.pk])

    applicant_client.post(url, {})  # not confirmed: nothing happens
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    response = applicant_client.post(url, {"confirm": "on"}, follow=True)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert "Your application is withdrawn" in response.content.decode()
    assert "Withdraw application" not in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_applications_page_query_count_does_not_grow(
    applicant_client, applicant, django_assert_max_num_queries, rows
):
    for application in ApplicationFactory.create_batch(rows, profile=applicant):
        application_mark_viewed(application=application, by=None)

    with django_assert_max_num_queries(4):
        response = applicant_client.get(reverse("applicants:applications"))
    assert response.content.decode().count('class="badge badge--blue">Viewed') == rows


# -- Saved jobs ---------------------------------------------------------------------------------------------------


def test_saving_without_javascript_redirects_back(applicant_client, applicant, posting):
    url = reverse("applicants:save", args=[posting.pk])

    response = applicant_client.post(url, {"action": "save", "next": "/jobs/?region=US-TX"})

    assert response.status_code == 302
    assert response["Location"] == "/jobs/?region=US-TX"
    assert SavedJob.objects.filter(profile=applicant, posting=posting).exists()

    response = applicant_client.post(url, {"action": "unsave", "next": "https://evil.example/"})
    assert response["Location"] == posting.get_absolute_url()
    assert not SavedJob.objects.exists()


def test_saving_with_htmx_returns_the_new_button(applicant_client, applicant, posting):
    url = reverse("applicants:save", args=[posting.pk])

    response = applicant_client.post(url, {"action": "save", "next": "/jobs/"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<form") == 1
    assert 'name="action" value="unsave"' in page
    assert 'name="next" value="/jobs/"' in page
    assert "Saved" in page


def test_saving_needs_an_account(client, posting):
    response = client.post(reverse("applicants:save", args=[posting.pk]), {"action": "save"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_cards_show_the_saved_state(applicant_client, applicant, posting):
    other = PublishedPostingFactory(title="Other Job")
    SavedJobFactory(profile=applicant, posting=posting)

    page = applicant_client.get(reverse("postings:list")).content.decode()

    assert page.count('name="action" value="unsave"') == 1
    assert page.count('name="action" value="save"') == 1
    assert f'action="/jobs/{other.pk}/save/"' in page


def test_the_saved_list_notes_a_closed_job(applicant_client, applicant):
    SavedJobFactory(profile=applicant, posting=PublishedPostingFactory(title="Still Open Job"))
    SavedJobFactory(profile=applicant, posting=FilledPostingFactory(title="Filled Job"))
    SavedJobFactory(
        profile=applicant,
        posting=PublishedPostingFactory(title="Past Expiry", expires_at=timezone.now() - timedelta(hours=1)),
    )

    page = applicant_client.get(reverse("applicants:saved")).content.decode()

    assert page.count(">Closed</span>") == 2
    assert "The position has been filled." in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_saved_list_query_count_does_not_grow(applicant_client, applicant, django_assert_max_num_queries, rows):
    for posting in PublishedPostingFactory.create_batch(rows):
        SavedJobFactory(profile=applicant, posting=posting)

    with django_assert_max_num_queries(4):
        response = applicant_client.get(reverse("applicants:saved"))
    assert response.content.decode().count('value="unsave"') == rows
