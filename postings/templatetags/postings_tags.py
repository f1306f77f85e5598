"""Presentation helpers for postings: sanitised Markdown, pay, places, ages, credentials, icons."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

import markdown as markdown_lib
import nh3
import pycountry
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from postings.geo import from_km
from postings.models import CredentialRequirement

register = template.Library()

# What an employer's Markdown may turn into. Headings are demoted to h3/h4 so they sit under the page's own.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_TOP_HEADING = re.compile(r"<(/?)h[12](\s[^>]*)?>", re.IGNORECASE)
_LOW_HEADING = re.compile(r"<(/?)h[56](\s[^>]*)?>", re.IGNORECASE)

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "GBP": "£"}
EN_DASH = "\u2013"
PERIOD_SUFFIX = {"hour": " /hour", "year": " /year"}


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


def format_money(amount: Decimal, currency: str, *, cents: bool) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    number = f"{amount:,.2f}" if cents else f"{amount:,.0f}"
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def _has_cents(amount: Decimal) -> bool:
    return amount != amount.to_integral_value()


@register.filter
def pay_range(posting) -> str:
    """ "$18.00-$22.00 /hour", "$45,000-$55,000 /year", "CA$24.00-CA$28.00 /hour" (an en dash, not a hyphen).

    One figure when the bottom and top are equal.
    """
    low, high = posting.pay_min, posting.pay_max
    if low is None or high is None:
        return ""
    currency, period = posting.pay_currency, posting.pay_period
    cents = period == "hour" or _has_cents(low) or _has_cents(high)
    text = format_money(low, currency, cents=cents)
    if high != low:
        text += EN_DASH + format_money(high, currency, cents=cents)
    return text + PERIOD_SUFFIX.get(period, f" /{period}")


@register.filter
def money(amount: Decimal | None, currency: str = "USD") -> str:
    """A single amount, without cents when it is whole: "$1,500", "CA$2.50"."""
    if amount is None:
        return ""
    return format_money(amount, currency, cents=_has_cents(amount))


@lru_cache(maxsize=512)
def _region_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.name if subdivision else code


@register.filter
def region_name(code: str) -> str:
    """ "US-TX" -> "Texas", "CA-ON" -> "Ontario"; an unknown code is shown as it is."""
    if not code:
        return ""
    return _region_name(str(code).upper())


@register.filter
def place(posting) -> str:
    """ "Austin, Texas", or just the region when the posting names no city."""
    region = region_name(posting.region)
    return f"{posting.city}, {region}" if posting.city else region


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 days ago", "5 hours ago", "just now": one unit is enough on a job card."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return timesince(value, depth=1).replace("\xa0", " ") + " ago"


def _option_text(option) -> str:
    name = option.credential_type.name
    return f"{name} ({region_name(option.jurisdiction)})" if option.jurisdiction else name


def requirement_text(requirement: CredentialRequirement) -> str:
    """Any-of options joined by "or": "PTCB CPhT or NHA ExCPT", plus the deadline for "obtain after hire"."""
    text = " or ".join(_option_text(option) for option in requirement.options.all())
    if requirement.level == CredentialRequirement.Level.WITHIN and requirement.within_days:
        text += f" within {requirement.within_days} days of hire"
    return text


_GROUP_HEADINGS = [
    (CredentialRequirement.Level.REQUIRED, "Required"),
    (CredentialRequirement.Level.PREFERRED, "Preferred"),
    (CredentialRequirement.Level.WITHIN, "Obtain after hire"),
]


@register.simple_tag
def credential_groups(posting) -> list[tuple[str, list[str]]]:
    """[(heading, [requirement text, ...]), ...] in the order required, preferred, obtain after hire.

    Reads `posting.requirements.all()`, so prefetch them (`for_detail()`) to keep this to no queries.
    """
    texts: dict[str, list[str]] = {level: [] for level, _ in _GROUP_HEADINGS}
    for requirement in posting.requirements.all():
        text = requirement_text(requirement)
        if text:
            texts.setdefault(requirement.level, []).append(text)
    return [(heading, texts[level]) for level, heading in _GROUP_HEADINGS if texts[level]]


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


@register.filter
def distance(distance_km, unit: str = "mi") -> str:
    """ "4.2 mi away", or "12 km away": whole numbers past ten, where a decimal is noise."""
    if distance_km is None:
        return ""
    value = from_km(float(distance_km), unit or "mi")
    shown = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return f"{shown} {unit or 'mi'} away"
