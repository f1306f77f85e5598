"""Subscribing to job alerts and managing them: signed links, double opt-in, pause, resume, unsubscribe.

A subscription starts matching from the moment it is active (confirmed, or made from a verified address), so
nothing published before then is ever sent. The subscribe form is rate limited per address and per client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jobboard.mail import email_send

from ..matching import AlertCriteria, alert_match_keys, alert_name, database_upper
from ..models import Alert, AlertDelivery

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
# hour (counted in the shared cache), besides the per-client limit on requests of any kind
# (settings.RATE_LIMITS["alert_subscribe"], checked by the view).
CONFIRMATIONS_PER_ADDRESS_PER_HOUR = 3
RATE_WINDOW_SECONDS = 60 * 60

DIGEST_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
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
