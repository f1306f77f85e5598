"""The applicant's privacy rights: their copy of everything we hold about them (one ZIP: data.json, the
resumes, a README), the deletion of their account, and how long resumes sent with applications are kept."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from applicants.models import ApplicantProfile, Application, ApplicationEvent, ApplicationNote, ApplyClick, SavedJob
from applicants.resumes import resume_files_delete_on_commit
from applicants.storage import private_storage
from jobboard.tasks import enqueue_on_commit

# -- The applicant's copy of their data ----------------------------------------------------------------------


README = """Your data from {site}, exported {when}.

data.json      your account, profile, credentials, applications (with every status change and the messages
               employers sent you), saved jobs, the employer sites you went to apply on, and job alerts.
resume/        the resume on your profile.
applications/  the resume you sent with each application, named by application number.

Notes an employer's team writes while reviewing applicants are their internal records and are not shown
to applicants; everything they sent you is in data.json.
"""

SPOOL_BYTES = 8 * 1024 * 1024


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _posting(posting) -> dict:
    return {
        "id": posting.pk,
        "title": posting.title,
        "employer": posting.employer.name,
        "url": f"{settings.SITE_URL}{posting.get_absolute_url()}",
    }


def _archive_name(prefix: str, display_name: str, stored: str) -> str:
    extension = stored.rsplit(".", 1)[-1]
    stem = display_name.rsplit(".", 1)[0] if display_name else "resume"
    return f"{prefix}{stem}.{extension}"


def _alerts(user) -> list[dict]:
    """The job alerts tied to the account (the alerts feature keeps them; they are the user's data too)."""
    alerts = getattr(user, "job_alerts", None)
    if alerts is None:
        return []
    fields = ["name", "email", "frequency", "status", "criteria"]
    return [{field: alert.get(field) for field in fields} for alert in alerts.order_by("pk").values(*fields)]


def applicant_data(user) -> tuple[dict, list[tuple[str, str]]]:
    """(the JSON document, [(name in the archive, stored file name)])."""
    from allauth.account.models import EmailAddress

    files: list[tuple[str, str]] = []
    data: dict = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("id")
            ],
        },
        "profile": None,
        "credentials": [],
        "applications": [],
        "saved_jobs": [],
        "apply_clicks": [
            {"posting": _posting(click.posting), "at": _when(click.created_at)}
            for click in ApplyClick.objects.for_user(user).select_related("posting__employer").order_by("created_at")
        ],
        "job_alerts": _alerts(user),
    }
    profile = ApplicantProfile.objects.filter(user=user).first()
    if profile is None:
        return data, files
    data["profile"] = {
        "full_name": profile.full_name,
        "headline": profile.headline,
        "country": profile.country,
        "region": profile.region,
        "city": profile.city,
        "years_experience": profile.years_experience,
        "desired_settings": profile.desired_settings,
        "desired_shifts": profile.desired_shifts,
        "status_emails": profile.status_emails,
        "resume": None,
        "created_at": _when(profile.created_at),
        "updated_at": _when(profile.updated_at),
    }
    if profile.resume:
        archived = _archive_name("resume/", profile.resume_name, profile.resume.name)
        data["profile"]["resume"] = {"file": archived, "uploaded_at": _when(profile.resume_uploaded_at)}
        files.append((archived, profile.resume.name))
    data["credentials"] = [
        {
            "type": credential.credential_type.name,
            "code": credential.credential_type.code,
            "jurisdiction": credential.jurisdiction,
            "number": credential.number,
            "expires_on": _when(credential.expires_on),
        }
        for credential in profile.credentials.for_display()
    ]
    applications = Application.objects.filter(profile=profile).for_tracking()
    for application in applications:
        row = {
            "id": application.pk,
            "posting": _posting(application.posting),
            "status": application.get_status_display(),
            "submitted_at": _when(application.submitted_at),
            "cover_note": application.cover_note,
            "resume": None,
            "history": [
                {
                    "status": event.get_to_status_display(),
                    "at": _when(event.created_at),
                    "message": event.message,
                }
                for event in application.events.all()
            ],
        }
        if application.resume:
            archived = _archive_name(
                f"applications/{application.pk}-", application.resume_name, application.resume.name
            )
            row["resume"] = {"file": archived}
            files.append((archived, application.resume.name))
        elif application.resume_purged_at:
            row["resume"] = {"deleted_at": _when(application.resume_purged_at)}
        data["applications"].append(row)
    data["saved_jobs"] = [
        {"posting": _posting(saved.posting), "saved_at": _when(saved.created_at)}
        for saved in SavedJob.objects.filter(profile=profile).for_list()
    ]
    return data, files


