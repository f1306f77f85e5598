"""Applications: applying on the board (or leaving for the employer's site), withdrawing, the employer's
review (status changes, notes, the decision emails and their wording), and the team's digest of new
applications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applicants.decisions import DEFAULTS, DecisionText, decision_fill
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplyClick,
    DecisionMessage,
)
from applicants.resumes import resume_copy, resume_files_delete, resume_store
from employers.models import Employer, EmployerMember
from jobboard.mail import email_send
from jobboard.tasks import enqueue_on_commit
from postings.models import Posting

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


# -- Applying ------------------------------------------------------------------------------------------------


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
                application.resume, application.resume_name = resume_store(upload=upload, folder=folder)
                stored.append(application.resume.name)
            elif resume_choice == ResumeChoice.PROFILE and profile.resume:
                application.resume, application.resume_name = resume_copy(
                    name=profile.resume.name, display_name=profile.resume_name, folder=folder
                )
                stored.append(application.resume.name)
            application.save()
            ApplicationEvent.objects.create(application=application, to_status=Status.SUBMITTED, by=profile.user)
            _application_announce(application)
    except IntegrityError:
        resume_files_delete(stored)
        raise AlreadyApplied(Application.objects.get(posting=posting, profile=profile)) from None
    except BaseException:
        resume_files_delete(stored)
        raise
    return application


def _application_announce(application: Application) -> None:
    from applicants.tasks import applications_notify_employer_task

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
    enqueue_on_commit(
        applications_notify_employer_task,
        countdown=settings.APPLICATION_NOTIFY_DELAY_SECONDS,
        employer_id=posting.employer_id,
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


# -- The employer's review -----------------------------------------------------------------------------------


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


def _step_send(application: Application, status: str) -> None:
    """Tell the applicant their application moved on, if they chose these emails (in the transaction: sent on
    commit, so a change that rolls back sends nothing, and a status is reached once, so nothing is sent twice)."""
    profile = application.profile
    if profile is None or not profile.status_emails or not profile.user.email:
        return
    posting = application.posting
    email_send(
        to=[profile.user.email],
        template="application_status",
        context={
            "name": profile.display_name,
            "status": Application.Status(status).label,
            "meaning": Application.STEPS[status],
            "posting_title": posting.title,
            "employer_name": posting.employer.name,
            "tracking_url": _absolute(application.get_absolute_url()),
            "profile_url": _absolute(reverse("applicants:profile-edit")),
        },
    )


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
            _step_send(application, Status.VIEWED)
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
    elif status in Application.STEPS:
        _step_send(application, status)
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
    """Bulk "not selected": each one its own change; final ones are skipped, not failed. The emails wait
    DECISION_UNDO_SECONDS (`applications_not_selected_undo` takes the decisions back meanwhile), then go out."""
    due = timezone.now() + timedelta(seconds=settings.DECISION_UNDO_SECONDS)
    changed = sum(_application_not_selected_later(application=a, by=by, due=due) for a in applications)
    if changed:
        from applicants.tasks import application_decisions_send_due_task

        # A nudge: the once-a-minute sweep sends them too if the broker is unreachable now.
        enqueue_on_commit(application_decisions_send_due_task, countdown=settings.DECISION_UNDO_SECONDS + 1)
    return changed


@transaction.atomic
def _application_not_selected_later(*, application: Application, by, due: datetime) -> bool:
    application = _locked(application)
    if application.is_final:  # it became final meanwhile (another team member); nothing to do
        return False
    ApplicationEvent.objects.create(
        application=application,
        from_status=application.status,
        to_status=Status.NOT_SELECTED,
        by=by,
        email_due_at=due if application.profile_id else None,
    )
    application.status, application.status_changed_at = Status.NOT_SELECTED, timezone.now()
    application.save(update_fields=["status", "status_changed_at"])
    return True


@transaction.atomic
def applications_not_selected_undo(*, applications: Iterable[Application], by) -> int:
    """Take back bulk "not selected" decisions whose email has not gone out: each application returns to the
    status it had, and the decision leaves its history, as if it had never been made (no one was told)."""
    undone = 0
    for application in applications:
        application = _locked(application)
        event = (
            ApplicationEvent.objects.select_for_update()
            .filter(application=application, to_status=Status.NOT_SELECTED, email_due_at__isnull=False)
            .last()
        )
        if event is None or application.status != Status.NOT_SELECTED:
            continue
        application.status, application.status_changed_at = event.from_status, timezone.now()
        application.save(update_fields=["status", "status_changed_at"])
        event.delete()
        undone += 1
    return undone


def application_decisions_send_due(*, now: datetime | None = None) -> int:
    """Email the decisions whose undo window is over. Idempotent: each event is locked, emailed and cleared in one
    transaction (sent on commit); one taken by an undo meanwhile is skipped, not waited for."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ApplicationEvent.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(email_due_at__lte=now)
            .select_related("application__posting__employer", "application__profile__user")
            .order_by("email_due_at", "id")
        )
        for event in due:
            application = event.application
            if application.profile_id and application.status == Status.NOT_SELECTED:
                event.message = _decision_send(application=application, kind=Status.NOT_SELECTED)
            event.email_due_at = None
            event.save(update_fields=["message", "email_due_at"])
    return len(due)


def applications_posting_filled(*, posting_id: int) -> int:
    """Tell each applicant still waiting on a job that it is filled (those who chose status emails).

    Idempotent: the rows are stamped `filled_notified_at` in the transaction that queues the emails, under row
    locks, so a retry or a second task finds nothing left. Returns the number of emails queued.
    """
    with transaction.atomic():
        waiting = list(
            Application.objects.select_for_update(of=("self",))
            .filter(posting_id=posting_id, filled_notified_at__isnull=True)
            .exclude(status__in=Application.FINAL)
            .select_related("posting__employer", "profile__user")
        )
        Application.objects.filter(pk__in=[a.pk for a in waiting]).update(filled_notified_at=timezone.now())
        told = [a for a in waiting if a.profile_id and a.profile.status_emails and a.profile.user.email]
        for application in told:
            posting = application.posting
            email_send(
                to=[application.profile.user.email],
                template="application_position_filled",
                context={
                    "name": application.profile.display_name,
                    "posting_title": posting.title,
                    "employer_name": posting.employer.name,
                    "search_url": _absolute(reverse("postings:list") + f"?setting={posting.setting}"),
                    "profile_url": _absolute(reverse("applicants:profile-edit")),
                },
            )
    return len(told)


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


# -- The team's digest of new applications -------------------------------------------------------------------


def employer_applications_notify(*, employer_id: int) -> int:
    """Email each member of the employer one digest of every application not yet announced.

    Idempotent: the rows are stamped `employer_notified_at` in the transaction that queues the emails (sent on
    commit), so a second run, a retry or a concurrent task finds nothing left to send.
    """
    with transaction.atomic():
        # One digest at a time per employer: the second task waits here, then finds every row stamped.
        # Locking the applications themselves with SKIP LOCKED let two tasks starting together split one
        # batch between them, and the team got two emails.
        if not Employer.objects.select_for_update().filter(pk=employer_id).exists():
            return 0
        pending = list(
            Application.objects.filter(posting__employer_id=employer_id)
            .awaiting_employer_notification()
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
