"""Site-wide presentation helpers, for every app's templates: icons, pagination, sanitised Markdown, ages, and
the form controls that templates/includes/_form.html draws (jobboard/widgets.py)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from jobboard import widgets

register = template.Library()
register.filter("control", widgets.control, is_safe=True)
register.simple_tag(widgets.choices, name="choices")
register.simple_tag(widgets.counts_swap, name="counts_swap")
register.filter("html_number", widgets.html_number)

# What an employer's Markdown may turn into. Headings are demoted to h3/h4 so they sit under the page's own.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_TOP_HEADING = re.compile(r"<(/?)h[12](\s[^>]*)?>", re.IGNORECASE)
_LOW_HEADING = re.compile(r"<(/?)h[56](\s[^>]*)?>", re.IGNORECASE)


@register.filter(is_safe=True)
def markdown(text: str) -> SafeString:
    """Markdown to HTML, then sanitised with nh3: whatever the employer typed, only ALLOWED_TAGS survive."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(str(text), extensions=["nl2br", "sane_lists"])
    html = _TOP_HEADING.sub(r"<\1h3>", html)
    html = _LOW_HEADING.sub(r"<\1h4>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # nh3 has just sanitised it


@register.filter
def datetime_attr(value: datetime | None) -> str:
    """The value of `<time datetime>`: ISO 8601 to the second. HTML allows at most three digits of fractions
    of a second, and Django's `date:"c"` writes six."""
    return value.isoformat(timespec="seconds") if value else ""


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 days ago", "5 hours ago", "just now": one unit is enough on a job card."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return timesince(value, depth=1).replace("\xa0", " ") + " ago"


@register.filter
def initials(name: str) -> str:
    """Up to two initials for an employer without a logo: "Riverside Pharmacy" -> "RP"."""
    words = [word for word in str(name).split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


# Icons are drawn inline (no icon font, no CDN); they are decorative, so hidden from assistive technology.
_ICONS = {
    "map-pin": '<path d="M20 10c0 6-8 12-8 12s-8-6-8-12a8 8 0 0 1 16 0z"/><circle cx="12" cy="10" r="3"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "briefcase": '<rect x="3" y="7" width="18" height="13" rx="2"/><path d="M8 7V5a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2"/>',
    "building": '<path d="M4 21V5a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v16"/><path d="M16 9h2a2 2 0 0 1 2 2v10"/>'
    '<path d="M8 7h4M8 11h4M8 15h4M2 21h20"/>',
    "pay": '<rect x="2" y="6" width="20" height="12" rx="2"/><circle cx="12" cy="12" r="2.5"/>'
    '<path d="M6 12h.01M18 12h.01"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M16 3v4M8 3v4M3 10h18"/>',
    "check": '<path d="M20 6 9 17l-5-5"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>',
    "arrow-right": '<path d="M5 12h14M13 6l6 6-6 6"/>',
    "external": '<path d="M14 4h6v6M20 4l-9 9"/><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/>',
    "award": '<circle cx="12" cy="9" r="6"/><path d="m8.5 14-1.5 8 5-3 5 3-1.5-8"/>',
    "graduation": '<path d="M22 9 12 4 2 9l10 5 10-5z"/><path d="M6 11v5c0 1.5 3 3 6 3s6-1.5 6-3v-5"/>',
    "home": '<path d="M3 10.5 12 3l9 7.5"/><path d="M5 9v11h14V9"/>',
    "shield": '<path d="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z"/><path d="m9 12 2 2 4-4"/>',
    "alert": '<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.01"/>',
    "bookmark": '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4.5L5 21V4a1 1 0 0 1 1-1z"/>',
    "bookmark-filled": '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4.5L5 21V4a1 1 0 0 1 1-1z" fill="currentColor"/>',
    "file": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5M9 13h6M9 17h6"/>',
    "download": '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "trash": '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>',
    "x": '<path d="M6 6l12 12M18 6 6 18"/>',
    "rss": '<path d="M4 11a9 9 0 0 1 9 9M4 4a16 16 0 0 1 16 16"/><circle cx="5" cy="19" r="1"/>',
}


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    paths = _ICONS.get(name, "")
    return format_html(
        '<svg class="icon{}" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{}</svg>',
        f" {css_class}" if css_class else "",
        mark_safe(paths),  # constant markup, defined above
    )


@register.simple_tag
def page_links(page_obj) -> list:
    """Page numbers around the current one, with the paginator's ELLIPSIS for the gaps: 1 … 4 5 6 … 12."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:value }}`: a dictionary look-up with a variable key."""
    return mapping.get(key) if mapping else None
