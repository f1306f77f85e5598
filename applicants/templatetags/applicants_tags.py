"""Presentation helpers for applications: status badges and the history of an application."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from applicants.matching import posting_page_context
from applicants.models import Application

register = template.Library()


@register.simple_tag(takes_context=True)
def applicant_view_of(context, posting) -> dict:
    """A posting page's part for the signed-in applicant: their credential match, whether they saved the job
    or applied. The posting page loads it here, so the postings app needs to know nothing of applicants."""
    return posting_page_context(user=context["request"].user, posting=posting)


Status = Application.Status
_BADGE = {
    Status.SUBMITTED: "badge--blue",
    Status.VIEWED: "badge--blue",
    Status.SHORTLISTED: "badge--violet",
    Status.INTERVIEWING: "badge--violet",
    Status.OFFERED: "badge--green",
    Status.HIRED: "badge--green",
    Status.NOT_SELECTED: "badge--grey",
    Status.WITHDRAWN: "badge--grey",
}


@register.simple_tag
def status_badge(status: str) -> SafeString:
    label = Status(status).label if status in Status.values else status
    return format_html('<span class="badge {}">{}</span>', _BADGE.get(status, "badge--grey"), label)


@register.filter
def history(application) -> list:
    """Each status the application reached, oldest first, from its (prefetched) events."""
    return [event for event in application.events.all() if event.to_status != event.from_status]
