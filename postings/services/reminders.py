"""The "still open?" emails sent before a posting expires, and the signed links in them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from jobboard.mail import email_send
from postings.models import ExpiryReminder, Posting
from postings.services.emails import posting_dashboard_url, posting_owner_emails
from postings.services.workflow import posting_fill, posting_renew

EMAIL_TEMPLATE_STILL_OPEN = "posting_still_open"
STILL_OPEN_SALT = "postings.still-open"


def expiry_reminder_token(*, reminder: ExpiryReminder, action: str) -> str:
    return signing.dumps({"r": reminder.pk, "a": action}, salt=STILL_OPEN_SALT, compress=True)


def postings_remind_expiring() -> int:
    """Email the owners of each posting expiring within POSTING_REMINDER_DAYS_BEFORE days, once per expiry date.

    Idempotent: the reminder row (unique per posting and expiry date) is written in the same transaction
    as the email is queued, so a second run, or two beat processes, send nothing more. Renewing moves the
    expiry date, so the renewed posting is reminded again before its new date.
    """
    now = timezone.now()
    window_end = now + timedelta(days=settings.POSTING_REMINDER_DAYS_BEFORE)
    due = (
        Posting.objects.expiring_between(now, window_end)
        .exclude(expiry_reminders__expires_at=F("expires_at"))
        .select_related("employer")
        .order_by("expires_at", "id")
    )
    sent = 0
    for posting in due:
        sent += _posting_remind(posting=posting)
    return sent


def _posting_remind(*, posting: Posting) -> int:
    owners = posting_owner_emails(posting)
    try:
        with transaction.atomic():
            reminder = ExpiryReminder.objects.create(posting=posting, expires_at=posting.expires_at)
            if owners:
                links = {
                    action: settings.SITE_URL
                    + reverse(
                        "dashboard:still-open",
                        kwargs={"token": expiry_reminder_token(reminder=reminder, action=action)},
                    )
                    for action in ExpiryReminder.Action.values
                }
                email_send(
                    to=owners,
                    template=EMAIL_TEMPLATE_STILL_OPEN,
                    context={
                        "posting": posting,
                        "renew_url": links[ExpiryReminder.Action.RENEW],
                        "fill_url": links[ExpiryReminder.Action.FILL],
                        "days": settings.POSTING_DEFAULT_DAYS,
                        "url": posting_dashboard_url(posting),
                    },
                )
    except IntegrityError:  # another run got there first
        return 0
    return 1 if owners else 0


class ReminderLinkInvalid(Exception):
    """The link was altered, or is too old to act on."""


def expiry_reminder_read(*, token: str) -> tuple[ExpiryReminder, str]:
    """The reminder and action a "still open?" link stands for; raises ReminderLinkInvalid."""
    try:
        payload = signing.loads(
            token, salt=STILL_OPEN_SALT, max_age=timedelta(days=settings.POSTING_REMINDER_LINK_DAYS)
        )
        reminder_id, action = int(payload["r"]), str(payload["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ReminderLinkInvalid("This link is not valid: it may have been changed or be too old.") from error
    if action not in ExpiryReminder.Action.values:
        raise ReminderLinkInvalid("This link is not valid.")
    reminder = ExpiryReminder.objects.select_related("posting__employer").filter(pk=reminder_id).first()
    if reminder is None:
        raise ReminderLinkInvalid("This link is no longer valid.")
    return reminder, action


@transaction.atomic
def expiry_reminder_use(*, token: str) -> tuple[ExpiryReminder, bool]:
    """Renew the posting or mark it filled, as the link says; (reminder, False) when a link was already used.

    No sign-in: the signed link is the owner's authority, and it works once (the row is locked and marked).
    """
    reminder, action = expiry_reminder_read(token=token)
    reminder = ExpiryReminder.objects.select_for_update().select_related("posting__employer").get(pk=reminder.pk)
    if reminder.used_at is not None:
        return reminder, False
    posting = reminder.posting
    if action == ExpiryReminder.Action.RENEW:
        posting_renew(posting=posting, by=None)
    else:
        posting_fill(posting=posting, by=None, reason="Marked filled from the still-open email")
    reminder.used_at, reminder.used_action = timezone.now(), action
    reminder.save(update_fields=["used_at", "used_action"])
    return reminder, True