def applicant_export(user) -> IO[bytes]:
    """The archive as a file positioned at its start; spooled to disk past a few megabytes of resumes."""
    data, files = applicant_data(user)
    archive_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(site=settings.SITE_NAME, when=data["exported_at"]))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for archived, stored in files:
            try:
                with private_storage.open(stored, "rb") as source, archive.open(archived, "w") as target:
                    for chunk in iter(lambda: source.read(64 * 1024), b""):
                        target.write(chunk)
            except FileNotFoundError:
                continue  # purged meanwhile; data.json still lists it
    archive_file.seek(0)
    return archive_file


# -- Deletion and retention ----------------------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the account and everything personal; the employers keep an anonymous record of applications.

    Their status and dates stay (an employer must be able to account for its hiring); the link to the
    person, the cover note, the resume, the messages sent to them and the team's notes about them go.
    Files are deleted once the deletion is committed; every session of the user is ended.
    """
    from applicants.tasks import user_sessions_delete_task

    files: list[str] = []
    profile = ApplicantProfile.objects.filter(user=user).first()
    if profile is not None:
        files.append(profile.resume.name)
        applications = Application.objects.filter(profile=profile)
        files.extend(applications.with_resume().values_list("resume", flat=True))
        ApplicationNote.objects.filter(application__in=applications).delete()
        ApplicationEvent.objects.filter(application__in=applications).update(message="")
        applications.update(profile=None, cover_note="", resume="", resume_name="", anonymised_at=timezone.now())
    user_id = user.pk
    get_user_model().objects.filter(pk=user_id).delete()  # cascades to the profile, credentials, saved jobs
    resume_files_delete_on_commit(files)
    enqueue_on_commit(user_sessions_delete_task, user_id=user_id)


def user_sessions_delete(*, user_id: int) -> int:
    """End every session of a (deleted) user. Sessions are not indexed by user, so this reads them all: rare
    enough (account deletion) to run in the worker rather than in the request."""
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return 0  # other engines: the user row is gone, so no session can authenticate as it any more
    owned = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(session_key__in=owned).delete()
    if settings.SESSION_ENGINE.endswith("cached_db"):
        from django.contrib.sessions.backends.cached_db import SessionStore

        for key in owned:
            SessionStore(session_key=key).delete()
    return len(owned)


def application_resumes_purge(*, now: datetime | None = None, batch: int = 500) -> int:
    """Delete resumes sent with applications to postings closed more than APPLICATION_RESUME_RETENTION_DAYS ago.

    The row forgets the file in the same transaction that schedules the file's deletion, so a rerun (or a
    crash between the two) never leaves a row pointing at a missing file.
    """
    now = now or timezone.now()
    purged = 0
    while True:
        with transaction.atomic():
            rows = list(
                Application.objects.resumes_to_purge(now=now, days=settings.APPLICATION_RESUME_RETENTION_DAYS)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")
                .values_list("id", "resume")[:batch]
            )
            if not rows:
                return purged
            Application.objects.filter(pk__in=[pk for pk, _ in rows]).update(
                resume="", resume_name="", resume_purged_at=now
            )
            resume_files_delete_on_commit([name for _, name in rows])
        purged += len(rows)
