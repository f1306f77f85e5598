# ruff: noqa: RUF001 - pay ranges are written with an en dash, on purpose
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from postings.templatetags.postings_tags import (
    ago,
    credential_groups,
    initials,
    markdown,
    money,
    pay_range,
    place,
    region_name,
    requirement_text,
)
from tests.factories import (
    CredentialOptionFactory,
    CredentialRequirementFactory,
    DraftPostingFactory,
    PublishedPostingFactory,
    credential_type,
)

# -- markdown ---------------------------------------------------------------------------------------


def test_markdown_renders_the_allowed_subset():
    html = markdown("Hello **world** and *you*.\n\n- one\n- two\n\n1. first\n\n> quoted\n\nUse `Pyxis`.")

    assert "<strong>world</strong>" in html
    assert "<em>you</em>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>" in html
    assert "<blockquote>" in html
    assert "<code>Pyxis</code>" in html


def test_markdown_keeps_single_line_breaks():
    assert "line one<br>\nline two" in markdown("line one\nline two")


def test_markdown_demotes_headings_below_the_pages_own():
    html = markdown("# Big\n\n## Smaller\n\n### Small\n\n#### Tiny\n\n##### Tinier")

    assert "<h1" not in html
    assert "<h2" not in html
    assert "<h3>Big</h3>" in html
    assert "<h3>Smaller</h3>" in html
    assert "<h3>Small</h3>" in html
    assert "<h4>Tiny</h4>" in html
    assert "<h4>Tinier</h4>" in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://ok.example" onclick="alert(1)">x</a>',
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg onload=alert(1)>",
        '<h1 onmouseover="alert(1)">Title</h1>',
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_strips_anything_active(attack):
    html = markdown(f"Before {attack} after").lower()

    assert "<script" not in html
    assert "alert(1)" not in html.replace("&gt;", "")  # script content removed, not just the tags
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onload" not in html
    assert "onmouseover" not in html
    assert "style" not in html
    assert "<iframe" not in html
    assert "<img" not in html
    assert "data:" not in html
    assert "before" in html
    assert "after" in html


def test_markdown_links_get_nofollow_noopener():
    html = markdown("[Apply](https://careers.example.com/1) or <a href='https://b.example' rel='follow'>b</a>")

    assert '<a href="https://careers.example.com/1" rel="nofollow noopener">Apply</a>' in html
    assert '<a href="https://b.example" rel="nofollow noopener">b</a>' in html


def test_markdown_allows_mailto_links():
    assert 'href="mailto:jobs@example.com"' in markdown("[Write to us](mailto:jobs@example.com)")


def test_markdown_of_nothing_is_empty():
    assert markdown("") == ""
    assert markdown(None) == ""


# -- pay --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "period", "currency", "expected"),
    [
        ("18", "22", "hour", "USD", "$18.00–$22.00 /hour"),
        ("18.5", "24.75", "hour", "USD", "$18.50–$24.75 /hour"),
        ("45000", "55000", "year", "USD", "$45,000–$55,000 /year"),
        ("45000.50", "55000", "year", "USD", "$45,000.50–$55,000.00 /year"),
        ("24", "28", "hour", "CAD", "CA$24.00–CA$28.00 /hour"),
        ("12.5", "14", "hour", "GBP", "£12.50–£14.00 /hour"),
        ("20", "20", "hour", "USD", "$20.00 /hour"),
        ("1200", "1500", "hour", "USD", "$1,200.00–$1,500.00 /hour"),
        ("20", "25", "hour", "EUR", "EUR 20.00–EUR 25.00 /hour"),
    ],
)
def test_pay_range(low, high, period, currency, expected):
    posting = DraftPostingFactory.build(
        pay_min=Decimal(low), pay_max=Decimal(high), pay_period=period, pay_currency=currency
    )

    assert pay_range(posting) == expected


def test_money_drops_whole_cents():
    assert money(Decimal("1500.00"), "USD") == "$1,500"
    assert money(Decimal("2.50"), "CAD") == "CA$2.50"
    assert money(None) == ""


# -- places and ages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("US-TX", "Texas"),
        ("CA-ON", "Ontario"),
        ("US-DC", "District of Columbia"),
        ("us-ca", "California"),
        ("XX-YY", "XX-YY"),
        ("", ""),
    ],
)
def test_region_name(code, name):
    assert region_name(code) == name


def test_place_is_city_and_region_or_just_the_region():
    assert place(DraftPostingFactory.build(city="Austin", region="US-TX")) == "Austin, Texas"
    assert place(DraftPostingFactory.build(city="", country="CA", region="CA-QC")) == "Quebec"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(hours=3, minutes=20), "3 hours ago"),
        (timedelta(days=1, hours=5), "1 day ago"),
        (timedelta(days=3, hours=2), "3 days ago"),
        (timedelta(days=15), "2 weeks ago"),
    ],
)
def test_ago_uses_one_unit(delta, text):
    assert ago(timezone.now() - delta) == text


def test_initials():
    assert initials("Riverside Pharmacy") == "RP"
    assert initials("St. Luke's Health System") == "SL"
    assert initials("CVS") == "C"
    assert initials("") == "?"


# -- credentials ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_credential_groups_join_any_of_options_and_order_by_level():
    posting = PublishedPostingFactory()
    within = CredentialRequirementFactory(posting=posting, level="within", within_days=90, position=0)
    CredentialOptionFactory(
        requirement=within, credential_type=credential_type("state-registration"), jurisdiction="US-TX"
    )
    preferred = CredentialRequirementFactory(posting=posting, level="preferred", position=1)
    CredentialOptionFactory(requirement=preferred, credential_type=credential_type("ptcb-cspt"))
    required = CredentialRequirementFactory(posting=posting, level="required", position=2)
    CredentialOptionFactory(requirement=required, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=required, credential_type=credential_type("nha-excpt"))

    assert credential_groups(posting) == [
        ("Required", ["PTCB CPhT or NHA ExCPT"]),
        ("Preferred", ["PTCB CSPT"]),
        ("Obtain after hire", ["State technician registration (Texas) within 90 days of hire"]),
    ]
    assert requirement_text(required) == "PTCB CPhT or NHA ExCPT"


@pytest.mark.django_db
def test_credential_groups_of_a_posting_without_requirements_is_empty():
    assert credential_groups(PublishedPostingFactory()) == []
