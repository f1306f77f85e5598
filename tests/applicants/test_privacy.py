"""The applicant's rights: a copy of all their data, and deletion that leaves nothing personal behind."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplyClick,
    HeldCredential,
    SavedJob,
)
from applicants.services.applications import (
    application_note_add,
    application_status_change,
    application_submit,
    apply_click_record,
)
from applicants.services.privacy import account_delete
from applicants.services.profiles import profile_resume_set, profile_update
from applicants.services.saved import saved_job_add
from tests.factories import (
    EmployerMemberFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    UserFactory,
    credential_type,
)

from .conftest import docx_upload, pdf_upload, private_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(applicant, django_capture_on_commit_callbacks):
    """Jane with everything: a resume, credentials, applications with a history, notes, saved jobs, a click-out."""
    EmailAddress.objects.create(user=applicant.user, email=applicant.user.email, verified=True, primary=True)
    profile_update(
        profile=applicant,
        data={"headline": "CPhT, IV room", "region": "US-TX", "city": "Austin", "desired_shifts": ["night"]},
    )
    profile_resume_set(profile=applicant, upload=pdf_upload("Jane Doe CV.pdf"))
    HeldCredentialFactory(profile=applicant, number="CPHT-12345")
    HeldCredentialFactory(
        profile=applicant,
        credential_type=credential_type("state-registration"),
        jurisdiction="US-TX",
        number="TX-777",
        expires_on=timezone.localdate() + timedelta(days=90),
    )
    hospital = PublishedPostingFactory(title="IV Room Technician")
    retail = PublishedPostingFactory(title="Retail Technician")
    member = EmployerMemberFactory(employer=hospital.employer).user
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(profile=applicant, posting=hospital, cover_note="Nights suit me.")
        second = application_submit(
            profile=applicant, posting=retail, resume_choice="upload", upload=docx_upload("Retail CV.docx")
        )
        application_status_change(application=first, status="not-selected", by=member)
    application_note_add(application=first, author=member, text="Jane Doe: great on the phone")
    saved_job_add(profile=applicant, posting=retail)
    apply_click_record(posting=PublishedPostingFactory(title="External Job"), user=applicant.user)
    return {"first": first, "second": second, "member": member}


def test_the_export_contains_everything_listed(applicant_client, applicant, history):
    response = applicant_client.get(reverse("applicants:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="rxtech-jobs-my-data.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    first, second = history["first"], history["second"]
    assert names == {
        "README.txt",
        "data.json",
        "resume/Jane Doe CV.pdf",
        f"applications/{first.pk}-Jane Doe CV.pdf",
        f"applications/{second.pk}-Retail CV.docx",
    }
    assert archive.read("resume/Jane Doe CV.pdf").startswith(b"%PDF-")
    assert archive.read(f"applications/{second.pk}-Retail CV.docx").startswith(b"PK")
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "jane@example.com"
    assert data["account"]["email_addresses"] == [{"email": "jane@example.com", "verified": True, "primary": True}]
    assert data["profile"]["full_name"] == "Jane Doe"
    assert data["profile"]["headline"] == "CPhT, IV room"
    assert data["profile"]["desired_shifts"] == ["night"]
    assert data["profile"]["resume"]["file"] == "resume/Jane Doe CV.pdf"
    assert {(c["code"], c["jurisdiction"], c["number"]) for c in data["credentials"]} == {
        ("ptcb-cpht", "", "CPHT-12345"),
        ("state-registration", "US-TX", "TX-777"),
    }
    by_title = {row["posting"]["title"]: row for row in data["applications"]}
    hospital = by_title["IV Room Technician"]
    assert hospital["cover_note"] == "Nights suit me."
    assert hospital["status"] == "Not selected"
    assert [step["status"] for step in hospital["history"]] == ["Submitted", "Not selected"]
    # The message the employer sent is theirs to see; the team's internal note is not.
    assert hospital["history"][1]["message"].startswith("Dear Jane Doe,")
    assert "great on the phone" not in archive.read("data.json").decode()
    assert by_title["Retail Technician"]["resume"] == {"file": f"applications/{second.pk}-Retail CV.docx"}
    assert [saved["posting"]["title"] for saved in data["saved_jobs"]] == ["Retail Technician"]
    assert [click["posting"]["title"] for click in data["apply_clicks"]] == ["External Job"]
    assert data["job_alerts"] == []


def test_an_export_without_a_profile_still_has_the_account(client):
    user = UserFactory()
    client.force_login(user)
    ApplicantProfile.objects.filter(user=user).delete()
    from applicants.services.privacy import applicant_data

    data, files = applicant_data(user)

    assert data["account"]["email"] == user.email
    assert data["profile"] is None
    assert files == []


def test_deleting_the_account_leaves_no_file_and_no_personal_field(
    applicant_client, applicant, history, django_capture_on_commit_callbacks
):
    other_device = Client()
    other_device.force_login(applicant.user)
    user_id = applicant.user.pk
    assert len(private_files()) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("applicants:delete"), {"password": "correct horse battery staple", "confirm": "on"}
        )

    assert response.status_code == 302
    assert private_files() == []
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not ApplicantProfile.objects.exists()
    assert not HeldCredential.objects.exists()
    assert not SavedJob.objects.exists()
    assert not EmailAddress.objects.filter(email="jane@example.com").exists()
    assert not ApplyClick.objects.filter(user_id=user_id).exists()
    assert not ApplicationNote.objects.exists()  # the team's notes were about her
    # The employers keep an anonymous record: status and dates, nothing that identifies her.
    for application in Application.objects.all():
        assert application.profile is None
        assert application.cover_note == ""
        assert not application.resume
        assert application.resume_name == ""
        assert application.anonymised_at is not None
    assert set(Application.objects.values_list("status", flat=True)) == {"not-selected", "submitted"}
    assert not ApplicationEvent.objects.exclude(message="").exists()
    assert not ApplicationEvent.objects.filter(by_id=user_id).exists()
    assert ApplicationEvent.objects.filter(by=history["member"]).exists()  # the team member's own action stays
    everything = json.dumps(list(Application.objects.values()), default=str) + json.dumps(
        list(ApplicationEvent.objects.values("message")), default=str
    )
    assert "Jane" not in everything
    assert "jane@example.com" not in everything
    # Signed out here and on every other device.
    assert [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)] == []
    assert other_device.get(reverse("applicants:me")).status_code == 302
    assert applicant_client.get(reverse("applicants:me")).status_code == 302


def test_deletion_needs_the_password_and_the_confirmation(applicant_client, applicant):
    response = applicant_client.post(reverse("applicants:delete"), {"password": "wrong", "confirm": "on"})

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert ApplicantProfile.objects.filter(pk=applicant.pk).exists()

    response = applicant_client.post(reverse("applicants:delete"), {"password": "correct horse battery staple"})
    assert ApplicantProfile.objects.filter(pk=applicant.pk).exists()


def test_the_employer_sees_a_deleted_applicant_as_an_anonymous_record(
    client, applicant, history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=applicant.user)
    client.force_login(history["member"])

    page = client.get(history["first"].get_review_url()).content.decode()

    assert "Deleted applicant" in page
    assert "Jane" not in page
    assert "Nights suit me" not in page
