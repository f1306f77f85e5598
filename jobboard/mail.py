"""Every email the board sends goes through here: rendered from templates, kept in the outbox, sent by the worker.

`email_send` (or `email_queue` for a message rendered elsewhere, allauth's) inserts an `OutgoingEmail` row in
the caller's transaction, so the email is owed exactly when the change that owes it commits, and asks the
worker to send it once that transaction commits. Should that request be lost (Redis away, a worker killed),
beat's sweep (`outgoing_emails_send_due`, every minute) sends what is still pending. Sending claims a row in
one statement before the SMTP conversation and marks it sent straight after, so it goes out once; the one
window left is a crash between the server accepting a message and that mark (the claim then goes stale and
the message is sent again).
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30
MAX_ATTEMPTS = 10  # 1 min doubling to 1 h: most of a day of trying
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
SWEEP_TIME_BUDGET_SECONDS = 120  # well inside the task's soft time limit, so it never stops mid-message
SENT_KEPT_DAYS = 30


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """Render `email/<template>_subject.txt`, `.txt` and `.html` into (subject, text, html)."""
    context = {"SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    return subject, text, html


def email_send(*, to: list[str], template: str, context: dict, headers: dict | None = None) -> OutgoingEmail:
    """Render now (so the worker needs no request state) and owe the email with the caller's transaction."""
    subject, text, html = email_render(template=template, context=context)
    return email_queue(to=to, subject=subject, text=text, html=html, headers=headers)


def email_queue(*, to: list[str], subject: str, text: str, html: str, headers: dict | None = None) -> OutgoingEmail:
    """Put an already rendered message in the outbox (allauth renders its own); the worker sends it on commit."""
    from .tasks import email_send_task, enqueue_on_commit

    email = OutgoingEmail.objects.create(recipients=to, subject=subject, text=text, html=html, headers=headers or {})
    enqueue_on_commit(email_send_task, email_id=email.pk)
    return email


# -- Sending (the worker) -----------------------------------------------------------------------------------

# Claimed in one statement, committed at once (the worker runs in autocommit): a second worker, a redelivered
# task or the sweep finds the row claimed and leaves it. SKIP LOCKED: two sweeps take different rows.
CLAIM = """
UPDATE jobboard_outgoingemail SET claimed_at = %(now)s, attempts = attempts + 1
WHERE id = (
    SELECT id FROM jobboard_outgoingemail
    WHERE status = 'pending' AND (claimed_at IS NULL OR claimed_at < %(stale)s) AND {condition}
    ORDER BY next_attempt_at, id LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""
CLAIM_ONE = CLAIM.format(condition="id = %(id)s")
CLAIM_DUE = CLAIM.format(condition="next_attempt_at <= %(now)s")


def claim_stale_before(now: datetime) -> datetime:
    """Claims older than this belong to a worker that died mid-send; the work is free to take again."""
    return now - timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT_SECONDS)


def _claim(sql: str, **params) -> OutgoingEmail | None:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "stale": claim_stale_before(now), **params})
        row = cursor.fetchone()
    return None if row is None else OutgoingEmail.objects.get(pk=row[0])


def outgoing_email_send(*, email_id: int) -> bool:
    """Send one email of the outbox unless it was sent, or is being sent, already. Whether this call sent it."""
    email = _claim(CLAIM_ONE, id=email_id)
    if email is None:
        return False
    mail = get_connection(timeout=SMTP_TIMEOUT_SECONDS)
    try:
        return _deliver(email, mail)
    finally:
        mail.close()


def outgoing_emails_send_due(*, budget_seconds: float = SWEEP_TIME_BUDGET_SECONDS) -> int:
    """Beat's sweep: send what is still owed (enqueueing failed, a worker died, a retry's time has come)."""
    started, sent = time.monotonic(), 0
    mail = get_connection(timeout=SMTP_TIMEOUT_SECONDS)
    try:
        while time.monotonic() - started < budget_seconds:
            email = _claim(CLAIM_DUE)
            if email is None:
                break
            sent += _deliver(email, mail)
    finally:
        mail.close()
    return sent


def outgoing_emails_purge(*, now: datetime | None = None) -> int:
    """Sent emails are kept a month (to answer "did it go out?"), then deleted: they hold links that sign in."""
    cutoff = (now or timezone.now()) - timedelta(days=SENT_KEPT_DAYS)
    deleted, _ = OutgoingEmail.objects.sent_before(cutoff).delete()
    return deleted


def _deliver(email: OutgoingEmail, mail) -> bool:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, to=email.recipients, headers=email.headers, connection=mail
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        mail.close()  # the next message starts on a fresh session
        _failure_record(email, error)
        return False
    except BaseException as error:  # a bug: give the row back (with backoff) and let the task report it
        _failure_record(email, error)
        raise
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
    )
    return True


def smtp_reply_code(error: BaseException) -> int | None:
    """The SMTP reply code of a refusal, or None when the connection itself failed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, smtplib.SMTPConnectError):
        return error.smtp_code
    return None


def _failure_record(email: OutgoingEmail, error: BaseException) -> None:
    """A 5xx refusal is final; anything else is tried again later, with backoff, up to MAX_ATTEMPTS."""
    code = smtp_reply_code(error)
    text = f"{type(error).__name__}: {error}"[:500]
    rows = OutgoingEmail.objects.filter(pk=email.pk)
    if (code is not None and code >= 500) or email.attempts >= MAX_ATTEMPTS:
        rows.update(status=OutgoingEmail.Status.FAILED, claimed_at=None, last_error=text)
        logger.warning("email %s failed for good: %s", email.pk, text)
        return
    delay = min(FIRST_RETRY * 2 ** (email.attempts - 1), LONGEST_RETRY)
    rows.update(claimed_at=None, next_attempt_at=timezone.now() + delay, last_error=text)
    logger.info("email %s: %s; trying again in %s", email.pk, text, delay)
