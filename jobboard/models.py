"""The outbox: every email the board owes, written in the transaction of the change that owes it."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .managers import OutgoingEmailQuerySet


class OutgoingEmail(models.Model):
    """One rendered message, waiting for the worker or sent.

    A row is inserted with the change that owes the email (an application, an alert sign-up, a decision ...),
    so the email is owed exactly when that change commits, whatever happens to Redis meanwhile. A worker
    claims a row by stamping `claimed_at` in one statement before sending (two workers never both get it) and
    marks it sent after; a claim older than EMAIL_CLAIM_TIMEOUT_SECONDS belongs to a worker that died, and the
    sweep sends the row again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipients = ArrayField(models.CharField(max_length=320))
    subject = models.TextField()
    text = models.TextField()
    html = models.TextField(blank=True, help_text="Empty for plain-text messages (some of allauth's).")
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outgoing_email_due"),
            models.Index(fields=["sent_at"], condition=Q(status="sent"), name="outgoing_email_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.recipients)}: {self.status}"
