"""Every write of job alerts: subscribing (double opt-in), managing, matching into the ledger, and sending.

Exactly once per (alert, posting): matching inserts ledger rows (`AlertDelivery`, unique per pair) before
anything is sent, and sending claims one message's rows under row locks (SKIP LOCKED, so two workers never
send the same rows), sends that message over the batch's SMTP connection and commits its rows as sent
straight away. A retry, a redelivered task, a second beat run or a second worker
finds the rows sent (or locked) and sends nothing. The one window left is a crash between the SMTP server
accepting a message and the commit that follows it: at most that one message is sent again.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Min, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jobboard.mail import email_render, email_send

from .matching import DIGEST_OVERLAP, AlertCriteria, alert_match_keys, alert_name, database_upper, matching_sql
from .models import Alert, AlertDelivery, AlertPostingMatch

logger = logging.getLogger(__name__)
Frequency, Status = Alert.Frequency, Alert.Status

# Signed links: a salt per purpose, so a token made for one purpose (or one alert) is worth nothing elsewhere.
SALTS = {
    # The salts keep the names alerts had under `applicants`, so links already emailed keep working.
    "confirm": "applicants.alert.confirm",
    "unsubscribe": "applicants.alert.unsubscribe",
    "manage": "applicants.alert.manage",
}
CONFIRM_MAX_AGE = timedelta(days=3)
# The subscribe form must not be a way to mail-bomb someone: a few confirmation emails per address and
# hour, and a limit per client on requests of any kind. Counted in the shared cache (Redis).
CONFIRMATIONS_PER_ADDRESS_PER_HOUR = 3
SUBSCRIBE_REQUESTS_PER_CLIENT_PER_HOUR = 20
RATE_WINDOW_SECONDS = 60 * 60

DIGEST_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
# The instant safety net (beat) re-matches what was published lately, in case a publish's task was lost.
INSTANT_SWEEP_WINDOW = timedelta(minutes=30)
# However late a digest runs, it never reaches further back than this (bounds the batch of postings).
DIGEST_MAX_LOOKBACK = timedelta(days=14)

JOBS_PER_EMAIL = 10
DELIVERY_CHUNK = 100  # alerts per delivery task: one SMTP connection each
DELIVERY_TIME_BUDGET_SECONDS = 120  # well inside the task's soft time limit, so it never stops mid-message
SWEEP_LIMIT = 5000
SMTP_TIMEOUT_SECONDS = 30
MAX_TEMPORARY_ATTEMPTS = 8  # 5 min doubling to 6 h: about a day of trying
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
PERMANENT_FAILURES_BEFORE_PAUSE = 3
UNCONFIRMED_KEPT = timedelta(days=7)
UNSUBSCRIBED_KEPT = timedelta(days=30)


# -- Links --------------------------------------------------------------------------------------------------


class AlertLinkInvalid(Exception):
    """A token that was tampered with, made for another purpose, or whose alert is gone."""


class AlertLinkExpired(AlertLinkInvalid):
    pass


class AlertGone(AlertLinkInvalid):
    """A genuine link to an alert that has since been deleted."""


def alert_token(*, alert: Alert, purpose: str) -> str:
    return signing.dumps(alert.pk, salt=SALTS[purpose])


def alert_from_token(*, token: str, purpose: str) -> Alert:
    """The alert a signed link is for. Only confirmation links expire: an unsubscribe link must keep working
    in an old email, and it can do nothing but stop the one alert it names."""
    max_age = CONFIRM_MAX_AGE if purpose == "confirm" else None
    try:
        pk = signing.loads(token, salt=SALTS[purpose], max_age=max_age)
    except signing.SignatureExpired:
        raise AlertLinkExpired("This link has expired.") from None
    except signing.BadSignature:
        raise AlertLinkInvalid("This link is not valid.") from None
    if not isinstance(pk, int):
        raise AlertLinkInvalid("This link is not valid.")
    alert = Alert.objects.filter(pk=pk).first()
    if alert is None:
        raise AlertGone("This alert no longer exists.")
    return alert


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def alert_links(alert: Alert) -> dict[str, str]:
    """The absolute links every alert email carries."""
    return {
        "search_url": _absolute(f"{reverse('postings:list')}?{urlencode(alert.criteria, doseq=True)}"),
        "manage_url": _absolute(reverse("alerts:manage", args=[alert_token(alert=alert, purpose="manage")])),
        "unsubscribe_url": _absolute(
            reverse("alerts:unsubscribe", args=[alert_token(alert=alert, purpose="unsubscribe")])
        ),
    }


# -- Subscribing --------------------------------------------------------------------------------------------


def _within_limit(key: str, limit: int) -> bool:
    """A fixed one-hour window counted in the shared cache."""
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return True


def _hashed(value: str) -> str:
    """Cache keys carry a keyed hash, never an address."""
    return salted_hmac("applicants.alert.rate", value).hexdigest()


def alert_subscribe_requests_allowed(*, client: str) -> bool:
    return _within_limit(f"alerts:client:{_hashed(client)}", SUBSCRIBE_REQUESTS_PER_CLIENT_PER_HOUR)


def email_is_verified(*, user, email: str) -> bool:
    """The signed-in user has proved they read this address (allauth's verified EmailAddress)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


class Outcome:
    ACTIVE = "active"  # created and active at once (a verified address)
    CONFIRM_SENT = "confirm-sent"  # an email went out: confirm, or "you already have this alert"
    EXISTS = "exists"  # a signed-in user already has this alert
    RATE_LIMITED = "rate-limited"


@dataclass
class Subscription:
    outcome: str
    alert: Alert | None = None


def _alert_fill(alert: Alert, criteria: AlertCriteria) -> None:
    for column, value in criteria.columns.items():
        setattr(alert, column, value)
    alert.criteria = criteria.params
    alert.criteria_key = criteria.key
    city_upper = database_upper(alert.city) if alert.city else ""
    alert.match_keys = alert_match_keys(criteria, city_upper=city_upper)


def _activate(alert: Alert, now: datetime) -> None:
    """Start matching now: nothing published before this moment is ever sent."""
    alert.status = Status.ACTIVE
    alert.confirmed_at = alert.confirmed_at or now
    alert.matching_from = now
    alert.next_digest_at = now + DIGEST_PERIODS[alert.frequency] if alert.frequency in DIGEST_PERIODS else None
    alert.last_digest_at = None
    alert.paused_at = None
    alert.paused_reason = ""
    alert.permanent_failures = 0


def alert_subscribe(
    *, criteria: AlertCriteria, email: str, frequency: str, name: str = "", user=None, verified: bool = False
) -> Subscription:
    """Turn a validated search into an alert for `email`.

    A verified address (a signed-in user's, checked by the caller with `email_is_verified`) is active at
    once. Any other gets a confirmation link and nothing else until it is followed (double opt-in). Asking
    again for an address that already has this alert mails it a reminder with its manage link instead, so
    the answer never tells a stranger whether an address is subscribed.
    """
    email = email.strip().lower()
    name = name.strip() or alert_name(criteria)
    with transaction.atomic():
        existing = Alert.objects.live().for_address(email).filter(criteria_key=criteria.key).first()
        if verified:
            if existing is None:
                alert = Alert(user=user, email=email, name=name, frequency=frequency)
                _alert_fill(alert, criteria)
                _activate(alert, timezone.now())
                return Subscription(Outcome.ACTIVE if _saved(alert) else Outcome.EXISTS, alert)
            # The owner of a verified address takes over an alert made for it by email alone.
            existing.user = user
            if existing.status == Status.UNCONFIRMED:
                existing.frequency, existing.name = frequency, name
                _activate(existing, timezone.now())
                existing.save()
                return Subscription(Outcome.ACTIVE, existing)
            existing.save(update_fields=["user"])
            return Subscription(Outcome.EXISTS, existing)
        if not _within_limit(f"alerts:address:{_hashed(email)}", CONFIRMATIONS_PER_ADDRESS_PER_HOUR):
            return Subscription(Outcome.RATE_LIMITED)
        if existing is None:
            alert = Alert(user=user if user is not None and user.is_authenticated else None, email=email, name=name)
            alert.frequency = frequency
            _alert_fill(alert, criteria)
            if not _saved(alert):  # the same request, twice at once: the other one sends the email
                return Subscription(Outcome.CONFIRM_SENT)
            _confirmation_send(alert)
            return Subscription(Outcome.CONFIRM_SENT, alert)
        if existing.status == Status.UNCONFIRMED:
            existing.name, existing.frequency = name, frequency
            existing.save(update_fields=["name", "frequency"])
            _confirmation_send(existing)
        else:
            email_send(
                to=[existing.email], template="alert_exists", context={"alert": existing, **alert_links(existing)}
            )
        return Subscription(Outcome.CONFIRM_SENT, existing)


def _saved(alert: Alert) -> bool:
    """Insert, or False when the unique constraint says this search already has a live alert here."""
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        return False
    return True


def _confirmation_send(alert: Alert) -> None:
    token = alert_token(alert=alert, purpose="confirm")
    email_send(
        to=[alert.email],
        template="alert_confirm",
        context={
            "alert": alert,
            "confirm_url": _absolute(reverse("alerts:confirm", args=[token])),
            "days": CONFIRM_MAX_AGE.days,
        },
    )


@transaction.atomic
def alert_confirm(*, alert: Alert) -> Alert:
    """Followed the confirmation link: the alert starts. Confirming twice changes nothing."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == Status.UNCONFIRMED:
        _activate(alert, timezone.now())
        alert.save()
    return alert


# -- Managing -----------------------------------------------------------------------------------------------


@transaction.atomic
def alert_pause(*, alert: Alert, reason: str = "") -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == Status.ACTIVE:
        alert.status, alert.paused_at, alert.paused_reason = Status.PAUSED, timezone.now(), reason[:200]
        alert.save(update_fields=["status", "paused_at", "paused_reason"])
    return alert


@transaction.atomic
def alert_resume(*, alert: Alert) -> Alert:
    """Back on, from now: jobs published while it was paused are not sent (the seeker asked for quiet)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == Status.PAUSED:
        _activate(alert, timezone.now())
        alert.save()
    return alert


@transaction.atomic
def alert_frequency_set(*, alert: Alert, frequency: str) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if frequency != alert.frequency:
        alert.frequency = frequency
        period = DIGEST_PERIODS.get(frequency)
        alert.next_digest_at = timezone.now() + period if period else None
        alert.save(update_fields=["frequency", "next_digest_at"])
    return alert


@transaction.atomic
def alert_rename(*, alert: Alert, name: str) -> Alert:
    alert.name = name.strip()[:200] or alert.name
    alert.save(update_fields=["name"])
    return alert


@transaction.atomic
def alert_unsubscribe(*, alert: Alert) -> Alert:
    """Stop for good (one click from an email). Idempotent: a second click finds it already stopped."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != Status.UNSUBSCRIBED:
        alert.status, alert.unsubscribed_at = Status.UNSUBSCRIBED, timezone.now()
        alert.save(update_fields=["status", "unsubscribed_at"])
        AlertDelivery.objects.for_alert(alert).pending().update(status=AlertDelivery.Status.SKIPPED)
    return alert


@transaction.atomic
def alert_delete(*, alert: Alert) -> None:
    alert.delete()


def alerts_purge(*, now: datetime | None = None) -> int:
    """Forget unconfirmed requests after a week and unsubscribed alerts (and their ledger) after a month."""
    now = now or timezone.now()
    unconfirmed, _ = Alert.objects.unconfirmed_before(now - UNCONFIRMED_KEPT).delete()
    unsubscribed, _ = Alert.objects.unsubscribed_before(now - UNSUBSCRIBED_KEPT).delete()
    return unconfirmed + unsubscribed


# -- Matching -----------------------------------------------------------------------------------------------


def _matches_record(**kwargs) -> list[int]:
    """Insert every new match into the ledger in one statement; the ids of alerts that got new rows."""
    now = kwargs["now"]
    sql, params = matching_sql(today=timezone.localdate(now), record=True, keep=JOBS_PER_EMAIL, **kwargs)
    with connection.cursor() as cursor:
        # Enough memory to hash and rank a big batch's matches without spilling to disk; and no JIT, whose
        # compiling costs more than it saves here (measured). This transaction only.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return sorted(alert_id for (alert_id,) in cursor.fetchall())


def _postings_mark_matched(*, posting_ids: list[int] | None = None, published_since: datetime | None = None,
                           now: datetime) -> None:  # fmt: skip
    """Remember which postings instant matching has handled, so the safety net skips them."""
    if posting_ids is not None:
        AlertPostingMatch.objects.bulk_create(
            [AlertPostingMatch(posting_id=pk, matched_at=now) for pk in posting_ids], ignore_conflicts=True
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO alerts_alertpostingmatch (posting_id, matched_at)
               SELECT id, %(now)s FROM postings_posting
               WHERE published_at > %(since)s AND status = 'published' AND expires_at > %(now)s
               ON CONFLICT DO NOTHING""",
            {"now": now, "since": published_since},
        )


