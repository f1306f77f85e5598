"""Presentation helpers for applications: status badges, the history of an application, a few icons."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


_ICONS = {
    "bookmark": '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4.5L5 21V4a1 1 0 0 1 1-1z"/>',
    "bookmark-filled": '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4.5L5 21V4a1 1 0 0 1 1-1z" fill="currentColor"/>',
    "file": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5M9 13h6M9 17h6"/>',
    "download": '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "trash": '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>',
    "x": '<path d="M6 6l12 12M18 6 6 18"/>',
}


@register.simple_tag
def applicant_icon(name: str, css_class: str = "") -> SafeString:
    return format_html(
        '<svg class="icon{}" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{}</svg>',
        f" {css_class}" if css_class else "",
        mark_safe(_ICONS.get(name, "")),  # constant markup, defined above
    )
