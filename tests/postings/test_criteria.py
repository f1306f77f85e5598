"""The search criteria registry: the one declaration that the form, the facets' SQL and job alerts read."""

import pytest
from django.db import connection
from django.http import QueryDict

from postings.filters import PostingFilter
from postings.models import FACET_COLUMNS, Posting
from postings.search import SearchCriteria
from postings.search.criteria import (
    CHOICE_CRITERIA,
    CRITERIA,
    facet_arguments,
    facet_columns_read,
    facets_function_body,
)
from tests.factories import ClosedPostingFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


def test_the_databases_postings_facets_is_the_one_the_registry_writes():
    """A criterion declared without a migration that redefines postings_facets() fails here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc, proargnames FROM pg_proc WHERE proname = 'postings_facets'")
        rows = cursor.fetchall()
    assert len(rows) == 1, "one postings_facets(), no leftover overload"
    body, arguments = rows[0]
    assert body == facets_function_body()
    assert arguments == list(facet_arguments()) == list(FACET_COLUMNS)


def test_the_generated_column_passes_every_column_the_tokens_are_made_of():
    assert set(FACET_COLUMNS) == facet_columns_read()


def test_every_choice_a_posting_has_is_a_token_of_its_facets():
    posting = PublishedPostingFactory()
    posting.refresh_from_db()
    for criterion in CHOICE_CRITERIA:
        value = getattr(posting, criterion.column)
        assert set(criterion.tokens(value if criterion.many else [value])) <= set(posting.facets), criterion.name


def test_the_search_form_has_a_field_for_every_parameter_of_the_registry_and_the_sort():
    fields = list(PostingFilter().form.fields)
    assert fields == [name for criterion in CRITERIA for name in criterion.parameters] + ["sort"]


@pytest.mark.parametrize("criterion", CHOICE_CRITERIA, ids=lambda criterion: criterion.name)
def test_a_choice_criterion_finds_exactly_the_postings_with_one_of_its_values(criterion):
    values = criterion.choices.values
    wanted, other = values[0], values[1]
    if criterion.many:
        extra = {"employment_types": ["full-time"]} if criterion.column != "employment_types" else {}
        has, lacks = (
            PublishedPostingFactory(**{criterion.column: [wanted, other]}, **extra),
            PublishedPostingFactory(**{criterion.column: [other]}, **extra),
        )
    else:
        has, lacks = (PublishedPostingFactory(**{criterion.column: wanted}),
                      PublishedPostingFactory(**{criterion.column: other}))  # fmt: skip

    found = set(criterion.narrow(Posting.objects.all(), SearchCriteria.of(**{criterion.name: (wanted,)})))

    assert has in found
    assert lacks not in found


def test_the_filtersets_queryset_is_every_open_posting_the_search_finds():
    hospital = PublishedPostingFactory(setting="hospital", region="US-TX")
    PublishedPostingFactory(setting="community-retail", region="US-TX")
    PublishedPostingFactory(setting="hospital", region="US-CA")
    ClosedPostingFactory(setting="hospital", region="US-TX")

    filterset = PostingFilter(QueryDict("setting=hospital&setting=typo&region=US-TX"))

    assert list(filterset.qs) == [hospital]
    assert not filterset.is_valid()  # the typo is reported; the valid setting still narrows
