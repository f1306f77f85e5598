"""Every write to a posting, one function per transition. Views, admin actions and commands call these."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from redis import Redis
from redis.exceptions import RedisError, ResponseError

from alerts.tasks import alerts_match_posting_task
from employers.models import EmployerMember
from jobboard.mail import email_send
from jobboard.slugs import first_free_slug

from .models import (
    CredentialOption,
    CredentialRequirement,
    ExpiryReminder,
    InvalidTransition,
    Place,
    Posting,
    PostingEvent,
    Report,
)

Status = Posting.Status
logger = logging.getLogger(__name__)


def _posting_transition(*, posting: Posting, to: str, by, reason: str = "") -> Posting:
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
    """Send a draft to review; a trusted employer's posting goes live at once (both steps are recorded)."""
    _posting_transition(posting=posting, to=Status.PENDING, by=by)
    posting.save(update_fields=["status", "updated_at"])
    if posting.employer.trusted:
        return posting_publish(posting=posting, by=by, reason="Trusted employer: published without review.")
    return posting


@transaction.atomic
def posting_publish(*, posting: Posting, by, days: int | None = None, reason: str = "") -> Posting:
    """Approve (or publish directly): the posting goes live for `days` (default 30, at most 60)."""
    now = timezone.now()
    expires_at = _expiry(start=now, days=days)
    _posting_transition(posting=posting, to=Status.PUBLISHED, by=by, reason=reason)
    posting.published_at, posting.expires_at = now, expires_at
    posting.save(update_fields=["status", "published_at", "expires_at", "updated_at"])
    transaction.on_commit(lambda: alerts_match_posting_task.delay(posting_id=posting.pk), robust=True)  # job alerts
    return posting


@transaction.atomic
def posting_reject(*, posting: Posting, by, reason: str) -> Posting:
    """A moderator's refusal, with the reason the poster reads in the email and on the dashboard."""
    _require_moderator(by)
    if not reason.strip():
        raise ValidationError("Say why the posting is rejected; the employer reads it.")
    _posting_transition(posting=posting, to=Status.REJECTED, by=by, reason=reason.strip())
    posting.save(update_fields=["status", "updated_at"])
    _poster_email_send(posting=posting, template=EMAIL_TEMPLATE_REJECTED, context={"reason": reason.strip()})
    return posting


@transaction.atomic
def posting_fill(*, posting: Posting, by, reason: str = "") -> Posting:
    _posting_transition(posting=posting, to=Status.FILLED, by=by, reason=reason)
    posting.save(update_fields=["status", "updated_at"])
    return posting


@transaction.atomic
def posting_close(*, posting: Posting, by, reason: str = "") -> Posting:
    _posting_transition(posting=posting, to=Status.CLOSED, by=by, reason=reason)
    posting.save(update_fields=["status", "updated_at"])
    return posting


@transaction.atomic
def posting_renew(*, posting: Posting, by, days: int | None = None) -> Posting:
    """Extend a published or expired posting; never beyond POSTING_MAX_DAYS from now."""
    now = timezone.now()
    if posting.status == Status.EXPIRED:
        _posting_transition(posting=posting, to=Status.PUBLISHED, by=by, reason="Renewed")
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


# -- Writing a posting (the dashboard form, the import) -------------------------------------------
# Callers hand in a posting or employer they took from `Employer.objects.for_user(user)`: object access
# is checked there, once, and these functions trust it. Moderation services check the moderator's permission.

MODERATE_PERMISSION = "postings.moderate_posting"
EMAIL_TEMPLATE_REJECTED = "posting_rejected"
EMAIL_TEMPLATE_CHANGES = "posting_changes_requested"
EMAIL_TEMPLATE_STILL_OPEN = "posting_still_open"
STILL_OPEN_SALT = "postings.still-open"

# Fields copied by posting_duplicate: the content of the ad, not its identity or life cycle.
CONTENT_FIELDS = [
    "title",
    "description",
    "setting",
    "employment_types",
    "shifts",
    "experience",
    "arrangement",
    "duties",
    "systems",
    "country",
    "region",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "pay_min",
    "pay_max",
    "pay_period",
    "pay_currency",
    "sign_on_bonus",
    "shift_differential",
    "training_provided",
    "exam_fee_paid",
    "tuition_reimbursement",
    "apply_method",
    "apply_url",
    "apply_email",
]


def _require_moderator(by) -> None:
    if by is None or not by.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied("Only moderators can approve, reject or request changes to a posting.")


def _unique_slug(*, employer, title: str) -> str:
    """The title's slug, numbered when the employer already has one like it (slugs are unique per employer)."""
    base = slugify(title)[:150] or "job"
    taken = set(Posting.objects.filter(employer=employer, slug__startswith=base).values_list("slug", flat=True))
    return first_free_slug(base, taken)


