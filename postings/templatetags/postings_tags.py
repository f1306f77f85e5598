"""Presentation helpers for postings: pay, places, distances, credentials.

The site-wide ones (icons, pagination, Markdown, ages) are `{% load ui %}`: jobboard/templatetags/ui.py.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import cache as once

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from jobboard.templatetags.ui import ago
from postings.geo import from_km, region_name
from postings.models import CredentialRequirement, PayPeriod, Posting, Report

register = template.Library()
register.filter("region_name", region_name)

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "GBP": "£"}
EN_DASH = "\u2013"
PERIOD_SUFFIX = {PayPeriod.HOUR: " /hour", PayPeriod.YEAR: " /year"}


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
    cents = period == PayPeriod.HOUR or _has_cents(low) or _has_cents(high)
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


@register.filter
def place(posting) -> str:
    """ "Austin, Texas", or just the region when the posting names no city."""
    region = region_name(posting.region)
    return f"{posting.city}, {region}" if posting.city else region


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
def distance(distance_km, unit: str = "mi") -> str:
    """ "4.2 mi away", or "12 km away": whole numbers past ten, where a decimal is noise."""
    if distance_km is None:
        return ""
    value = from_km(float(distance_km), unit or "mi")
    shown = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return f"{shown} {unit or 'mi'} away"


@register.simple_tag
def moderation_counts() -> dict[str, int]:
    """What waits for the moderators, for the admin's index: the queue and the open reports (two counts)."""
    return {"pending": Posting.objects.pending_review().count(), "reports": Report.objects.open().count()}


# -- Job cards: rendered once per posting version, from the cache -----------------------------------------

CARD_TEMPLATE = "includes/_posting_card.html"
SAVE_BUTTON = "applicants/saved_list.html#save-button"
CARD_SECONDS = 24 * 60 * 60
# Where the parts that differ per request go in a cached card. NUL never occurs in our HTML (PostgreSQL text
# cannot hold it), so a marker can never be mistaken for a posting's own text.
SLOTS = {name: mark_safe(f"\x00{name}\x00") for name in ("distance", "age", "save")}  # constants


@once
def _card_template_digest() -> str:
    """The card template's source, hashed once per process: a deploy that changes the card changes every key."""
    source = get_template(CARD_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def card_key(posting: Posting) -> str:
    """The posting and its employer as last saved: an edit, a status change or another employer (or the
    employer's new name or logo) gives another key, so an old card is never read again."""
    return (
        f"postings:card:{_card_template_digest()}:{posting.pk}:{posting.updated_at.timestamp()}"
        f":{posting.employer_id}:{posting.employer.updated_at.timestamp()}"
    )


def cached_cards(postings: list[Posting]) -> list[str]:
    """Each posting's card with its slots still empty: one cache round trip for the page, and only the cards
    not yet cached are rendered (and stored for everyone)."""
    keys = [card_key(posting) for posting in postings]
    found = cache.get_many(keys)
    missing = {}
    template = get_template(CARD_TEMPLATE)
    for key, posting in zip(keys, postings, strict=True):
        if key not in found:
            found[key] = missing[key] = template.render({"posting": posting, "slots": SLOTS})
    if missing:
        cache.set_many(missing, CARD_SECONDS)
    return [found[key] for key in keys]


@register.simple_tag(takes_context=True)
def posting_cards(context, postings) -> SafeString:
    """Each posting's card in an <li>: the cached card, with the distance from the searched place (`unit`),
    the age and, for a signed-in user, the save button filled in."""
    postings = list(postings)
    unit = context.get("unit") or "mi"
    save_button = None
    user = context.get("user")
    if user is not None and user.is_authenticated:
        save_button = context.template.engine.get_template(SAVE_BUTTON)
    items = []
    for posting, html in zip(postings, cached_cards(postings), strict=True):
        distance_km = getattr(posting, "distance_km", None)
        near = ""
        if distance_km is not None:
            near = format_html(' <span class="job-card__distance">· {}</span>', distance(distance_km, unit))
        save = ""
        if save_button is not None:
            with context.push(posting=posting):
                save = save_button.render(context)
        html = html.replace(SLOTS["distance"], near).replace(SLOTS["age"], escape(ago(posting.published_at)))
        items.append(html.replace(SLOTS["save"], save))
    return mark_safe("".join(f"<li>{item}</li>" for item in items))  # cards rendered by our template
