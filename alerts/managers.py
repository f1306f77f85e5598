"""Every read of job alerts and their delivery ledger, as chainable QuerySet methods.

The matching itself (which postings an alert gets) is one set-based statement in `matching.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from jobboard.mail import claim_stale_before


class AlertQuerySet(models.QuerySet):
    def for_user(self, user) -> AlertQuerySet:
        """A signed-in user's own alerts: the one scope /alerts/ and /me/ reach alerts through."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user).exclude(status="unsubscribed")

    def active(self) -> AlertQuerySet:
        return self.filter(status="active")

    def with_frequency(self, frequency: str) -> AlertQuerySet:
        return self.filter(frequency=frequency)

    def for_address(self, email: str) -> AlertQuerySet:
        return self.filter(email=email.strip().lower())

    def live(self) -> AlertQuerySet:
        """Every alert still standing for its address: waiting for confirmation, active or paused."""
        return self.exclude(status="unsubscribed")

    def digest_due(self, now: datetime) -> AlertQuerySet:
        return self.active().filter(next_digest_at__lte=now)

    def unconfirmed_before(self, moment: datetime) -> AlertQuerySet:
        return self.filter(status="unconfirmed", created_at__lt=moment)

    def unsubscribed_before(self, moment: datetime) -> AlertQuerySet:
        return self.filter(status="unsubscribed", unsubscribed_at__lt=moment)

    def for_list(self) -> AlertQuerySet:
        return self.order_by("-created_at", "-id")


class AlertDeliveryQuerySet(models.QuerySet):
    def pending(self) -> AlertDeliveryQuerySet:
        return self.filter(status="pending")

    def due(self, now: datetime) -> AlertDeliveryQuerySet:
        """Pending, not waiting out a temporary failure's backoff, and not being sent by a live worker."""
        unclaimed = Q(claimed_at__isnull=True) | Q(claimed_at__lt=claim_stale_before(now))
        return self.pending().filter(unclaimed, next_attempt_at__lte=now)

    def for_alert(self, alert) -> AlertDeliveryQuerySet:
        return self.filter(alert=alert)

    def due_alert_ids(self, now: datetime, *, limit: int | None = None, frequency: str | None = None) -> list[int]:
        """Alerts with something to send now, oldest match first: what the delivery sweep hands to workers."""
        rows = self.due(now)
        if frequency is not None:
            rows = rows.filter(alert__frequency=frequency)
        rows = rows.values("alert_id").annotate(first=models.Min("matched_at")).order_by("first")
        if limit is not None:
            rows = rows[:limit]
        return [row["alert_id"] for row in rows]

    def matched_before(self, moment: datetime) -> AlertDeliveryQuerySet:
        return self.filter(matched_at__lt=moment)

    def counts_per_day(self, *, days: int, now: datetime) -> list[dict]:
        """[{day, pending, sent, skipped, failed}] for the last `days` days, newest first, in one GROUP BY."""
        rows = (
            self.filter(matched_at__gte=now - timedelta(days=days))
            .annotate(day=TruncDate("matched_at"))
            .values("day")
            .annotate(
                **{status: Count("pk", filter=Q(status=status)) for status in ("pending", "sent", "skipped", "failed")}
            )
            .order_by("-day")
        )
        return list(rows)
