"""The site-wide template helpers (`{% load ui %}`): Markdown, ages, initials, icons, pagination."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.utils import timezone

from jobboard.templatetags.ui import ago, get_item, icon, initials, markdown, page_links

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


# -- icons and pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["map-pin", "bookmark-filled", "download"])
def test_one_icon_set_serves_every_page(name):
    svg = str(icon(name, "file__icon"))

    assert svg.startswith('<svg class="icon file__icon"')
    assert 'aria-hidden="true"' in svg
    assert "<path" in svg


def test_an_unknown_icon_is_an_empty_hidden_svg():
    svg = str(icon("no-such-icon"))

    assert svg.startswith('<svg class="icon"')
    assert "<path" not in svg


def test_templates_load_the_helpers_as_ui():
    html = Template('{% load ui %}{% icon "check" %} {{ "**hi**"|markdown }} {{ counts|get_item:"a" }}').render(
        Context({"counts": {"a": 3}})
    )

    assert "<svg" in html
    assert "<strong>hi</strong>" in html
    assert html.endswith(" 3")


def test_page_links_elide_the_pages_far_from_the_current_one():
    page = Paginator(range(120), 10).page(6)

    assert page_links(page) == [1, Paginator.ELLIPSIS, 5, 6, 7, Paginator.ELLIPSIS, 12]


def test_get_item_of_nothing_is_nothing():
    assert get_item(None, "a") is None
    assert get_item({}, "a") is None


def test_time_elements_get_seconds_without_fractions():
    from datetime import UTC, datetime

    from jobboard.templatetags.ui import datetime_attr

    assert datetime_attr(datetime(2026, 12, 8, 9, 30, 15, 123456, tzinfo=UTC)) == "2026-12-08T09:30:15+00:00"
    assert datetime_attr(None) == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [("17.5", True), ("-3", True), (".5", True), ("1e3", True), (18, True), ("lots", False), ("5.", False),
     ("+5", False), ("1,000", False), ("", False), (None, False)],
)  # fmt: skip
def test_a_number_input_shows_only_numbers_again(value, shown):
    from jobboard.widgets import html_number

    assert html_number(value) is shown
