"""Visitors' reports of a posting, and a moderator's answer to them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from postings.models import Posting, Report
from postings.services.moderation import require_moderator
from postings.services.workflow import posting_close

Status = Posting.Status


def report_fingerprint(*, ip: str) -> str:
    """A keyed hash of the visitor's address: enough to spot repeats, useless to anyone who reads the table."""
    return salted_hmac("postings.report", ip or "unknown").hexdigest()


def report_create(*, posting: Posting, reason: str, details: str, fingerprint: str, by=None) -> tuple[Report, bool]:
    """Record a report; a visitor's second report of the same posting is the first one: (report, created)."""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                posting=posting,
                reason=reason,
                details=details.strip(),
                fingerprint=fingerprint,
                reporter=by if by is not None and by.is_authenticated else None,
            )
    except IntegrityError:
        return Report.objects.get(posting=posting, fingerprint=fingerprint), False
    return report, True


def _reports_resolve(*, posting: Posting, by, status: str) -> int:
    return (
        Report.objects.open().filter(posting=posting).update(status=status, resolved_by=by, resolved_at=timezone.now())
    )


@transaction.atomic
def report_close_posting(*, report: Report, by) -> Posting:
    """Act on a report: close the posting (recorded with the report's reason) and settle its open reports."""
    require_moderator(by)
    posting = Posting.objects.select_for_update().get(pk=report.posting_id)
    if posting.status not in (Status.FILLED, Status.CLOSED):
        posting_close(posting=posting, by=by, reason=f"Closed after a report: {report.get_reason_display()}")
    _reports_resolve(posting=posting, by=by, status=Report.Status.ACTED)
    return posting


@transaction.atomic
def report_dismiss(*, report: Report, by) -> Report:
    require_moderator(by)
    report.status, report.resolved_by, report.resolved_at = Report.Status.DISMISSED, by, timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    return report
