"""What the keywords box finds: hyphenated words, browsing, references, and the order of relevance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from postings.search import SearchCriteria, matching_postings, posting_search
from tests.factories import EmployerFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


def saying(text: str, **fields):
    defaults = {"employer": EmployerFactory(name="Acme Health"), "title": "Opening", "duties": [], "systems": []}
    return PublishedPostingFactory(description=text, **(defaults | fields))


def found(text: str) -> set[int]:
    return set(matching_postings(SearchCriteria.of(q=text)).values_list("pk", flat=True))


# -- Hyphenated words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "apart", "joined", "hyphenated"),
    [
        ("mail-order", "A mail order pharmacy.", "A mailorder pharmacy.", "A mail-order pharmacy."),
        ("x-ray", "Bring your x ray badge.", "Bring your xray badge.", "Bring your x-ray badge."),
        ("tech-check-tech", "We run tech check tech.", "We run techchecktech.", "We run tech-check-tech."),
        ("Non-Sterile", "Non sterile work.", "Nonsterile work.", "Non-sterile work."),
    ],
)
def test_a_hyphenated_word_is_found_written_apart_joined_or_hyphenated(typed, apart, joined, hyphenated):
    postings = [saying(apart), saying(joined), saying(hyphenated)]
    other = saying("Nothing of the sort.")
    assert found(typed) == {posting.pk for posting in postings}
    assert other.pk not in found(typed)


def test_a_hyphenated_word_with_other_words_and_negations():
    mail = saying("Mail order pharmacy, nights.")
    days = saying("Mail order pharmacy, days.")
    assert found("mail-order nights") == {mail.pk}
    assert found("mail-order -nights") == {days.pk}
    assert found("-mail-order") == set()


# -- Browsing --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", '""', "*", " * ", "-", "?"])
def test_keywords_without_a_letter_or_digit_browse_every_open_posting(typed):
    postings = {saying("Day shifts.").pk, saying("Night shifts.").pk}
    criteria = SearchCriteria.of(q=typed)
    assert set(matching_postings(criteria).values_list("pk", flat=True)) == postings
    result = posting_search(criteria)
    assert result.total == 2
    assert result.order == "newest"


def test_browsing_through_the_page(client):
    posting = saying("Day shifts.", title="Courier Technician")
    for typed in ('""', "*"):
        response = client.get("/jobs/", {"q": typed})
        assert response.status_code == 200
        assert posting.title in response.content.decode()


# -- References ---------------------------------------------------------------------------------------------


def test_an_employers_reference_is_found_by_an_exact_search():
    posting = saying("Day shifts.", reference="REQ-1001")
    saying("Day shifts.", reference="REQ-10011")
    saying("Day shifts.", reference="req-1002")
    assert found("REQ-1001") == {posting.pk}
    assert found("req-1001") == {posting.pk}
    assert found("REQ-100") == set()


def test_a_changed_reference_is_found_by_its_new_value_only():
    posting = saying("Day shifts.", reference="A-17")
    posting.reference = "B-42"
    posting.save()
    assert found("B-42") == {posting.pk}
    assert found("A-17") == set()


def test_a_reference_with_quotes_and_backslashes_is_searched_safely():
    posting = saying("Day shifts.", reference="it's\\7")
    assert found("it's\\7") == {posting.pk}
    assert found("IT'S\\7") == {posting.pk}


# -- Relevance ---------------------------------------------------------------------------------------------


def ranked_titles(text: str) -> list[str]:
    result = posting_search(SearchCriteria.of(q=text), order="relevance")
    return [posting.title for posting in result.postings()]


def test_an_exact_phrase_in_the_title_comes_first_then_the_title_outweighs_the_description():
    now = timezone.now()
    employer = EmployerFactory(name="Acme Health")

    def make(title, description, days_ago):
        return saying(description, title=title, employer=employer, published_at=now - timedelta(days=days_ago))

    # Both words in the title, apart, in a short document: the higher weighted rank.
    make("Room Technician, IV", "Sterile work.", 1)
    # The phrase in the title, older, in a long document (the rank is divided by the document's length).
    long = "Sterile compounding of admixtures, hazardous drugs and batches for the wards, with audits. " * 8
    make("IV Room Technician", long, 9)
    make("Courier", "Deliveries to the IV room, IV room supplies, IV room carts.", 0)  # description only, newest
    assert ranked_titles("iv room") == ["IV Room Technician", "Room Technician, IV", "Courier"]
    assert ranked_titles("room iv") == ["Room Technician, IV", "IV Room Technician", "Courier"]


def test_newer_postings_win_ties():
    now = timezone.now()
    employer = EmployerFactory(name="Acme Health")
    for days_ago, title in [(5, "Old"), (1, "New"), (3, "Middle")]:
        saying("Nuclear pharmacy work.", title=title, employer=employer, published_at=now - timedelta(days=days_ago))
    assert ranked_titles("nuclear") == ["New", "Middle", "Old"]


def test_a_vocabulary_form_in_the_title_counts_as_the_phrase():
    now = timezone.now()
    employer = EmployerFactory(name="Acme Health")
    saying("Pharmacy technician work.", title="Courier", employer=employer, published_at=now)
    saying("Day shifts.", title="Pharmacy Technician", employer=employer, published_at=now - timedelta(days=3))
    assert ranked_titles("pharm tech") == ["Pharmacy Technician", "Courier"]
