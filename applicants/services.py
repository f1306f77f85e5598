"""Every write of the applicants app: profiles, credentials, resumes, applications and their review, saved
jobs, and the applicant's privacy rights. Views, admin actions and tasks call these."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from employers.models import Employer, EmployerMember
from jobboard.mail import email_send
from postings.models import CredentialType, Posting

from .decisions import DEFAULTS, DecisionText, decision_fill
from .models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplyClick,
    DecisionMessage,
    HeldCredential,
    SavedJob,
)
from .resumes import resume_display_name, resume_storage_name, resume_validate
from .storage import private_storage

logger = logging.getLogger(__name__)
Status = Application.Status


class ApplicationError(ValidationError):
    """An application cannot be made or changed as asked; the message says why, for the person who asked."""


class AlreadyApplied(ApplicationError):
    def __init__(self, application: Application) -> None:
        self.application = application
        when = timezone.localtime(application.submitted_at)
        super().__init__(f"You already applied for this job on {when:%B} {when.day}, {when.year}.")


class ResumeChoice:
    PROFILE = "profile"
    UPLOAD = "upload"
    NONE = "none"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        if name:
            try:
                private_storage.delete(name)
            except OSError:  # already gone, or the disk refuses: never fail the request over a leftover
                logger.warning("Could not delete private file %s", name, exc_info=True)


def _files_delete_on_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _files_delete(names))


def _resume_save(*, upload, folder: str) -> tuple[str, str]:
    """Store an upload under a random name; returns (storage name, name to show). Validates again: cheap, and
    no caller can then store a file the form would have refused."""
    kind = resume_validate(upload)
    name = private_storage.save(resume_storage_name(folder=folder, kind=kind), upload)
    return name, resume_display_name(upload.name, kind)


# -- Profile and credentials ------------------------------------------------------------------------


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
    name, display = _resume_save(upload=upload, folder=f"resumes/{profile.pk}")
    old = profile.resume.name
    profile.resume, profile.resume_name, profile.resume_uploaded_at = name, display, timezone.now()
    try:
        with transaction.atomic():
            profile.save(update_fields=["resume", "resume_name", "resume_uploaded_at", "updated_at"])
    except Exception:
        _files_delete([name])
        raise
    _files_delete_on_commit([old])
    return profile


@transaction.atomic
def profile_resume_remove(*, profile: ApplicantProfile) -> ApplicantProfile:
    old = profile.resume.name
    profile.resume, profile.resume_name, profile.resume_uploaded_at = "", "", None
    profile.save(update_fields=["resume", "resume_name", "resume_uploaded_at", "updated_at"])
    _files_delete_on_commit([old])
    return profile


# -- Applying ---------------------------------------------------------------------------------------------


def application_submit(
    *,
    profile: ApplicantProfile,
    posting: Posting,
    cover_note: str = "",
    resume_choice: str = ResumeChoice.PROFILE,
    upload=None,
) -> Application:
    """Apply on the board: one application per posting (a unique constraint, so a double click cannot make two).

    The applicant gets a confirmation and the employer's team a digest a few minutes later, both sent by
    the worker once the application is committed. A resume stored for an application that then fails is
    deleted again.
    """
    if posting.apply_method != Posting.ApplyMethod.BOARD or not posting.is_open:
        raise ApplicationError("This job is not taking applications on this board.")
    existing = Application.objects.filter(posting=posting, profile=profile).first()
    if existing is not None:
        raise AlreadyApplied(existing)
    stored: list[str] = []
    try:
        with transaction.atomic():
            application = Application(posting=posting, profile=profile, cover_note=cover_note.strip())
            folder = f"applications/{posting.pk}"
            if resume_choice == ResumeChoice.UPLOAD:
                if upload is None:
                    raise ApplicationError("Choose the resume file to upload.")
                application.resume, application.resume_name = _resume_save(upload=upload, folder=folder)
                stored.append(application.resume.name)
            elif resume_choice == ResumeChoice.PROFILE and profile.resume:
                application.resume, application.resume_name = _resume_copy(profile=profile, folder=folder)
                stored.append(application.resume.name)
            application.save()
            ApplicationEvent.objects.create(application=application, to_status=Status.SUBMITTED, by=profile.user)
            _application_announce(application)
    except IntegrityError:
        _files_delete(stored)
        raise AlreadyApplied(Application.objects.get(posting=posting, profile=profile)) from None
    except BaseException:
        _files_delete(stored)
        raise
    return application


def _resume_copy(*, profile: ApplicantProfile, folder: str) -> tuple[str, str]:
    from .resumes import resume_kind_of

    kind = resume_kind_of(profile.resume.name)
    with private_storage.open(profile.resume.name, "rb") as source:
        name = private_storage.save(resume_storage_name(folder=folder, kind=kind), File(source))
    return name, profile.resume_name or f"resume.{kind.extension}"


def _application_announce(application: Application) -> None:
    from .tasks import applications_notify_employer_task

    posting, profile = application.posting, application.profile
    email_send(
        to=[profile.user.email],
        template="application_confirmation",
        context={
            "name": profile.display_name,
            "posting_title": posting.title,
            "employer_name": posting.employer.name,
            "posting_url": _absolute(posting.get_absolute_url()),
            "tracking_url": _absolute(application.get_absolute_url()),
        },
    )
    # Each application schedules a digest a few minutes out; the first to run sends everything pending
    # for the employer, the others find nothing left. The beat task catches any that got lost.
    employer_id = posting.employer_id
    transaction.on_commit(
        lambda: applications_notify_employer_task.apply_async(
            kwargs={"employer_id": employer_id}, countdown=settings.APPLICATION_NOTIFY_DELAY_SECONDS
        )
    )


def apply_click_record(*, posting: Posting, user=None) -> ApplyClick:
    """An applicant leaves for the employer's own site: count it (the user, when signed in, sees it in /me/)."""
    return ApplyClick.objects.create(posting=posting, user=user if user is not None and user.is_authenticated else None)