def _posting_geocode(posting: Posting) -> None:
    """Coordinates for distance search, from the ZIP code or else the city; left empty when neither is known."""
    place = None
    if posting.postal_code:
        place = Place.objects.resolve(posting.postal_code)
    if (place is None or place.country != posting.country) and posting.city:
        place = Place.objects.resolve(f"{posting.city}, {posting.region}")
    if place is not None and place.country == posting.country:
        posting.latitude, posting.longitude = place.latitude, place.longitude
    else:
        posting.latitude = posting.longitude = None


def _requirements_snapshot(posting: Posting) -> list:
    return [
        (r.level, r.within_days, sorted((o.credential_type_id, o.jurisdiction) for o in r.options.all()))
        for r in posting.requirements.prefetch_related("options")
    ]


def _requirements_replace(*, posting: Posting, requirements: list[dict]) -> None:
    """Requirements are small and edited as a whole: replace them rather than diff them."""
    posting.requirements.all().delete()
    for position, requirement in enumerate(requirements):
        row = CredentialRequirement.objects.create(
            posting=posting,
            level=requirement["level"],
            within_days=requirement.get("within_days") if requirement["level"] == "within" else None,
            position=position,
        )
        CredentialOption.objects.bulk_create(
            CredentialOption(requirement=row, credential_type=credential_type, jurisdiction=jurisdiction)
            for credential_type, jurisdiction in requirement["options"]
        )


@transaction.atomic
def posting_create(*, employer, by, data: dict, requirements: list[dict]) -> Posting:
    """A new draft from validated form data (`PostingForm.cleaned_data`, `RequirementFormSet.requirements`)."""
    posting = Posting(employer=employer, created_by=by, status=Status.DRAFT)
    for field, value in data.items():
        setattr(posting, field, value)
    posting.slug = _unique_slug(employer=employer, title=posting.title)
    _posting_geocode(posting)
    posting.save()
    _requirements_replace(posting=posting, requirements=requirements)
    PostingEvent.objects.create(posting=posting, from_status="", to_status=Status.DRAFT, by=by, reason="Created")
    return posting


@transaction.atomic
def posting_update(*, posting: Posting, by, data: dict, requirements: list[dict]) -> Posting:
    """Save an edit. A live posting of an employer that is not trusted goes back to review when it changed."""
    # Compared with the stored row: a ModelForm has already copied its data onto the instance it validated.
    # The row is locked, and its life cycle taken from it, so a moderator's decision meanwhile is not overwritten.
    stored = Posting.objects.select_for_update().get(pk=posting.pk)
    posting.status, posting.published_at, posting.expires_at = stored.status, stored.published_at, stored.expires_at
    if posting.status in (Status.FILLED, Status.CLOSED):
        raise InvalidTransition(f"A {posting.get_status_display().lower()} posting cannot be edited; duplicate it.")
    before = ({field: getattr(stored, field) for field in data}, _requirements_snapshot(stored))
    for field, value in data.items():
        setattr(posting, field, value)
    _posting_geocode(posting)
    posting.save()
    _requirements_replace(posting=posting, requirements=requirements)
    after = ({field: getattr(posting, field) for field in data}, _requirements_snapshot(posting))
    if before == after or posting.status not in (Status.PUBLISHED, Status.EXPIRED):
        return posting
    if posting.status == Status.PUBLISHED and not posting.employer.trusted:
        _posting_transition(
            posting=posting, to=Status.PENDING, by=by, reason="Edited after publication: back to review"
        )
        posting.save(update_fields=["status", "updated_at"])
    else:
        PostingEvent.objects.create(
            posting=posting, from_status=posting.status, to_status=posting.status, by=by, reason="Edited"
        )
    return posting


@transaction.atomic
def posting_duplicate(*, posting: Posting, by) -> Posting:
    """A new draft with the same content and requirements: the quick way to post the same role again."""
    copy = Posting(employer=posting.employer, created_by=by, status=Status.DRAFT)
    for field in CONTENT_FIELDS:
        setattr(copy, field, getattr(posting, field))
    copy.slug = _unique_slug(employer=posting.employer, title=posting.title)
    copy.save()
    requirements = [
        {
            "level": requirement.level,
            "within_days": requirement.within_days,
            "options": [(option.credential_type, option.jurisdiction) for option in requirement.options.all()],
        }
        for requirement in posting.requirements.prefetch_related("options__credential_type")
    ]
    _requirements_replace(posting=copy, requirements=requirements)
    PostingEvent.objects.create(
        posting=copy, from_status="", to_status=Status.DRAFT, by=by, reason=f"Duplicated from posting {posting.pk}"
    )
    return copy


