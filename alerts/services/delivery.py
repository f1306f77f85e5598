"""Sending job alerts: each alert's due ledger rows claimed and sent as one email, failures retried or recorded.

Exactly once per (alert, posting): matching inserts ledger rows (`AlertDelivery`, unique per pair) before
anything is sent, and sending claims one message's rows (stamped `claimed_at` and committed, so two workers
never send the same rows), sends that message over the batch's SMTP connection and marks its rows sent
straight away. A retry, a redelivered task, a second beat run or a second worker finds the rows sent (or
claimed) and sends nothing. The one window left is a crash between the SMTP server accepting a message and
the mark that follows it: once the claim is stale, at most that one message is sent again.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from jobboard.mail import claim_stale_before, email_render
from jobboard.tasks import enqueue_on_commit

from ..models import Alert, AlertDelivery
from .subscriptions import alert_links, alert_pause

logger = logging.getLogger(__name__)

JOBS_PER_EMAIL = 10
DELIVERY_CHUNK = 100  # alerts per delivery task: one SMTP connection each
DELIVERY_TIME_BUDGET_SECONDS = 120  # well inside the task's soft time limit, so it never stops mid-message
SWEEP_LIMIT = 5000
SMTP_TIMEOUT_SECONDS = 30
MAX_TEMPORARY_ATTEMPTS = 8  # 5 min doubling to 6 h: about a day of trying
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
PERMANENT_FAILURES_BEFORE_PAUSE = 3


def deliveries_enqueue(alert_ids: Sequence[int]) -> None:
    """Hand the alerts with something to send to the workers, in chunks, once the ledger rows are committed."""
    from ..tasks import alerts_deliver_task

    chunks = [list(alert_ids[i : i + DELIVERY_CHUNK]) for i in range(0, len(alert_ids), DELIVERY_CHUNK)]
    for chunk in chunks:
        # Were the broker away, the rows stay pending and beat's sweep hands them out later.
        enqueue_on_commit(alerts_deliver_task, alert_ids=chunk)


@dataclass
class DeliveryReport:
    messages: int = 0
    temporary_failures: int = 0
    permanent_failures: int = 0


def alerts_deliver_pending(*, now: datetime | None = None) -> int:
    """Beat's sweep: every alert with rows due (a retry's time has come, a crashed worker's leftovers)."""
    alert_ids = AlertDelivery.objects.due_alert_ids(now or timezone.now(), limit=SWEEP_LIMIT)
    deliveries_enqueue(alert_ids)
    return len(alert_ids)


def alerts_deliver(*, alert_ids: Sequence[int], mail=None) -> DeliveryReport:
    """Send what is due for each alert: one email per alert, over one SMTP connection for the whole batch.

    One read gathers the batch (alerts, rows, jobs); then each message claims its rows, is sent and is
    committed on its own. Connection-level failures (refused, dropped, timed out) propagate so the task
    retries with backoff; the messages already sent are committed and will not be sent again.
    """
    report = DeliveryReport()
    mail = mail or get_connection(timeout=SMTP_TIMEOUT_SECONDS)
    started = time.monotonic()
    outbox = _outbox(alert_ids=alert_ids, now=timezone.now())
    try:
        for position, (alert, deliveries) in enumerate(outbox):
            if time.monotonic() - started > DELIVERY_TIME_BUDGET_SECONDS:
                deliveries_enqueue([alert.pk for alert, _ in outbox[position:]])
                break
            _message_send(alert=alert, deliveries=deliveries, mail=mail, report=report)
    finally:
        mail.close()
    return report


def _outbox(*, alert_ids: Sequence[int], now: datetime) -> list[tuple[Alert, list[AlertDelivery]]]:
    """Each alert's due rows, newest job first, read at once; rows that can no longer go out are skipped."""
    rows = (
        AlertDelivery.objects.filter(alert_id__in=list(alert_ids))
        .due(now)
        .select_related("alert", "posting__employer")
        .defer("alert__criteria", "alert__match_keys", "posting__description", "posting__search_vector")
        .order_by("alert_id", "-posting__published_at", "-posting_id")
    )
    outbox: dict[int, tuple[Alert, list[AlertDelivery]]] = {}
    stopped, closed = [], []
    for row in rows:
        if not row.alert.is_active:
            stopped.append(row)
        elif not row.posting.is_open:
            closed.append(row)
        else:
            outbox.setdefault(row.alert_id, (row.alert, []))[1].append(row)
    if stopped:
        _deliveries_update(stopped, status=AlertDelivery.Status.SKIPPED, last_error="The alert stopped")
    if closed:
        _deliveries_update(closed, status=AlertDelivery.Status.SKIPPED, last_error="The job closed before it was sent")
    return list(outbox.values())


# A message is claimed in two steps, in one short transaction. The alert first: a worker claiming for it right
# now is skipped, not waited for, so one alert's rows are never split between two emails (NO KEY UPDATE:
# matching's foreign-key checks on the alert do not wait for us). Then its rows are stamped `claimed_at` and
# the claim committed before the SMTP conversation: another worker, a redelivered task or the sweep finds them
# claimed and sends nothing, while no lock is held during the send. Rows already sent, claimed by a live worker,
# or whose job closed since the batch was read are not claimed; a claim older than EMAIL_CLAIM_TIMEOUT_SECONDS
# belongs to a worker that died mid-send, and the sweep sends those rows again.
CLAIM_ALERT = """
SELECT id FROM alerts_alert WHERE id = %(alert_id)s AND status = 'active' FOR NO KEY UPDATE SKIP LOCKED
"""
CLAIM = """
UPDATE alerts_alertdelivery d SET claimed_at = %(now)s
FROM postings_posting p
WHERE d.id = ANY(%(ids)s) AND d.status = 'pending' AND (d.claimed_at IS NULL OR d.claimed_at < %(stale)s)
  AND p.id = d.posting_id AND p.status = 'published' AND p.expires_at > %(now)s
RETURNING d.id
"""
SENT = """
WITH sent AS (
    UPDATE alerts_alertdelivery SET status = 'sent', sent_at = %(now)s, message_id = %(message_id)s, claimed_at = NULL
    WHERE id = ANY(%(ids)s)
)
UPDATE alerts_alert SET last_sent_at = %(now)s, permanent_failures = 0 WHERE id = %(alert_id)s
"""