@transaction.atomic
def application_withdraw(*, application: Application, by) -> Application:
    application = _locked(application)
    if application.is_final:
        raise ApplicationError(f"This application is already {application.get_status_display().lower()}.")
    _status_record(application=application, status=Status.WITHDRAWN, by=by)
    return application


# -- The employer's review -----------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    """The application re-read under a row lock, so two team members' changes are applied one after the other."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("posting__employer", "profile__user")
        .get(pk=application.pk)
    )


def _status_record(*, application: Application, status: str, by, message: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, from_status=application.status, to_status=status, by=by, message=message
    )
    application.status, application.status_changed_at = status, timezone.now()
    application.save(update_fields=["status", "status_changed_at"])


def application_mark_viewed(*, application: Application, by) -> bool:
    """The first time a team member opens a submitted application it becomes "viewed" (the applicant sees it)."""
    with transaction.atomic():
        updated = Application.objects.filter(pk=application.pk, status=Status.SUBMITTED).update(
            status=Status.VIEWED, status_changed_at=timezone.now()
        )
        if updated:
            ApplicationEvent.objects.create(
                application=application, from_status=Status.SUBMITTED, to_status=Status.VIEWED, by=by
            )
            application.status = Status.VIEWED
    return bool(updated)


def decision_text(*, employer_id: int, kind: str) -> DecisionText:
    """The employer's own wording for a decision email, or our default."""
    saved = DecisionMessage.objects.filter(employer_id=employer_id, kind=kind).first()
    return DecisionText(subject=saved.subject, body=saved.body) if saved else DEFAULTS[kind]


@transaction.atomic
def application_status_change(*, application: Application, status: str, by) -> Application:
    """Move an application along the pipeline. Hired and not selected are final and email the applicant."""
    if status not in Application.EMPLOYER_STATUSES:
        raise ApplicationError("Choose one of the listed statuses.")
    application = _locked(application)
    if application.is_final:
        raise ApplicationError(
            f"{application.applicant_name}'s application is already {application.get_status_display().lower()}."
        )
    if application.status == status:
        return application
    message = ""
    if status in Application.DECISIONS and application.profile_id:
        message = _decision_send(application=application, kind=status)
    _status_record(application=application, status=status, by=by, message=message)
    return application


def _decision_send(*, application: Application, kind: str) -> str:
    posting, profile = application.posting, application.profile
    text = decision_text(employer_id=posting.employer_id, kind=kind)
    values = {
        "applicant_name": profile.display_name,
        "job_title": posting.title,
        "employer_name": posting.employer.name,
    }
    subject, body = decision_fill(text.subject, values), decision_fill(text.body, values)
    email_send(
        to=[profile.user.email],
        template="application_decision",
        context={
            "subject": subject,
            "body": body,
            "employer_name": posting.employer.name,
            "tracking_url": _absolute(application.get_absolute_url()),
        },
    )
    return body