def _deliveries_enqueue(alert_ids: Sequence[int]) -> None:
    """Hand the alerts with something to send to the workers, in chunks, once the ledger rows are committed."""
    from .tasks import alerts_deliver_task

    chunks = [list(alert_ids[i : i + DELIVERY_CHUNK]) for i in range(0, len(alert_ids), DELIVERY_CHUNK)]
    for chunk in chunks:
        # Robust: were the broker away, the rows stay pending and beat's sweep hands them out later.
        transaction.on_commit(lambda chunk=chunk: alerts_deliver_task.delay(alert_ids=chunk), robust=True)


@transaction.atomic
def alerts_match_posting(*, posting_id: int, enqueue: bool = True) -> list[int]:
    """A posting was just published: record it for every instant alert it matches, and send on commit."""
    now = timezone.now()
    alert_ids = _matches_record(now=now, posting_ids=[posting_id], frequency=Frequency.INSTANT)
    _postings_mark_matched(posting_ids=[posting_id], now=now)
    if enqueue:
        _deliveries_enqueue(alert_ids)
    return alert_ids


@transaction.atomic
def alerts_match_due(*, frequency: str, now: datetime | None = None, enqueue: bool = True) -> list[int]:
    """What beat runs (and `send_alerts`): match every alert of a frequency that is due, in one statement.

    Instant: postings published in the last half hour that the per-publish task has not handled (they came
    in another way, or the task was lost while Redis was away). Daily and weekly: every alert whose digest
    is due, against what was published since its last digest (its newest ten new matches are recorded and
    the rest counted); then its next digest is scheduled.
    """
    now = now or timezone.now()
    if frequency == Frequency.INSTANT:
        since = now - INSTANT_SWEEP_WINDOW
        alert_ids = _matches_record(now=now, published_since=since, unmatched_only=True, frequency=frequency)
        _postings_mark_matched(published_since=since, now=now)
    else:
        if not _digest_lock(frequency):
            return []  # another run is matching this frequency right now
        due = Alert.objects.with_frequency(frequency).digest_due(now)
        window_start = Greatest("matching_from", F("last_digest_at") - Value(DIGEST_OVERLAP))
        earliest = due.aggregate(start=Min(window_start))["start"]
        if earliest is None:
            return []
        since = max(earliest, now - DIGEST_MAX_LOOKBACK)
        alert_ids = _matches_record(now=now, published_since=since, frequency=frequency, digest_due=True)
        period = DIGEST_PERIODS[frequency]
        # Keep each alert on its own schedule; one that fell far behind (beat was down) restarts from now.
        due.update(
            last_digest_at=now,
            next_digest_at=Case(
                When(next_digest_at__gt=now - period, then=F("next_digest_at") + Value(period)),
                default=Value(now + period),
            ),
        )
    if enqueue:
        _deliveries_enqueue(alert_ids)
    return alert_ids