# -- Moderation ---------------------------------------------------------------------------------


def _poster_email_send(*, posting: Posting, template: str, context: dict) -> None:
    recipients = _poster_emails(posting)
    if recipients:
        email_send(
            to=recipients, template=template, context={"posting": posting, "url": _dashboard_url(posting), **context}
        )


def _poster_emails(posting: Posting) -> list[str]:
    """Who hears about a moderator's decision: whoever created the posting, else the employer's owners."""
    if posting.created_by_id and posting.created_by.email:
        return [posting.created_by.email]
    return list(
        EmployerMember.objects.for_employer(posting.employer_id)
        .owners()
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _dashboard_url(posting: Posting) -> str:
    return settings.SITE_URL + reverse("dashboard:posting", kwargs={"slug": posting.employer.slug, "pk": posting.pk})


@transaction.atomic
def posting_approve(*, posting: Posting, by, days: int | None = None) -> Posting:
    """A moderator's approval of a pending posting: it goes live for `days` (default 30, at most 60)."""
    _require_moderator(by)
    posting.require_status(Status.PENDING)
    return posting_publish(posting=posting, by=by, days=days, reason="Approved")


@transaction.atomic
def posting_request_changes(*, posting: Posting, by, comment: str) -> Posting:
    """Send a pending posting back to its employer as a draft, with what to change (emailed to the poster)."""
    _require_moderator(by)
    if not comment.strip():
        raise ValidationError("Say what should change; the employer reads it.")
    posting.require_status(Status.PENDING)
    _posting_transition(posting=posting, to=Status.DRAFT, by=by, reason=comment.strip())
    posting.save(update_fields=["status", "updated_at"])
    _poster_email_send(posting=posting, template=EMAIL_TEMPLATE_CHANGES, context={"comment": comment.strip()})
    return posting


# -- "Still open?" reminders ----------------------------------------------------------------------


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
    owners = list(
        EmployerMember.objects.for_employer(posting.employer_id)
        .owners()
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
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
                        "renew_url": links["renew"],
                        "fill_url": links["fill"],
                        "days": settings.POSTING_DEFAULT_DAYS,
                        "url": _dashboard_url(posting),
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


# -- Reports --------------------------------------------------------------------------------------


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
    _require_moderator(by)
    posting = Posting.objects.select_for_update().get(pk=report.posting_id)
    if posting.status not in (Status.FILLED, Status.CLOSED):
        posting_close(posting=posting, by=by, reason=f"Closed after a report: {report.get_reason_display()}")
    _reports_resolve(posting=posting, by=by, status=Report.Status.ACTED)
    return posting


@transaction.atomic
def report_dismiss(*, report: Report, by) -> Report:
    _require_moderator(by)
    report.status, report.resolved_by, report.resolved_at = Report.Status.DISMISSED, by, timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    return report


# -- Page views ---------------------------------------------------------------------------------------

VIEWS_KEY = "postings:views"
VIEWS_FLUSHING_KEY = "postings:views:flushing"


@cache
def _redis() -> Redis:
    return Redis.from_url(settings.REDIS_URL)


def posting_record_view(*, posting_id: int) -> None:
    """Count one view of a posting's page: one HINCRBY in Redis, because updating the posting's row on
    every view would make popular postings' rows a point of contention and bloat the table."""
    try:
        _redis().hincrby(VIEWS_KEY, str(posting_id), 1)
    except RedisError:
        logger.warning("could not count a view of posting %s", posting_id)  # a lost view is no reason to fail


def posting_views_flush() -> int:
    """Add the views counted in Redis to the postings, in one set-based UPDATE; returns postings updated.

    RENAME hands the counts over atomically: views counted meanwhile start a fresh hash. A crash after
    the UPDATE commits but before the hash is deleted counts that batch twice on the next run; view counts
    are a guide for employers, not a ledger, and that window is one statement wide.
    """
    client = _redis()
    if not client.exists(VIEWS_FLUSHING_KEY):
        try:
            client.rename(VIEWS_KEY, VIEWS_FLUSHING_KEY)
        except ResponseError:  # no views counted since the last flush
            return 0
    counts = {int(k): int(v) for k, v in client.hgetall(VIEWS_FLUSHING_KEY).items()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE postings_posting AS p SET view_count = p.view_count + v.n
            FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS n) AS v
            WHERE p.id = v.id
            """,
            [list(counts), list(counts.values())],
        )
        updated = cursor.rowcount
    client.delete(VIEWS_FLUSHING_KEY)
    return updated
