"""Did you mean: suggested from the words of open postings (a table rebuilt by beat), offered as a link."""

from __future__ import annotations

import pytest

from postings.models import SearchWord
from postings.search import SearchCriteria, posting_search, suggestions
from postings.search.suggestions import did_you_mean, edit_distance, search_words_refresh
from postings.tasks import search_words_refresh_task
from tests.factories import EmployerFactory, ExpiredPostingFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def words():
    employer = EmployerFactory(name="Acme Health")
    PublishedPostingFactory(
        employer=employer,
        title="Sterile Compounding Technician",
        description="Compounding in the IV room; nights. Compounding experience preferred.",
        duties=["sterile-compounding"],
        systems=["Omnicell"],
    )
    PublishedPostingFactory(employer=employer, title="Pharmacy Technician", description="Retail counter, techniques.")
    ExpiredPostingFactory(employer=employer, title="Oncology Technician", description="Chemotherapy.")
    search_words_refresh()


def test_the_table_holds_the_words_of_open_postings_as_written_with_their_stems(words):
    rows = dict(SearchWord.objects.values_list("word", "lexeme"))
    assert rows["compounding"] == "compound"
    assert rows["technician"] == "technician"
    assert rows["omnicell"] == "omnicel"
    assert "acme" in rows  # the employer's name is searched too
    assert "oncology" not in rows  # an expired posting's words are not
    assert "the" not in rows  # a stop word is never a suggestion
    assert SearchWord.objects.get(word="compounding").postings == 1


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("techncian", "technician"),
        ("compunding", "compounding"),
        ("Compoundign", "compounding"),  # two letters swapped: one edit
        ("sterile compunding nights", "sterile compounding nights"),
        ('techncian "iv room"', 'technician "iv room"'),
        ("ommnicell", "omnicell"),
        ("techncian compunding", "technician compounding"),
    ],
)
def test_a_word_in_no_posting_gets_the_nearest_word_that_is(words, typed, meant):
    assert did_you_mean(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "technician",  # in a posting
        "technicians",  # its stem is
        "zyxwvutsr",  # nothing near
        "oncology",  # only in an expired posting: nothing near among open ones either
        "ltc",  # a vocabulary form, and short
        "rn",  # too short to correct
        "-techncian",  # not wanted: nothing to suggest
        '"techncian"',  # quoted: taken as typed
        "12345",
    ],
)
def test_no_suggestion(words, typed):
    assert did_you_mean(typed) is None


def test_a_search_that_finds_something_suggests_nothing(words):
    assert posting_search(SearchCriteria.of(q="technician")).did_you_mean is None
    result = posting_search(SearchCriteria.of(q="techncian"))
    assert result.total == 0
    assert result.did_you_mean == "technician"


def test_the_most_used_word_wins_a_tie(words):
    PublishedPostingFactory(description="Bring a tent.", title="Camp")
    PublishedPostingFactory(description="Bring a tent.", title="Camp")
    PublishedPostingFactory(description="Bring a tint.", title="Camp")
    search_words_refresh()
    assert did_you_mean("tant") == "tent"


def test_the_beat_task_rebuilds_the_table(words):
    PublishedPostingFactory(title="Radiopharmacy Technician")
    assert not SearchWord.objects.filter(word="radiopharmacy").exists()
    assert search_words_refresh_task() == SearchWord.objects.count()
    assert SearchWord.objects.filter(word="radiopharmacy").exists()


def test_the_results_page_offers_the_suggestion_as_a_link_and_searches_what_was_typed(words, client):
    response = client.get("/jobs/", {"q": "techncian", "region": "US-TX"})
    html = response.content.decode()
    assert "No jobs match your search" in html
    assert 'Did you mean <a href="?q=technician&amp;region=US-TX">technician</a>?' in html
    follow = client.get("/jobs/", {"q": "technician", "region": "US-TX"})
    assert "Did you mean" not in follow.content.decode()


def test_edit_distance():
    assert edit_distance("techncian", "technician", 2) == 1
    assert edit_distance("ab", "ba", 2) == 1
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("kitten", "sitting", 1) == 2  # gives up past the most allowed


def test_a_word_of_a_posting_newer_than_the_table_is_never_corrected(words):
    """Whether a word is in a posting is asked of the search index, which is always current."""
    PublishedPostingFactory(title="Radiopharmacy Technician")
    assert did_you_mean("radiopharmacy") is None


def test_the_words_come_from_the_newest_open_postings_only(words, monkeypatch):
    monkeypatch.setattr(suggestions, "WORDS_FROM_POSTINGS", 1)
    PublishedPostingFactory(title="Radiopharmacy Technician", description="Isotopes.", duties=[], systems=[])
    search_words_refresh()
    assert SearchWord.objects.filter(word="isotopes").exists()
    assert not SearchWord.objects.filter(word="compounding").exists()
