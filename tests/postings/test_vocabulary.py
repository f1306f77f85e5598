"""The pharmacy vocabulary (postings/search/vocabulary.py), entry by entry: a posting that says one form is
found by a search for each other form, and what a short form stands for is found by the short form."""

from __future__ import annotations

import pytest

from postings.search import SearchCriteria, matching_postings
from postings.search.vocabulary import VOCABULARY
from tests.factories import EmployerFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


def saying(text: str, employer=None):
    """A posting whose only searchable words are `text` (and its employer's neutral name)."""
    return PublishedPostingFactory(
        employer=employer or EmployerFactory(name="Acme Health"),
        title="Opening",
        description=f"Our team needs help with {text} every week.",
        duties=[],
        systems=[],
    )


def found(text: str) -> set[int]:
    return set(matching_postings(SearchCriteria.of(q=text)).values_list("pk", flat=True))


@pytest.mark.parametrize("entry", VOCABULARY, ids=[entry.forms[0] for entry in VOCABULARY])
def test_each_form_finds_every_other_form_and_what_it_stands_for(entry):
    employer = EmployerFactory(name="Acme Health")
    postings = {form: saying(form, employer) for form in (*entry.forms, *entry.also)}
    for searched in entry.forms:
        for written, posting in postings.items():
            assert posting.pk in found(searched), f"{searched!r} does not find a posting saying {written!r}"
            # As typed by a technician: upper case, hyphens for spaces.
            assert posting.pk in found(searched.upper().replace(" ", "-")), (searched, written)


@pytest.mark.parametrize(
    "entry", [entry for entry in VOCABULARY if entry.also], ids=[e.forms[0] for e in VOCABULARY if e.also]
)
def test_what_a_short_form_stands_for_does_not_look_for_the_short_form(entry):
    """One way only: "prior authorization" must not find every posting in Pennsylvania ("PA")."""
    short = saying(entry.forms[0])
    for meaning in entry.also:
        assert short.pk not in found(meaning)


def test_short_forms_are_found_in_titles_as_technicians_write_them():
    """The issue's searches: each finds the posting that words it the other way."""
    employer = EmployerFactory(name="Acme Health")
    technician = PublishedPostingFactory(employer=employer, title="Pharmacy Technician", description="Day shifts.")
    tech = PublishedPostingFactory(employer=employer, title="Pharmacy Tech II", description="Day shifts.")
    cpht = PublishedPostingFactory(employer=employer, title="CPhT", description="Day shifts.", duties=[])
    for text in ("pharmacy tech", "pharmacy technician", "rx tech", "pharm tech", "pharmacy techs"):
        assert {technician.pk, tech.pk} <= found(text), text
    assert cpht.pk in found("certified pharmacy technician")
    assert PublishedPostingFactory(title="Certified Pharmacy Technician").pk in found("CPhT")


def test_a_quoted_phrase_is_taken_as_typed():
    tech = saying("pharmacy tech")
    technician = saying("pharmacy technician")
    assert found('"pharmacy tech"') == {tech.pk}
    assert technician.pk not in found('"pharmacy tech"')


def test_a_negated_short_form_leaves_out_its_expansion_too():
    ltc = saying("long-term care")
    hospital = saying("hospital")
    assert found("-ltc") == {hospital.pk}
    assert ltc.pk in found("ltc or hospital")