def applications_not_selected(*, applications: Iterable[Application], by) -> int:
    """Bulk "not selected": each one its own change (and email); final ones are skipped, not failed."""
    changed = 0
    for application in applications:
        if application.is_final:
            continue
        try:
            application_status_change(application=application, status=Status.NOT_SELECTED, by=by)
        except ApplicationError:
            continue  # it became final meanwhile (another team member); nothing to do
        changed += 1
    return changed


@transaction.atomic
def application_note_add(*, application: Application, author, text: str) -> ApplicationNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the note first."})
    return ApplicationNote.objects.create(application=application, author=author, text=text)


@transaction.atomic
def decision_message_save(*, employer: Employer, kind: str, subject: str, body: str, by) -> DecisionMessage:
    message, _ = DecisionMessage.objects.update_or_create(
        employer=employer, kind=kind, defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": by}
    )
    return message


@transaction.atomic
def decision_message_reset(*, employer: Employer, kind: str) -> None:
    DecisionMessage.objects.filter(employer=employer, kind=kind).delete()


# -- The team's digest of new applications ---------------------------------------------------------------


def employer_applications_notify(*, employer_id: int) -> int:
    """Email each member of the employer one digest of every application not yet announced.

    Idempotent: the rows are locked and stamped `employer_notified_at` in the transaction that queues the
    emails (sent on commit), so a second run, a retry or a concurrent task finds nothing left to send.
    """
    with transaction.atomic():
        pending = list(
            Application.objects.filter(posting__employer_id=employer_id)
            .awaiting_employer_notification()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("posting__employer", "profile__user")
            .order_by("submitted_at", "id")
        )
        if not pending:
            return 0
        Application.objects.filter(pk__in=[application.pk for application in pending]).update(
            employer_notified_at=timezone.now()
        )
        # Withdrawn before the team heard of it, or the applicant's account is gone: nothing to announce.
        announced = [a for a in pending if a.profile_id and a.status != Status.WITHDRAWN]
        if not announced:
            return 0
        employer = announced[0].posting.employer
        rows = [
            {
                "applicant_name": application.applicant_name,
                "headline": application.profile.headline,
                "posting_title": application.posting.title,
                "submitted_at": application.submitted_at,
                "url": _absolute(application.get_review_url()),
            }
            for application in announced
        ]
        emails = (
            EmployerMember.objects.filter(employer_id=employer_id)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
            .order_by("user__email")
        )
        for address in emails:  # one message each: team members' addresses are not shown to one another
            email_send(
                to=[address],
                template="application_digest",
                context={
                    "employer_name": employer.name,
                    "applications": rows,
                    "count": len(rows),
                    "review_url": _absolute(reverse("dashboard:review", kwargs={"slug": employer.slug})),
                },
            )
    return len(announced)


def applications_notify_pending(*, now: datetime | None = None) -> int:
    """The beat's safety net: digest every employer with an application older than the batching delay."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.APPLICATION_NOTIFY_DELAY_SECONDS)
    employer_ids = (
        Application.objects.awaiting_employer_notification()
        .submitted_before(cutoff)
        .order_by()
        .values_list("posting__employer_id", flat=True)
        .distinct()
    )
    return sum(employer_applications_notify(employer_id=employer_id) for employer_id in list(employer_ids))


# -- Saved jobs ---------------------------------------------------------------------------------------------


def saved_job_add(*, profile: ApplicantProfile, posting: Posting) -> SavedJob:
    """Idempotent: saving twice (two tabs, a double click) keeps one row."""
    saved, _ = SavedJob.objects.get_or_create(profile=profile, posting=posting)
    return saved


@transaction.atomic
def saved_job_remove(*, profile: ApplicantProfile, posting: Posting) -> None:
    SavedJob.objects.filter(profile=profile, posting=posting).delete()


# -- Privacy: deletion and retention -----------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the account and everything personal; the employers keep an anonymous record of applications.

    Their status and dates stay (an employer must be able to account for its hiring); the link to the
    person, the cover note, the resume, the messages sent to them and the team's notes about them go.
    Files are deleted once the deletion is committed; every session of the user is ended.
    """
    from .tasks import user_sessions_delete_task

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
    _files_delete_on_commit(files)
    transaction.on_commit(lambda: user_sessions_delete_task.delay(user_id=user_id))


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
            _files_delete_on_commit([name for _, name in rows])
        purged += len(rows)
