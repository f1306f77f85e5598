"""Languages spoken (`language=es`): a criterion that came in through the search registry alone, followed end
to end: the search and its facet counts, garbage input, the posting form and page, the import, job alerts and
the demo data."""

import json
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.matching import alert_name, matching_pairs
from postings.filters import PostingFilter
from postings.importing import postings_import
from postings.models import Posting
from postings.search import posting_search
from tests.alerts.alerts_support import criteria_for, make_alert
from tests.factories import EmployerFactory, PublishedPostingFactory

from .test_import import jsonl, record
from .test_workflow_form import valid_data, validate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("postings:list")


def search(query: str) -> tuple[list[str], dict]:
    filterset = PostingFilter(QueryDict(query))
    result = posting_search(filterset.criteria, order=filterset.order)
    return [posting.title for posting in result.postings()], result.facets


def test_a_search_for_a_language_finds_the_postings_that_ask_for_or_welcome_it():
    PublishedPostingFactory(title="Bilingual", languages=["es"])
    PublishedPostingFactory(title="Both", languages=["fr", "es"])
    PublishedPostingFactory(title="French", languages=["fr"])
    PublishedPostingFactory(title="English only", languages=[])

    assert sorted(search("language=es")[0]) == ["Bilingual", "Both"]
    assert sorted(search("language=es&language=fr")[0]) == ["Bilingual", "Both", "French"]
    assert sorted(search("language=fr&region=US-TX")[0]) == ["Both", "French"]  # the factory's postings are Texan


def test_the_language_facet_counts_the_results():
    PublishedPostingFactory.create_batch(2, languages=["es"])
    PublishedPostingFactory(languages=["es", "vi"])
    PublishedPostingFactory(languages=[])

    counts = search("")[1]["language"]

    assert (counts["es"], counts["vi"], counts["fr"]) == (3, 1, 0)


@pytest.mark.parametrize(
    "query", ["language=xx", "language=ES", "language=%00", "language=", "language=es%00", "language=" + "e" * 5000]
)
def test_garbage_languages_are_a_form_error_never_a_500_and_the_other_filters_still_apply(client, query):
    PublishedPostingFactory(title="Hospital job", setting="hospital", languages=["es"])
    PublishedPostingFactory(title="Retail job", setting="community-retail")

    response = client.get(f"{LIST_URL}?{query}&setting=hospital")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hospital job" in html
    assert "Retail job" not in html


def test_a_valid_language_beside_a_garbage_one_still_narrows_the_search(client):
    PublishedPostingFactory(title="Bilingual", languages=["es"])
    PublishedPostingFactory(title="English only")

    html = client.get(LIST_URL, {"language": ["es", "klingon"]}).content.decode()

    assert "Bilingual" in html
    assert "English only" not in html
    assert "Choose one of the listed options." in html


def test_the_filter_form_offers_each_language_with_its_count(client):
    PublishedPostingFactory(languages=["fr"])

    html = client.get(LIST_URL).content.decode()

    assert 'name="language" value="fr"' in html
    assert "Languages spoken" in html


def test_the_posting_page_shows_the_languages():
    posting = PublishedPostingFactory(languages=["es", "fr"])

    html = Client().get(posting.get_absolute_url()).content.decode()

    assert "<dt>Languages</dt><dd>Spanish, French</dd>" in html
    assert "<dt>Languages</dt>" not in Client().get(PublishedPostingFactory().get_absolute_url()).content.decode()


def test_the_posting_form_takes_languages_and_refuses_unknown_ones():
    form, _, valid = validate(valid_data(languages=["es", "fr"]))
    assert valid, form.errors
    assert form.cleaned_data["languages"] == ["es", "fr"]

    form, _, valid = validate(valid_data(languages=["xx"]))
    assert not valid
    assert "languages" in form.errors


def test_an_import_line_may_list_languages_and_an_unknown_one_is_explained():
    employer = EmployerFactory()
    result = postings_import(lines=[jsonl(record("L-1", languages=["es", "ht"]))], employer=employer)
    assert not result.errors
    assert Posting.objects.get(reference="L-1").languages == ["es", "ht"]

    result = postings_import(lines=[json.dumps(record("L-2", languages=["klingon"]))], employer=employer)
    assert not result.saved
    assert "languages" in str(result.errors[0])


def test_an_alert_for_a_language_matches_the_new_postings_that_have_it_and_is_named_after_it():
    alert = make_alert({"language": ["fr", "es"]})
    wanted = PublishedPostingFactory(languages=["fr"], published_at=timezone.now() + timedelta(seconds=1))
    other = PublishedPostingFactory(languages=["vi"], published_at=timezone.now() + timedelta(seconds=1))

    pairs = matching_pairs(now=timezone.now() + timedelta(minutes=1), today=timezone.localdate(),
                           posting_ids=[wanted.pk, other.pk], alert_ids=[alert.pk])  # fmt: skip

    assert pairs == {(alert.pk, wanted.pk)}
    assert alert.facet_keys == ["l:es", "l:fr"]
    assert alert_name(criteria_for({"language": ["fr", "es"], "setting": "hospital"})) == "Hospital · Spanish or French"


def test_demo_postings_ask_for_spanish_in_the_southwest_and_florida_and_for_french_in_quebec():
    call_command("seed_demo", postings=4000, employers=60, seed=1, stdout=StringIO(), stderr=StringIO())
    by_region = Counter(Posting.objects.values_list("region", flat=True))
    spanish = Counter(Posting.objects.filter(languages__contains=["es"]).values_list("region", flat=True))
    french = Counter(Posting.objects.filter(languages__contains=["fr"]).values_list("region", flat=True))

    def share(counter, regions):
        return sum(counter[r] for r in regions) / max(sum(by_region[r] for r in regions), 1)

    southwest = ["US-TX", "US-NM", "US-AZ", "US-CA", "US-FL"]
    elsewhere_us = [r for r in by_region if r.startswith("US-") and r not in [*southwest, "US-NY", "US-IL"]]
    assert share(spanish, southwest) > 0.25
    assert share(spanish, elsewhere_us) < 0.1
    assert share(french, ["CA-QC"]) > 0.8
    assert share(french, ["CA-NB", "CA-ON"]) > 0.08
    assert not french["US-TX"]
