import pytest
from django.contrib.postgres.search import SearchQuery

from postings.models import Posting
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
