"""The search of /jobs/, its feed and job alerts, behind one door.

    criteria = SearchCriteria.of(q="iv room", region="US-TX", setting=("hospital",))
    result = posting_search(criteria, order="newest", page=1)
    result.ids          # the page's posting ids, in order
    result.total        # the number of results, counted up to RESULT_BOUND (`exceeds_bound` beyond)
    result.facets       # {"setting": {"hospital": 12, ...}, "employment_type": {...}, ...}
    result.page         # Django's Page over the results (numbers, neighbours); its objects are the ids
    result.postings(Posting.objects.open().for_cards())   # the page's postings, in order, in one query

- `SearchCriteria`: a validated search. The search form (`postings.filters.PostingFilter.criteria`) builds it
  from the URL's parameters; tests and commands may use `SearchCriteria.of(...)`.
- `posting_search(criteria, *, order, page)`: the results, in the order asked for ("relevance", "newest",
  "pay", "distance"; the default follows the criteria), their bounded total and their facet counts.
- `matching_postings(criteria)`: every posting the search finds, unsorted: what job alerts agree with.
- `criteria.CRITERIA`: the registry of every criterion (its parameters, form fields, narrowing, facet tokens,
  its part of an alert's name, its test strategy). Adding a criterion is one declaration there.

Everything else (`_planner`: windows, candidates, estimates, the raw SQL) is private: see docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from ..models import Posting
from ._planner import RESULT_BOUND, SearchPlan
from .criteria import CRITERIA, SearchCriteria, held_credentials, register_held_credentials

__all__ = [
    "CRITERIA",
    "RESULT_BOUND",
    "SearchCriteria",
    "SearchResult",
    "held_credentials",
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
    number gives the first or last page. `queryset`: the postings to search (the open ones by default)."""
    queryset = Posting.objects.open() if queryset is None else queryset
    plan = SearchPlan(criteria, queryset, order=order)
    paginator = BoundedPaginator(plan.result_ids, per_page, total=len(plan.candidate_ids))
    shown = paginator.get_page(page)
    return SearchResult(
        criteria=criteria,
        ids=list(shown.object_list),
        total=paginator.count,
        exceeds_bound=paginator.exceeds_bound,
        facets=plan.facet_counts,
        order=plan.order,
        page=shown,
    )


def matching_postings(criteria: SearchCriteria, queryset=None):
    """Every posting of `queryset` (the open ones by default) the search finds, unsorted."""
    queryset = Posting.objects.open() if queryset is None else queryset
    return SearchPlan(criteria, queryset).matches
