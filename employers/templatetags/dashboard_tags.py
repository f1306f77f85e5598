"""Small presentation helpers for the employer dashboard."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django import template
from django.utils.safestring import mark_safe

from postings.models import Posting

register = template.Library()

ACTION_LABELS = {
    "edit": "Edit",
    "preview": "Preview",
    "submit": "Submit for review",
    "duplicate": "Duplicate",
    "close": "Close",
    "fill": "Mark filled",
    "renew": "Renew",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.capitalize())


@register.simple_tag
def days_left(posting, now: datetime) -> str:
    """ "12 days", "today", "expired": how long a live posting has left; a dash when it has no date."""
    if posting.expires_at is None or posting.status not in (Posting.Status.PUBLISHED, Posting.Status.EXPIRED):
        return mark_safe('<span class="muted">\u2013<span class="visually-hidden">no expiry date</span></span>')
    if posting.expires_at <= now:
        return "expired"
    left = posting.expires_at - now
    if left < timedelta(days=1):
        return "today"
    days = math.ceil(left / timedelta(days=1))  # 28 days and 23 hours reads as 29 days
    return f"{days} day{'s' if days != 1 else ''}"
