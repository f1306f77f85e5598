"""A moderator's decisions on a pending posting. Each one checks the moderator's permission itself."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from postings.models import Posting
from postings.services.emails import poster_email_send
from postings.services.workflow import posting_publish, posting_transition

Status = Posting.Status

MODERATE_PERMISSION = "postings.moderate_posting"
EMAIL_TEMPLATE_REJECTED = "posting_rejected"
EMAIL_TEMPLATE_CHANGES = "posting_changes_requested"


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