@transaction.atomic
def _claim(*, alert: Alert, deliveries: list[AlertDelivery], now: datetime) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_ALERT, {"alert_id": alert.pk})
        if cursor.fetchone() is None:
            return set()  # another worker is claiming for this alert, or it stopped since the batch was read
        cursor.execute(CLAIM, {"ids": [delivery.pk for delivery in deliveries], "now": now,
                               "stale": claim_stale_before(now)})  # fmt: skip
        return {pk for (pk,) in cursor.fetchall()}


def _message_send(*, alert: Alert, deliveries: list[AlertDelivery], mail, report: DeliveryReport) -> None:
    now = timezone.now()
    claimed = _claim(alert=alert, deliveries=deliveries, now=now)
    deliveries = [delivery for delivery in deliveries if delivery.pk in claimed]
    if not deliveries:
        return  # another worker is sending these, or has sent them
    try:
        message = alert_message(
            alert=alert, postings=[delivery.posting for delivery in deliveries], total=_total(deliveries), mail=mail
        )
        mail.send_messages([message])
    except smtplib.SMTPException as error:
        code = _smtp_code(error)
        if code is None:
            _deliveries_update(deliveries, claimed_at=None)
            raise  # the connection itself: the task retries the batch later
        mail.close()  # start the next message on a fresh session
        _failure_record(alert=alert, deliveries=deliveries, code=code, error=error, now=now, report=report)
        return
    except BaseException:
        _deliveries_update(deliveries, claimed_at=None)  # not sent: free for the retry or the sweep at once
        raise
    # Marked right after the server accepted the message: a crash can repeat at most this one message.
    with connection.cursor() as cursor:
        cursor.execute(SENT, {"now": now, "message_id": message.extra_headers["Message-ID"], "alert_id": alert.pk,
                              "ids": [delivery.pk for delivery in deliveries]})  # fmt: skip
    report.messages += 1


def _total(deliveries: list[AlertDelivery]) -> int:
    """How many new jobs the email announces: each digest run's count of matches (it recorded the newest)."""
    runs: dict[datetime, int] = {}
    for delivery in deliveries:
        runs[delivery.matched_at] = max(runs.get(delivery.matched_at, 0), delivery.run_matches)
    return max(sum(runs.values()), len(deliveries))


def _deliveries_update(deliveries: list[AlertDelivery], **values) -> None:
    AlertDelivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries]).update(**values)


def _smtp_code(error: smtplib.SMTPException) -> int | None:
    """The SMTP reply code of a refusal, or None when the connection itself failed."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return None
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def _failure_record(*, alert: Alert, deliveries, code: int, error, now: datetime, report: DeliveryReport) -> None:
    """5xx: the address refuses (recorded; a few in a row pause the alert). 4xx: try again later, with backoff."""
    text = f"{code} {error}"[:500]
    ids = [delivery.pk for delivery in deliveries]
    rows = AlertDelivery.objects.filter(pk__in=ids)
    if code >= 500:
        rows.update(status=AlertDelivery.Status.FAILED, attempts=F("attempts") + 1, last_error=text, claimed_at=None)
        Alert.objects.filter(pk=alert.pk).update(permanent_failures=F("permanent_failures") + 1)
        alert.refresh_from_db(fields=["permanent_failures"])
        if alert.permanent_failures >= PERMANENT_FAILURES_BEFORE_PAUSE:
            alert_pause(alert=alert, reason=f"Emails to this address were refused ({code}).")
        report.permanent_failures += 1
        logger.warning("alert %s: permanent SMTP failure %s", alert.pk, text)
        return
    attempts = max(delivery.attempts for delivery in deliveries) + 1
    if attempts >= MAX_TEMPORARY_ATTEMPTS:
        rows.update(status=AlertDelivery.Status.FAILED, attempts=attempts, last_error=text, claimed_at=None)
    else:
        delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
        rows.update(attempts=attempts, next_attempt_at=now + delay, last_error=text, claimed_at=None)
    report.temporary_failures += 1
    logger.info("alert %s: temporary SMTP failure %s (attempt %s)", alert.pk, text, attempts)


def alert_message(*, alert: Alert, postings: list, total: int | None = None, mail=None) -> EmailMultiAlternatives:
    """The email: the newest jobs (up to ten), a link to the whole search, and one-click unsubscribe (RFC 8058)."""
    links = alert_links(alert)
    shown = postings[:JOBS_PER_EMAIL]
    total = max(total or 0, len(postings))
    context = {"alert": alert, "postings": shown, "total": total, "more": total - len(shown), **links}
    subject, text, html = email_render(template="alert_jobs", context=context)
    headers = {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
    }
    message = EmailMultiAlternatives(subject=subject, body=text, to=[alert.email], headers=headers, connection=mail)
    message.attach_alternative(html, "text/html")
    return message
