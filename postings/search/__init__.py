"""The search of /jobs/, its feed and job alerts, behind one door.

    criteria = SearchCriteria.of(q="iv room", region="US-TX", setting=("hospital",))
    result = posting_search(criteria, order="newest", page=1)
    result.ids          # the page's posting ids, in order
    result.total        # the number of results, counted up to RESULT_BOUND (`exceeds_bound` beyond)
    result.facets       # {"setting": {"hospital": 12, ...}, "employment_type": {...}, ...}
    result.page         # Django's Page over the results (numbers, neighbours); its objects are the ids
    result.did_you_mean # "technician" for a search of "techncian" that finds nothing (else None)
    result.postings(Posting.objects.open().for_cards())   # the page's postings, in order, in one query

- `SearchCriteria`: a validated search. The search form (`postings.filters.PostingFilter.criteria`) builds it
  from the URL's parameters; tests and commands may use `SearchCriteria.of(...)`.
- `posting_search(criteria, *, order, page)`: the results, in the order asked for ("relevance", "newest",
  "pay", "distance"; the default follows the criteria), their bounded total and their facet counts.
- `matching_postings(criteria)`: every posting the search finds, unsorted: what job alerts agree with.
- `keywords_tsquery(text)`: the keywords as the search reads them, as the text of a tsquery: what an alert stores.

What the keywords mean is `keywords.py`'s to say (websearch syntax; hyphenated words found apart, joined or
hyphenated; the pharmacy vocabulary; an employer's reference), from the table of short forms and expansions in
`vocabulary.py`, which a pharmacist can review. Relevance (`PostingQuerySet.ranked`): a title that says the words
searched for in a row first, then the weighted rank (title over employer, duties and systems, over description),
then the newest. `suggestions.py` keeps the words of open postings (`SearchWord`, rebuilt by beat) and offers
"did you mean" from them.
- `criteria.CRITERIA`: the registry of every criterion (its parameters, form fields, narrowing, facet tokens,
  its part of an alert's name, its test strategy). Adding a criterion is one declaration there.

Everything else (`_planner`: windows, candidates, estimates, the raw SQL) is private: see docs/benchmarks.md.
`suggestions.search_words_refresh` is the one write, run by beat (postings.tasks).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from ..models import Posting
from ._planner import RESULT_BOUND, SearchPlan
from .criteria import CRITERIA, SearchCriteria, held_credentials, register_held_credentials
from .keywords import tsquery_text as keywords_tsquery
from .suggestions import did_you_mean

__all__ = [
    "CRITERIA",
    "RESULT_BOUND",
    "SearchCriteria",
    "SearchResult",
    "held_credentials",
    "keywords_tsquery",
    "matching_postings",
    "posting_search",
    "register_held_credentials",
]

PER_PAGE = 20


class BoundedPaginator(Paginator):
    """Pages of the results counted up to RESULT_BOUND: the total shows as "1,000+" and pages stop there."""

    bound = RESULT_BOUND

    def __init__(self, ids: list[int], per_page: int, *, total: int):
        super().__init__(ids, per_page, allow_empty_first_page=True)
        self.raw_count = total

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.bound)

    @property
    def exceeds_bound(self) -> bool:
        return self.raw_count > self.bound


@dataclass(frozen=True)
class SearchResult:
    criteria: SearchCriteria
    ids: list[int]
    total: int
    exceeds_bound: bool
    facets: dict[str, dict[str, int]]
    order: str
    page: Page
    # A page asked for beyond the last one (`page` is then the last page, for a link to it).
    past_end: bool = False

    @cached_property
    def did_you_mean(self) -> str | None:
        """For a search that finds nothing, its keywords with each word that no open posting uses replaced by
        the nearest word that some do (`suggestions.did_you_mean`): to offer as a link, never to search
        instead. None when it finds something or nothing is misspelled."""
        if self.total or not self.criteria.keywords:
            return None
        return did_you_mean(self.criteria.keywords)

    def postings(self, queryset=None) -> list[Posting]:
        """The page's postings, in order, read by id in one query from `queryset` (the open ones by default): a
        distance search's rows carry their `distance_km`, and a posting closed since its id was read is left
        out. The criteria are not applied again: these ids met them."""
        queryset = Posting.objects.open() if queryset is None else queryset
        circle = self.criteria.circle
        if circle is not None:
            queryset = queryset.with_distance(latitude=circle["latitude"], longitude=circle["longitude"])
        return queryset.in_order(self.ids)


def posting_search(
    criteria: SearchCriteria, *, order: str = "", page=1, per_page: int = PER_PAGE, queryset=None
) -> SearchResult:
    """One page of the search's results. `page` may be anything a URL holds: a malformed or out-of-range
    number gives the first or last page (`past_end`: a page beyond the last was asked for). `queryset`: the
    postings to search (the open ones by default)."""
    queryset = Posting.objects.open() if queryset is None else queryset
    plan = SearchPlan(criteria, queryset, order=order)
    paginator = BoundedPaginator(plan.result_ids, per_page, total=len(plan.candidate_ids))
    shown = paginator.get_page(page)
    return SearchResult(
        past_end=_page_number(page) > paginator.num_pages,
        criteria=criteria,
        ids=list(shown.object_list),
        total=paginator.count,
        exceeds_bound=paginator.exceeds_bound,
        facets=plan.facet_counts,
        order=plan.order,
        page=shown,
    )


def _page_number(page) -> int:
    """The page number asked for, 0 when it is no number."""
    try:
        return int(page)
    except (TypeError, ValueError):
        return 0


def matching_postings(criteria: SearchCriteria, queryset=None):
    """Every posting of `queryset` (the open ones by default) the search finds, unsorted."""
    queryset = Posting.objects.open() if queryset is None else queryset
    return SearchPlan(criteria, queryset).matches
