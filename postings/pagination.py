from functools import cached_property

from django.core.paginator import Paginator

RESULT_BOUND = 1000


class BoundedPaginator(Paginator):
    """Counts no further than RESULT_BOUND: the total shows as "1,000+" and pages stop at the bound.

    An exact COUNT(*) of a common word at a million postings reads every match; nobody pages that far.
    """

    bound = RESULT_BOUND

    def __init__(self, object_list, per_page, *, total: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # The search already knows its total up to the bound (its candidate ids); otherwise count here.
        self.total = total

    @cached_property
    def raw_count(self) -> int:
        return self.object_list.bounded_count(self.bound) if self.total is None else self.total

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.bound)

    @property
    def exceeds_bound(self) -> bool:
        return self.raw_count > self.bound
