from collections.abc import Sequence
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


class RowsByIds(Sequence):
    """The rows of a PostingQuerySet with the given ids, in the order of the ids, read a slice at a time
    (`in_order`).

    A search knows its results' order from their ids (PostingFilter.result_ids), so a page or a feed reads
    only its own 20 rows, by primary key, instead of reading and sorting every candidate to keep 20.
    """

    def __init__(self, queryset, ids: list[int]):
        self.queryset = queryset
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            position = range(len(self))[index]  # a negative index counts from the end; IndexError beyond
            return self[position : position + 1][0]
        return self.queryset.in_order(self.ids[index])

    def __iter__(self):
        return iter(self[:])
