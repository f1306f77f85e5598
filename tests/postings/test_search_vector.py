import pytest
from django.contrib.postgres.search import SearchQuery

from postings.models import Posting
from postings.search.keywords import keyword_query
from tests.factories import EmployerFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


def _matches(text: str) -> set[int]:
    query = SearchQuery(text, search_type="websearch", config="english")
    return set(Posting.objects.filter(search_vector=query).values_list("pk", flat=True))


def test_search_document_is_kept_by_the_database_on_insert_and_update():
    posting = PublishedPostingFactory(title="IV Room Technician", duties=["sterile-compounding"])
    assert posting.pk in _matches("sterile compounding")
    assert posting.pk in _matches("technicians")  # stemmed

    Posting.objects.filter(pk=posting.pk).update(title="Nuclear Pharmacy Technician")
    assert posting.pk in _matches("nuclear")


def test_renaming_an_employer_updates_its_postings_documents():
    employer = EmployerFactory(name="Lone Star Drug")
    posting = PublishedPostingFactory(employer=employer)
    assert posting.pk not in _matches("Bluebonnet")

    employer.name = "Bluebonnet Health"
    employer.save()

    assert posting.pk in _matches("Bluebonnet")
    assert posting.pk not in _matches("Lone Star")


def test_systems_tags_and_description_are_searchable():
    posting = PublishedPostingFactory(systems=["Pyxis", "Epic Willow"], description="You will use **Omnicell** daily.")
    assert posting.pk in _matches("willow")
    assert posting.pk in _matches("omnicell")
    assert posting.pk not in _matches("omnicell -pyxis")


# -- The head of the document (migration 0012) ----------------------------------------------------------


def test_the_head_holds_title_employer_duties_and_systems_but_not_the_description():
    posting = PublishedPostingFactory(
        title="IV Room Technician", duties=["sterile-compounding"], systems=["Pyxis"], description="Omnicell daily."
    )
    query = lambda text: SearchQuery(text, search_type="websearch", config="english")  # noqa: E731
    heads = Posting.objects.filter(pk=posting.pk)
    assert heads.filter(search_head=query('"sterile compounding" pyxis iv')).exists()
    assert heads.filter(search_head=query(posting.employer.name)).exists()
    assert not heads.filter(search_head=query("omnicell")).exists()


SEARCHES = [
    "technician", '"sterile compounding"', '"iv room"', "omnicell", "pyxis omnicell", "technician omnicell",
    '"daily technician"', "nuclear or omnicell", "technician -omnicell", "-pyxis technician", "omnicell -pyxis",
    '"room technician"', "the", "", "zyxw", "compounding and", "sterile-compounding", "iv !room",
    "sterile-compounding -pyxis", "iv,-pyxis", "(-pyxis) technician", "technician\t-pyxis", '"iv -room"',
]  # fmt: skip


@pytest.mark.parametrize("text", SEARCHES)
def test_search_finds_exactly_what_the_whole_document_matches(text):
    """The head is only a shortcut: phrases across parts, negations and "or" give the same postings."""
    PublishedPostingFactory(title="IV Room Technician", duties=["sterile-compounding"], systems=["Pyxis"])
    PublishedPostingFactory(title="Pharmacy Technician", description="Daily work in the IV room with Omnicell.")
    PublishedPostingFactory(title="Technician", description="Sterile compounding, technician duties, Pyxis.")
    PublishedPostingFactory(title="Nuclear Technician", systems=["Omnicell"], description="No pyxis here.")
    found = set(Posting.objects.search(text).values_list("pk", flat=True))
    assert found == set(Posting.objects.filter(search_vector=keyword_query(text).query).values_list("pk", flat=True))
    gathered = set(Posting.objects.search(text, gathering=True).values_list("pk", flat=True))
    assert gathered == found