def _digest_lock(frequency: str) -> bool:
    """One digest run per frequency at a time (released at commit): a second beat run waits for nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"alerts-digest-{frequency}"])
        return cursor.fetchone()[0]


# -- Sending ------------------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    messages: int = 0
    temporary_failures: int = 0
    permanent_failures: int = 0


def alerts_deliver_pending(*, now: datetime | None = None) -> int:
    """Beat's sweep: every alert with rows due (a retry's time has come, a crashed worker's leftovers)."""
    alert_ids = AlertDelivery.objects.due_alert_ids(now or timezone.now(), limit=SWEEP_LIMIT)
    _deliveries_enqueue(alert_ids)
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
                _deliveries_enqueue([alert.pk for alert, _ in outbox[position:]])
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


# A message is claimed in two steps. The alert first: a worker already sending for it is skipped, not waited
# for, so one alert's rows are never split between two emails (NO KEY UPDATE: matching's foreign-key checks
# on the alert do not wait for us). Then its rows, locked so that the status read is the latest: rows already
# sent, or whose job closed since the batch was read, are not claimed.
CLAIM_ALERT = """
SELECT id FROM alerts_alert WHERE id = %(alert_id)s AND status = 'active' FOR NO KEY UPDATE SKIP LOCKED
"""
CLAIM = """
SELECT d.id FROM alerts_alertdelivery d
JOIN postings_posting p ON p.id = d.posting_id
WHERE d.id = ANY(%(ids)s) AND d.status = 'pending' AND p.status = 'published' AND p.expires_at > %(now)s
FOR UPDATE OF d
"""
SENT = """
WITH sent AS (
    UPDATE alerts_alertdelivery SET status = 'sent', sent_at = %(now)s, message_id = %(message_id)s
    WHERE id = ANY(%(ids)s)
)
UPDATE alerts_alert SET last_sent_at = %(now)s, permanent_failures = 0 WHERE id = %(alert_id)s
"""


