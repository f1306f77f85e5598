"""A posting's life cycle: every change of status goes through `posting_transition`, so each one is checked
against `Posting.TRANSITIONS` and recorded as a `PostingEvent`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from jobboard.tasks import enqueue_on_commit
from postings.models import InvalidTransition, Posting, PostingEvent

Status = Posting.Status

# Job alerts and applications sit above postings: their tasks are queued by name, never imported.
ALERTS_MATCH_POSTING_TASK = "alerts.tasks.alerts_match_posting_task"
APPLICATIONS_POSTING_FILLED_TASK = "applicants.tasks.applications_posting_filled_task"


def posting_transition(*, posting: Posting, to: str, by, reason: str = "") -> Posting:
    """Move the posting to `to` (unsaved) and record why; raises InvalidTransition when the workflow forbids it."""
    posting.require_transition_to(to)
    PostingEvent.objects.create(posting=posting, from_status=posting.status, to_status=to, by=by, reason=reason)
    posting.status = to
    return posting


def _expiry(*, start, days: int | None) -> timezone.datetime:
    days = settings.POSTING_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.POSTING_MAX_DAYS:
        raise ValidationError(f"A posting runs between 1 and {settings.POSTING_MAX_DAYS} days.")
    return start + timedelta(days=days)


@transaction.atomic
def posting_submit(*, posting: Posting, by) -> Posting:
    """Send a draft to review; a trusted employer's posting goes live at once (both steps are recorded).

    A draft may have been saved half written: it is checked complete here, whichever button sent it."""
    posting.require_complete()
    posting_transition(posting=posting, to=Status.PENDING, by=by)
    posting.save(update_fields=["status", "updated_at"])
    if posting.employer.trusted:
        return posting_publish(posting=posting, by=by, reason="Trusted employer: published without review.")
    return posting


@transaction.atomic
def posting_publish(*, posting: Posting, by, days: int | None = None, reason: str = "") -> Posting:
    """Approve (or publish directly): the posting goes live for `days` (default 30, at most 60)."""
    now = timezone.now()
    expires_at = _expiry(start=now, days=days)
    posting_transition(posting=posting, to=Status.PUBLISHED, by=by, reason=reason)
    posting.published_at, posting.expires_at = now, expires_at
    posting.save(update_fields=["status", "published_at", "expires_at", "updated_at"])
    enqueue_on_commit(ALERTS_MATCH_POSTING_TASK, posting_id=posting.pk)
    return posting


@transaction.atomic
def posting_fill(*, posting: Posting, by, reason: str = "") -> Posting:
    """The job is taken: it stops taking applications, and its waiting applicants hear so (the applicants' task)."""
    posting_transition(posting=posting, to=Status.FILLED, by=by, reason=reason)
    posting.save(update_fields=["status", "updated_at"])
    enqueue_on_commit(APPLICATIONS_POSTING_FILLED_TASK, posting_id=posting.pk)
    return posting


@transaction.atomic
def posting_close(*, posting: Posting, by, reason: str = "") -> Posting:
    posting_transition(posting=posting, to=Status.CLOSED, by=by, reason=reason)
    posting.save(update_fields=["status", "updated_at"])
    return posting


@transaction.atomic
def posting_renew(*, posting: Posting, by, days: int | None = None) -> Posting:
    """Extend a published or expired posting; never beyond POSTING_MAX_DAYS from now."""
    now = timezone.now()
    if posting.status == Status.EXPIRED:
        posting_transition(posting=posting, to=Status.PUBLISHED, by=by, reason="Renewed")
    elif posting.status == Status.PUBLISHED:
        PostingEvent.objects.create(
            posting=posting, from_status=posting.status, to_status=posting.status, by=by, reason="Renewed"
        )
    else:
        raise InvalidTransition(f"A {posting.get_status_display().lower()} posting cannot be renewed.")
    start = max(now, posting.expires_at or now)
    posting.expires_at = min(_expiry(start=start, days=days), now + timedelta(days=settings.POSTING_MAX_DAYS))
    posting.save(update_fields=["status", "expires_at", "updated_at"])
    return posting


def postings_expire() -> int:
    """Expire every published posting past its date, and record why, in two set-based statements.

    Safe to run concurrently or twice: the UPDATE only touches rows still published, so a second run
    finds nothing to do and writes no duplicate history.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH expired AS (
                UPDATE postings_posting SET status = 'expired', updated_at = now()
                WHERE status = 'published' AND expires_at <= now()
                RETURNING id
            )
            INSERT INTO postings_postingevent (posting_id, from_status, to_status, reason, created_at)
            SELECT id, 'published', 'expired', 'Reached its expiry date', now() FROM expired
            """
        )
        return cursor.rowcount
