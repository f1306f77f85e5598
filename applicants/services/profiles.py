"""An applicant's profile, the credentials they hold, and the resume on their profile."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants.models import ApplicantProfile, HeldCredential
from applicants.resumes import resume_files_delete, resume_files_delete_on_commit, resume_store
from postings.models import CredentialType


def profile_get_or_create(*, user) -> ApplicantProfile:
    """The applicant's profile, made on their first visit to /me/ (any account can become an applicant)."""
    profile, _ = ApplicantProfile.objects.select_related("user").get_or_create(
        user=user, defaults={"full_name": user.get_full_name()}
    )
    return profile


PROFILE_FIELDS = (
    "full_name",
    "headline",
    "country",
    "region",
    "city",
    "years_experience",
    "desired_settings",
    "desired_shifts",
    "status_emails",
)


@transaction.atomic
def profile_update(*, profile: ApplicantProfile, data: dict) -> ApplicantProfile:
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(profile, field, data[field])
    profile.full_clean(exclude=["user", "resume"])
    profile.save()
    return profile


@transaction.atomic
def credential_save(
    *,
    profile: ApplicantProfile,
    credential_type: CredentialType,
    jurisdiction: str,
    number: str = "",
    expires_on: date | None = None,
    credential: HeldCredential | None = None,
) -> HeldCredential:
    """Add a credential, or change one (`credential`); the same type and jurisdiction twice is refused."""
    credential = credential or HeldCredential(profile=profile)
    if credential.profile_id != profile.pk:
        raise ValidationError("This credential belongs to someone else.")
    credential.credential_type = credential_type
    credential.jurisdiction = jurisdiction
    credential.number = number
    credential.expires_on = expires_on
    credential.full_clean(exclude=["profile"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        raise ValidationError(
            {"credential_type": "You already listed this credential; edit it instead of adding it again."}
        ) from None
    return credential


@transaction.atomic
def credential_delete(*, credential: HeldCredential) -> None:
    credential.delete()


@transaction.atomic
def profile_resume_set(*, profile: ApplicantProfile, upload) -> ApplicantProfile:
    """Replace the profile's resume. The old file goes once the new one is committed; nothing is half-saved."""
    name, display = resume_store(upload=upload, folder=f"resumes/{profile.pk}")
    old = profile.resume.name
    profile.resume, profile.resume_name, profile.resume_uploaded_at = name, display, timezone.now()
    try:
        with transaction.atomic():
            profile.save(update_fields=["resume", "resume_name", "resume_uploaded_at", "updated_at"])
    except Exception:
        resume_files_delete([name])
        raise
    resume_files_delete_on_commit([old])
    return profile


@transaction.atomic
def profile_resume_remove(*, profile: ApplicantProfile) -> ApplicantProfile:
    old = profile.resume.name
    profile.resume, profile.resume_name, profile.resume_uploaded_at = "", "", None
    profile.save(update_fields=["resume", "resume_name", "resume_uploaded_at", "updated_at"])
    resume_files_delete_on_commit([old])
    return profile
