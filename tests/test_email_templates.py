"""The HTML emails: their call-to-action button is drawn by one include, so it looks the same in every email."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"


def test_the_button_style_is_written_once():
    styled_here = [
        path.name
        for path in sorted(EMAIL_TEMPLATES.glob("*.html"))
        if "display:inline-block" in path.read_text() and path.name != "_button.html"
    ]

    assert styled_here == [], 'use {% include "email/_button.html" with url=... label=... %}'


def test_the_button_links_its_label_and_escapes_it():
    html = render_to_string("email/_button.html", {"url": "https://example.com/a?b=1&c=2", "label": "Jobs & more"})

    assert html.strip().startswith('<a href="https://example.com/a?b=1&amp;c=2" style="display:inline-block;')
    assert "background:#0b6e69;color:#ffffff;" in html
    assert html.strip().endswith(">Jobs &amp; more</a>")


def test_a_secondary_button_is_outlined():
    html = render_to_string("email/_button.html", {"url": "/x", "label": "Later", "secondary": True})

    assert "border:1px solid #0b6e69;color:#0b6e69;" in html
    assert "background" not in html
