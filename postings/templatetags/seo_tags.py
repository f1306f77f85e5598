"""What search engines, feed readers and link previews read: JSON-LD, plain-text excerpts, absolute URLs."""

from __future__ import annotations

import html
import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from jobboard.templatetags.ui import markdown
from postings.jsonld import absolute_url, posting_jsonld

from .postings_tags import pay_range, place

register = template.Library()

# The escapes of django.utils.html.json_script: no "</script>", "<!--" or "&" can survive inside the element,
# and JSON parsers read \u003C as "<", so the data is unchanged.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# XML 1.0 cannot carry these (Django's feed writer refuses them with an exception), and no reader wants them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h3|h4|br|blockquote)\b[^>]*>", re.IGNORECASE)

EXCERPT_LENGTH = 200


@register.filter(is_safe=True)
def jsonld_script(data) -> SafeString:
    """A dict as `<script type="application/ld+json">`, escaped like `json_script` (which only writes JSON)."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # escaped just above


@register.filter
def job_posting(posting) -> dict:
    return posting_jsonld(posting)


def plain_text(markdown_text: str) -> str:
    """Markdown as one line of plain text (not HTML-escaped: the template or the XML writer escapes it)."""
    sanitised = str(markdown(markdown_text))
    # Keep words of adjacent paragraphs and list items apart before the tags go.
    text = html.unescape(strip_tags(_BLOCK_TAG.sub(" ", sanitised)))
    return " ".join(CONTROL_CHARACTERS.sub("", text).split())


@register.filter
def excerpt(markdown_text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a description as plain text, cut after a whole word with an ellipsis, for previews and feeds."""
    text = plain_text(markdown_text)
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "\u2026"


@register.filter
def absolute(url: str) -> str:
    """SITE_URL + path, for og:url, og:image and the like."""
    return absolute_url(str(url)) if url else ""


@register.filter
def share_title(posting) -> str:
    """What a link preview shows as the title: "IV Technician at Mercy Hospital, Austin, Texas"."""
    return f"{posting.title} at {posting.employer.name}, {place(posting)}"


@register.filter
def share_description(posting) -> str:
    """The pay first (what a technician looks for), then the start of the description."""
    return f"{pay_range(posting)}. {excerpt(posting.description, EXCERPT_LENGTH - 40)}"
