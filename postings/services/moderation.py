"""A moderator's decisions on a pending posting. Each one checks the moderator's permission itself."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from postings.models import Posting, PostingEvent, PostingRevision
from postings.services.editing import posting_revision_apply
from postings.services.emails import poster_email_send
from postings.services.workflow import posting_publish, posting_transition

Status = Posting.Status

MODERATE_PERMISSION = "postings.moderate_posting"
EMAIL_TEMPLATE_REJECTED = "posting_rejected"
EMAIL_TEMPLATE_CHANGES = "posting_changes_requested"
EMAIL_TEMPLATE_REVISION_REJECTED = "posting_revision_rejected"
PREVIEW_SALT = "postings.moderator-preview"
PREVIEW_MAX_AGE = timedelta(days=14)


def posting_preview_url(*, posting: Posting, revision: PostingRevision | None = None) -> str:
    """A signed link to the posting as the public will see it (with the pending edit applied, when given).

    Signed, so a guessed id shows nothing; it opens only for staff, so a forwarded link shows nothing either.
    """
    token = signing.dumps({"p": posting.pk, "r": revision.pk if revision else None}, salt=PREVIEW_SALT)
    return reverse("postings:moderator-preview", kwargs={"pk": posting.pk, "token": token})


def posting_preview_read(*, pk: int, token: str) -> int | None:
    """The revision id a preview link stands for (None for the posting as it is); raises PermissionDenied."""
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
        if int(payload["p"]) != pk:
            raise ValueError(pk)
        return None if payload["r"] is None else int(payload["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise PermissionDenied("This preview link is not valid, or is too old.") from error


def require_moderator(by) -> None:
    if by is None or not by.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied("Only moderators can approve, reject or request changes to a posting.")


@transaction.atomic
def posting_approve(*, posting: Posting, by, days: int | None = None) -> Posting:
    """A moderator's approval of a pending posting: it goes live for `days` (default 30, at most 60)."""
    require_moderator(by)
    posting.require_status(Status.PENDING)
    return posting_publish(posting=posting, by=by, days=days, reason="Approved")


@transaction.atomic
def posting_reject(*, posting: Posting, by, reason: str) -> Posting:
    """A moderator's refusal, with the reason the poster reads in the email and on the dashboard."""
    require_moderator(by)
    if not reason.strip():
        raise ValidationError("Say why the posting is rejected; the employer reads it.")
    posting_transition(posting=posting, to=Status.REJECTED, by=by, reason=reason.strip())
    posting.save(update_fields=["status", "updated_at"])
    poster_email_send(posting=posting, template=EMAIL_TEMPLATE_REJECTED, context={"reason": reason.strip()})
    return posting


@transaction.atomic
def posting_request_changes(*, posting: Posting, by, comment: str) -> Posting:
    """Send a pending posting back to its employer as a draft, with what to change (emailed to the poster)."""
    require_moderator(by)
    if not comment.strip():
        raise ValidationError("Say what should change; the employer reads it.")
    posting.require_status(Status.PENDING)
    posting_transition(posting=posting, to=Status.DRAFT, by=by, reason=comment.strip())
    posting.save(update_fields=["status", "updated_at"])
    poster_email_send(posting=posting, template=EMAIL_TEMPLATE_CHANGES, context={"comment": comment.strip()})
    return posting


def _pending_revision(revision: PostingRevision) -> PostingRevision:
    revision = PostingRevision.objects.select_for_update().select_related("posting__employer").get(pk=revision.pk)
    if revision.status != PostingRevision.Status.PENDING:
        raise ValidationError(f"This edit is already {revision.get_status_display().lower()}.")
    return revision


@transaction.atomic
def posting_revision_approve(*, revision: PostingRevision, by) -> Posting:
    """Put an edit of a live posting on the public page: the posting stays published throughout."""
    require_moderator(by)
    revision = _pending_revision(revision)
    posting = posting_revision_apply(revision=revision, by=by)
    PostingEvent.objects.create(
        posting=posting, from_status=posting.status, to_status=posting.status, by=by, reason="Edit approved"
    )
    return posting


@transaction.atomic
def posting_revision_reject(*, revision: PostingRevision, by, reason: str) -> PostingRevision:
    """Refuse an edit of a live posting: the published version stays as it is, and the poster is told why."""
    require_moderator(by)
    if not reason.strip():
        raise ValidationError("Say why the edit is refused; the employer reads it.")
    revision = _pending_revision(revision)
    revision.status, revision.decided_by, revision.decided_at = PostingRevision.Status.REJECTED, by, timezone.now()
    revision.reason = reason = reason.strip()
    revision.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    posting = revision.posting
    PostingEvent.objects.create(
        posting=posting, from_status=posting.status, to_status=posting.status, by=by, reason=f"Edit refused: {reason}"
    )
    poster_email_send(posting=posting, template=EMAIL_TEMPLATE_REVISION_REJECTED, context={"reason": reason.strip()})
    return revision
