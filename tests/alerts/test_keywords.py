"""An alert's keywords are read as the search reads them: hyphenated words, the pharmacy vocabulary, references,
and again after the vocabulary changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alerts.matching import matching_pairs
from alerts.models import Alert
from alerts.services.subscriptions import alert_keyword_queries_refresh
from alerts.tasks import alert_keyword_queries_refresh_task
from postings.search import keywords_tsquery
from tests.factories import EmployerFactory, PublishedPostingFactory

from .alerts_support import make_alert, matches

pytestmark = pytest.mark.django_db


def posting(description: str, **fields):
    """Published after every alert of the test started."""
    return PublishedPostingFactory(
        employer=EmployerFactory(name="Acme Health"),
        title="Opening",
        description=description,
        duties=[],
        systems=[],
        published_at=timezone.now() + timedelta(seconds=1),
        **fields,
    )


@pytest.mark.parametrize(
    ("keywords", "description"),
    [
        ("mail-order", "A mail order pharmacy."),
        ("ltc", "Serving long-term care homes."),
        ("pharm tech", "Pharmacy technician, days."),
        ("PA", "Prior authorization work."),
        ("REQ-77", "Day shifts."),
    ],
)
def test_an_alert_sends_what_its_search_finds(keywords, description):
    alert = make_alert({"q": keywords})
    found = posting(description, reference="REQ-77")
    other = posting("Nothing of the sort.")
    assert set(matches({"q": keywords}).values_list("pk", flat=True)) == {found.pk}
    pairs = matching_pairs(
        now=timezone.now(), today=timezone.localdate(), posting_ids=[found.pk, other.pk], alert_ids=[alert.pk]
    )
    assert pairs == {(alert.pk, found.pk)}


def test_keywords_that_browse_match_every_posting():
    alert = make_alert({"q": "*"})
    assert alert.keywords == ""
    assert alert.keywords_query is None
    assert alert.name == "All new jobs"


def test_stored_queries_are_read_again_when_the_vocabulary_changes():
    alert = make_alert({"q": "ltc"})
    untouched = make_alert({"q": "nights"})
    # As an alert saved before "ltc" was in the vocabulary stored it.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE alerts_alert SET keywords_query = 'ltc'::tsquery WHERE id = %s", [alert.pk])
    long_term_care = posting("Serving long-term care homes.")
    now, today = timezone.now(), timezone.localdate()
    assert matching_pairs(now=now, today=today, posting_ids=[long_term_care.pk], alert_ids=[alert.pk]) == set()

    assert alert_keyword_queries_refresh() == 1
    assert alert_keyword_queries_refresh_task() == 0  # idempotent: nothing left to change
    assert matching_pairs(now=now, today=today, posting_ids=[long_term_care.pk], alert_ids=[alert.pk]) == {
        (alert.pk, long_term_care.pk)
    }
    stored = dict(Alert.objects.values_list("pk", "keywords_query"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery::text, %s::tsquery::text", [stored[alert.pk], stored[untouched.pk]])
        assert cursor.fetchone() == (keywords_tsquery("ltc"), keywords_tsquery("nights"))
