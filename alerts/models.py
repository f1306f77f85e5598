"""Job alerts: a saved search that emails new matching jobs, and the ledger of what each alert was sent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex, GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jobboard.fields import TsQueryField

from .managers import AlertDeliveryQuerySet, AlertQuerySet


class Alert(models.Model):
    """A saved search that emails new matching jobs: the search's criteria, stored in typed columns.

    `criteria` keeps the validated search parameters (for the "see all" link and the manage page); the
    columns below hold the same criteria in the shape the set-based matching SQL compares (matching.py).
    Nothing is sent before the address is confirmed (double opt-in) and only postings published after
    `matching_from` are ever sent.
    """

    class Frequency(models.TextChoices):
        INSTANT = "instant", "As soon as they are posted"
        DAILY = "daily", "Once a day"
        WEEKLY = "weekly", "Once a week"

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Waiting for confirmation"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="job_alerts"
    )
    email = models.EmailField(help_text="Where the alert is sent; stored in lower case.")
    name = models.CharField(max_length=200)
    frequency = models.CharField(max_length=7, choices=Frequency.choices, default=Frequency.DAILY)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNCONFIRMED)
    paused_reason = models.CharField(max_length=200, blank=True)
    criteria = models.JSONField(default=dict, help_text="The search parameters, as /jobs/ takes them.")
    criteria_key = models.CharField(
        max_length=64, help_text="A hash of the criteria: one alert per search and address."
    )

    # The criteria in typed columns, for matching. Computed once, by the code search uses (matching.py).
    keywords = models.CharField(max_length=200, blank=True)
    # The keywords as the search reads them (hyphens, the pharmacy vocabulary ...), as the text of a tsquery
    # computed by the search's own code (postings.search.keywords_tsquery); NULL without keywords. Recomputed
    # daily (alerts_keyword_queries_refresh), so a change to the vocabulary reaches saved alerts.
    keywords_query = TsQueryField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=100, blank=True)
    place_label = models.CharField(max_length=120, blank=True, help_text='The resolved "near" place.')
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    radius_km = models.FloatField(null=True, blank=True)
    min_latitude = models.FloatField(null=True, blank=True)
    max_latitude = models.FloatField(null=True, blank=True)
    min_longitude = models.FloatField(null=True, blank=True)
    max_longitude = models.FloatField(null=True, blank=True)
    # The distance formula's constants, computed in Python as `distance_km_expression` computes them, so the
    # database evaluates the very same floating-point expression for an alert as for its search page.
    latitude_radians = models.FloatField(null=True, blank=True)
    latitude_cosine = models.FloatField(null=True, blank=True)
    longitude_radians = models.FloatField(null=True, blank=True)
    # Every choice criterion (setting, shift, language ...) as the search's facet tokens ("s:hospital"), and how
    # many criteria they belong to: a posting matches when its facets hold a token of each (matching.py). One
    # column for them all, so that a criterion declared in the search registry needs none of its own.
    facet_keys = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    facet_groups = models.PositiveSmallIntegerField(default=0)
    pay_floor_hourly = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Remote roles included in a place or radius search (SearchCriteria.includes_remote); near_country is the
    # country of the "near" place, whose remote roles a radius search then includes.
    remote = models.BooleanField(default=False)
    near_country = models.CharField(max_length=2, blank=True)
    training = models.BooleanField(default=False)
    qualified = models.BooleanField(default=False)
    # Candidate keys: an alert can only match a posting that shares one (a cheap equality join before the
    # exact predicate). See matching.alert_match_keys.
    match_keys = ArrayField(models.CharField(max_length=160), default=list, blank=True)

    # Life cycle
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    matching_from = models.DateTimeField(null=True, blank=True, help_text="Only postings published after this.")
    next_digest_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Consecutive permanent (5xx) failures; a success resets it, a few in a row pause the alert.
    permanent_failures = models.PositiveSmallIntegerField(default=0)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "criteria_key"],
                condition=~Q(status="unsubscribed"),
                name="alert_once_per_search_and_address",
            ),
            models.CheckConstraint(
                condition=Q(status="unconfirmed") | Q(status="unsubscribed") | Q(matching_from__isnull=False),
                name="alert_confirmed_has_matching_from",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, radius_km__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False, radius_km__gt=0),
                name="alert_near_has_radius",
            ),
        ]
        indexes = [
            models.Index(fields=["frequency", "next_digest_at"], condition=Q(status="active"), name="alert_digest_due"),
            models.Index(fields=["email"], name="alert_email"),
            GinIndex(fields=["match_keys"], name="alert_match_keys"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class AlertDelivery(models.Model):
    """The ledger: one row per (alert, posting), written when they match and before any email is sent.

    The unique constraint is what makes matching safe to repeat and sending safe to retry: a job reaches
    an alert at most once, whichever worker, beat run or redelivered message gets there first.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent: the job closed or the alert stopped"
        FAILED = "failed", "Failed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    posting = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    matched_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Stamped (and committed) by the worker about to send the row: see alerts/services/delivery.py.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # A digest records only the jobs its email lists (the newest ten); this is how many it matched in all,
    # for the email's "…and 80 more" and its link to the whole search.
    run_matches = models.PositiveIntegerField(default=1)

    objects = AlertDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "alert deliveries"
        constraints = [models.UniqueConstraint(fields=["alert", "posting"], name="alert_delivery_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="alert_delivery_due"),
            # Appended in time order: a BRIN index serves the admin's per-day counts for almost no upkeep.
            BrinIndex(fields=["matched_at"], name="alert_delivery_matched"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} for alert {self.alert_id}: {self.status}"


class AlertPostingMatch(models.Model):
    """A posting that instant matching has handled: beat's safety net re-matches only the others."""

    posting = models.OneToOneField("postings.Posting", on_delete=models.CASCADE, primary_key=True, related_name="+")
    matched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.posting_id} matched {self.matched_at:%Y-%m-%d %H:%M}"