@transaction.atomic
def _message_send(*, alert: Alert, deliveries: list[AlertDelivery], mail, report: DeliveryReport) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_ALERT, {"alert_id": alert.pk})
        if cursor.fetchone() is None:
            return  # another worker is sending for this alert, or it stopped since the batch was read
        cursor.execute(CLAIM, {"ids": [delivery.pk for delivery in deliveries], "now": now})
        claimed = {pk for (pk,) in cursor.fetchall()}
    deliveries = [delivery for delivery in deliveries if delivery.pk in claimed]
    if not deliveries:
        return  # another worker is sending these, or has sent them
    message = alert_message(
        alert=alert, postings=[delivery.posting for delivery in deliveries], total=_total(deliveries), mail=mail
    )
    try:
        mail.send_messages([message])
    except smtplib.SMTPException as error:
        code = _smtp_code(error)
        if code is None:
            raise  # the connection itself: the task retries the batch later
        mail.close()  # start the next message on a fresh session
        _failure_record(alert=alert, deliveries=deliveries, code=code, error=error, now=now, report=report)
        return
    # Committed right after the server accepted the message: a crash can repeat at most this one message.
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
        rows.update(status=AlertDelivery.Status.FAILED, attempts=F("attempts") + 1, last_error=text)
        Alert.objects.filter(pk=alert.pk).update(permanent_failures=F("permanent_failures") + 1)
        alert.refresh_from_db(fields=["permanent_failures"])
        if alert.permanent_failures >= PERMANENT_FAILURES_BEFORE_PAUSE:
            alert_pause(alert=alert, reason=f"Emails to this address were refused ({code}).")
        report.permanent_failures += 1
        logger.warning("alert %s: permanent SMTP failure %s", alert.pk, text)
        return
    attempts = max(delivery.attempts for delivery in deliveries) + 1
    if attempts >= MAX_TEMPORARY_ATTEMPTS:
        rows.update(status=AlertDelivery.Status.FAILED, attempts=attempts, last_error=text)
    else:
        delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
        rows.update(attempts=attempts, next_attempt_at=now + delay, last_error=text)
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
