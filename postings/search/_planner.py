"""How a search finds its first results fast: windows at the front of the order, candidates, estimates, and
the one raw SQL query that reads many rows. Private to the search package: `posting_search` is the door.

docs/benchmarks.md tells how each constant here was measured.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from functools import cached_property
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Q

from ..managers import PostingQuerySet
from ..models import Posting
from . import criteria as registry
from .criteria import SearchCriteria
from .facets import in_buckets, nearby_facets
from .keywords import DISJUNCTION, NEGATION, PHRASE, keyword_query

RANK_CANDIDATES = 1000
# The results of a search counted and paged up to here: the total shows as "1,000+" beyond. An exact COUNT(*)
# of a common word at a million postings reads every match; nobody pages that far.
RESULT_BOUND = 1000
# Orderings as (column alias, SQL direction), shared by the page queries and their candidate ids.
Ordering = list[tuple[str, str]]
NEWEST: Ordering = [("published_at", "DESC"), ("id", "DESC")]
BY_PAY: Ordering = [("pay_max_hourly", "DESC NULLS LAST"), ("published_at", "DESC"), ("id", "DESC")]
BY_DISTANCE: Ordering = [("distance_km", "ASC NULLS LAST"), ("published_at", "DESC"), ("id", "DESC")]
# A search matching at least this share of postings (and this many) finds its first rows fastest by
# walking an index in the wanted order; a sparser one by gathering its matches first (see top_candidates).
# Not lower: where the filters go with the order (Texas pays less than the states at the top of the pay
# order), a walk reads many more rows than the share suggests: Texas by pay, 12 % of postings, walked 84 ms,
# gathered within a window 53 ms.
DENSE_SHARE = 0.3
# Keywords in at least this share of all postings are too common for PostgreSQL to gather through their index.
COMMON_SHARE = 0.3
DENSE_MIN_ROWS = 2_000
TABLE_ESTIMATE_SECONDS = 300
# A sparse search first gathers its matches among the front rows of its order: a window that should hold twice
# the matches it needs if there are as many as estimated at most, and at most 5 % of postings (estimates can be
# ten times low where words and filters go together: "prior authorization" roles are mostly remote). When it
# holds too few, the next window behind it, sized by how many the windows read did hold (each costs a scan of
# the search index, ~10-15 ms for a phrase of common words at a million postings, and a read of its own rows),
# up to three windows; then every match behind them. No window at all when at most five times the needed
# matches are estimated, as gathering them all is cheap.
WINDOW_MARGIN = 2.0
GATHER_ALL_BELOW = 5
WINDOW_MAX_SHARE = 0.5
WINDOW_RETRY_MARGIN = 1.5
WINDOW_RETRY_MAX_SHARE = 0.9
WINDOW_ATTEMPTS = 3
WINDOW_FIRST_MAX_SHARE = 0.05
# The first sort columns a window can be a range of, with their types in PostgreSQL.
WINDOW_COLUMNS = {"published_at": "timestamptz", "pay_max_hourly": "numeric"}


class Window(NamedTuple):
    """The front of an order (`window_front`): every posting whose bucket of the order's first column (whole
    dollars of pay, quarter days of publication) is `first` or higher, about `share` of all postings."""

    first: int
    share: float


# One of the first results of a search (`top_candidates`): (id, then the columns of the counted criteria: the
# setting, the employment types ...), read by the same query, so the facet counts beside the results cost no
# query of their own. A plain tuple of numbers, strings and tuples of strings, not a named tuple: the garbage
# collector stops tracking such a tuple within its first collections. A search holds a thousand of them in
# objects that only a full collection frees (Django's template context and django-filter's FilterSet are
# reference cycles), and each full collection walked them all: 30-110 ms every few searches at a million postings.
Candidate = tuple
COUNTED = tuple(criterion for criterion in registry.CHOICE_CRITERIA if criterion.counted)
CANDIDATE_COLUMNS = ("id", *(criterion.column for criterion in COUNTED))
# The positions of the array columns in a candidate row: PostgreSQL arrays arrive as lists, which would keep
# the garbage collector tracking the candidate, so they become tuples.
_ARRAY_POSITIONS = tuple(i for i, criterion in enumerate(COUNTED, start=1) if criterion.many)


def _candidate(row: tuple) -> Candidate:
    values = list(row)
    for position in _ARRAY_POSITIONS:
        values[position] = tuple(values[position])
    return tuple(values)


def _statistics_connection():
    """Where this search reads: a replica's statistics are the primary's (physical replication copies them)."""
    return connections[router.db_for_read(Posting)]


def posting_table_estimate() -> int:
    """Rows in the postings table per PostgreSQL's statistics, cached for five minutes."""

    connection = _statistics_connection()

    def read() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE relname = 'postings_posting'")
            return int(cursor.fetchone()[0])

    key = f"postings:table-estimate:{connection.settings_dict['NAME']}"  # one per database sharing the cache
    return cache.get_or_set(key, read, TABLE_ESTIMATE_SECONDS)


def column_front_shares(column: str) -> list[tuple]:
    """(value, share of postings at or above it) for a postings column, highest value first, from PostgreSQL's
    statistics: its most common values with their frequencies and a histogram of the others (equal shares
    between bounds). Cached for five minutes; empty until the table is first analysed."""

    connection = _statistics_connection()

    def read() -> list[tuple]:
        kind = WINDOW_COLUMNS[column]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT most_common_vals::text::{kind}[], most_common_freqs, histogram_bounds::text::{kind}[] "
                "FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'postings_posting' "
                "AND attname = %s",
                [column],
            )
            row = cursor.fetchone()
        if row is None:
            return []
        common, frequencies, bounds = row[0] or [], row[1] or [], row[2] or []
        points = list(zip(common, frequencies, strict=True))
        if len(bounds) > 1:  # each bucket's rows counted at its lower bound, so a share is never overstated
            bucket = (1 - sum(frequencies)) / (len(bounds) - 1)
            points += [(bound, bucket) for bound in bounds[:-1]]
        shares, total = [], 0.0
        for value, frequency in sorted(points, reverse=True):
            total += frequency
            shares.append((value, total))
        return shares

    key = f"postings:front-shares:{column}:{connection.settings_dict['NAME']}"  # one per database sharing the cache
    return cache.get_or_set(key, read, TABLE_ESTIMATE_SECONDS)


def window_front(ordering: Ordering, *, share: float, most: float = WINDOW_MAX_SHARE) -> Window | None:
    """At least the first `share` of postings in `ordering` (descending on its first column), as a range of its
    buckets, so that every row outside sorts after every row inside; None where no window helps: the order has
    none, or it would hold `most` of the table or more."""
    from .facets import bucket

    column, direction = ordering[0]
    if column not in WINDOW_COLUMNS or not direction.startswith("DESC") or share >= most:
        return None
    for value, front in column_front_shares(column):
        if front >= share:
            return Window(bucket(column, value), front)
    return None


def estimated_count(queryset: PostingQuerySet) -> int:
    """The planner's estimate of the number of rows: one planning round trip, no execution."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a search that cannot match (e.g. "jobs I qualify for" when signed out)
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])


def search_estimates(queryset: PostingQuerySet, text: str) -> tuple[int, int]:
    """(likely, at most): the planner's estimates of `queryset.search(text)`'s matches, corrected for phrases.

    The planner multiplies the frequencies of a phrase's words as if they were independent, but the words
    of a phrase go together: "prior authorization" is estimated at a quarter of its matches at a million
    postings, "iv room" at a third. A phrase matches no more postings than its rarest word, so the
    estimate made with each phrase replaced by that word bounds it (at most twice too high for every
    phrase we measured); the geometric mean of the two is the likely count. Not for alternatives or
    negations, where replacing a phrase would not bound its matches.
    """
    estimate = estimated_count(queryset.search(text))
    phrases = [words for words in (phrase.split() for phrase in PHRASE.findall(text)) if len(words) > 1]
    if not phrases or NEGATION.search(text) or DISJUNCTION.search(text):
        return estimate, estimate
    rewritten = text
    for words in phrases:
        rarest = min(words, key=lambda word: keyword_estimate(queryset, word))
        rewritten = rewritten.replace(f'"{" ".join(words)}"', rarest, 1)
    bound = max(estimate, estimated_count(queryset.search(rewritten)))
    return round(math.sqrt(estimate * bound)), bound


def keyword_estimate(queryset: PostingQuerySet, text: str) -> int:
    """The planner's estimate of the postings whose document matches `text`, whatever the filters: how
    common the words are. Cached for five minutes, like the statistics it comes from."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    key = f"postings:keyword-estimate:{connections[queryset.db].settings_dict['NAME']}:{digest}"
    everywhere = queryset.model.objects.filter(search_vector=keyword_query(text).query)
    return cache.get_or_set(key, lambda: estimated_count(everywhere), TABLE_ESTIMATE_SECONDS)


def top_candidates(
    queryset: PostingQuerySet, ordering: Ordering, *, limit: int, text: str = "", narrowing: Q | None = None
) -> list[Candidate]:
    """The first `limit` postings in `ordering` that match `text` (none: every posting of the queryset), in
    that order, each with what the facet counts need: the one query of a search that reads many rows, so
    that the total, the facets and the page then work on these alone.

    Testing a row may cost a read of its search document, so the plan is chosen from the estimated number
    of matches. Where they are dense (a common word, no filter), walking an index in `ordering` and
    stopping after `limit` matches is cheapest. Where they are sparse, that walk would test row after row,
    so the matches are gathered through their indexes (bitmap scans) and only those are sorted; first
    only among the rows at the front of `ordering` (`window_front`), in a window that should hold enough
    of them: exact whenever it does, since every row behind sorts after them. Sorted by distance, the
    window is the radius: remote roles, which have no distance, sort after it.

    `narrowing`: a condition every posting of the queryset meets already, which a gathering adds so that the
    search index narrows to it (`nearby_facets`), but which estimates must not count twice.
    """
    if ordering[0][0] == "distance_km":  # no index walks in distance order: always a gathering
        gathered = gathering(queryset, text, narrowing)
        nearby = candidates(gathered.filter(within_radius=True), ordering, limit=limit, dense=False)
        return nearby if len(nearby) >= limit else candidates(gathered, ordering, limit=limit, dense=False)
    likely, most = search_estimates(queryset, text) if text else (estimated_count(queryset),) * 2
    if likely >= max(DENSE_MIN_ROWS, DENSE_SHARE * posting_table_estimate()):
        matches = queryset.search(text) if text else queryset
        return candidates(matches, ordering, limit=limit, dense=True)
    gathered = gathering(queryset, text, narrowing)
    if most < GATHER_ALL_BELOW * limit:  # even the most matches there may be are few to gather
        return candidates(gathered, ordering, limit=limit, dense=False)
    # A window sized for the most matches there may be; while the windows read hold too few (pay goes with
    # place, say), the next window, behind them, as much larger as they held too few. Each reads only its
    # own rows, as the search index narrows to its buckets.
    found: list[Candidate] = []
    window_column = ordering[0][0]
    read = None  # the first bucket of the windows read
    window = window_front(ordering, share=min(WINDOW_MARGIN * limit / max(most, 1), WINDOW_FIRST_MAX_SHARE))
    for _ in range(WINDOW_ATTEMPTS):
        if window is None or (read is not None and window.first >= read):
            break
        behind = gathered.filter(in_buckets(window_column, window.first))
        if read is not None:  # the rows of the windows read are tested out, not read again from the index
            behind = behind.exclude(in_buckets(window_column, read))
        found += candidates(behind, ordering, limit=limit - len(found), dense=False)
        if len(found) >= limit:
            return found
        read = window.first
        share = window.share * WINDOW_RETRY_MARGIN * limit / max(len(found), 1)
        window = window_front(ordering, share=share, most=WINDOW_RETRY_MAX_SHARE)
    if read is not None:  # every match behind the windows
        gathered = gathered.exclude(in_buckets(window_column, read))
    return found + candidates(gathered, ordering, limit=limit - len(found), dense=False)


def gathering(queryset: PostingQuerySet, text: str, narrowing: Q | None = None) -> PostingQuerySet:
    """The matches of `text`, to be gathered through the indexes (`search(gathering=True)`); except for
    words in most postings ("technician"), which PostgreSQL tests row by row rather than through their
    index, and then the head, in the row, is best tested first."""
    narrowed = queryset if narrowing is None else queryset.filter(narrowing)
    if not text:
        return narrowed
    gather = keyword_estimate(queryset, text) < COMMON_SHARE * posting_table_estimate()
    return narrowed.search(text, gathering=gather)


def candidates(queryset: PostingQuerySet, ordering: Ordering, *, limit: int, dense: bool) -> list[Candidate]:
    try:
        sql, params = top_candidates_sql(queryset, ordering, limit=limit, dense=dense)
    except EmptyResultSet:  # a search that cannot match (e.g. "jobs I qualify for" when signed out)
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [_candidate(row) for row in cursor.fetchall()]


def top_candidates_sql(queryset: PostingQuerySet, ordering: Ordering, *, limit: int, dense: bool) -> tuple[str, tuple]:
    """The walk (`dense`), or the gathering, fenced with OFFSET 0 so that the planner cannot turn it into
    a walk: it would, taking matches to be evenly spread, and test thousands of rows."""
    columns = [*CANDIDATE_COLUMNS, *(alias for alias, _ in ordering if alias != "id")]
    inner_sql, params = queryset.order_by().values(*columns).query.sql_with_params()
    selected = ", ".join(f"m.{column}" for column in CANDIDATE_COLUMNS)
    order_sql = ", ".join(f'm."{alias}" {direction}' for alias, direction in ordering)
    fence = "" if dense else " OFFSET 0"
    return f"SELECT {selected} FROM ({inner_sql}{fence}) AS m ORDER BY {order_sql} LIMIT %s", (*params, limit)


def order_in_force(criteria: SearchCriteria, asked: str = "") -> str:
    """The sort in force: as asked when it applies, else relevance with keywords and newest without."""
    if asked == "relevance" and not criteria.keywords:
        asked = ""
    return asked or ("relevance" if criteria.keywords else "newest")


class SearchPlan:
    """One search's work, each part read once: the postings the criteria let through, its candidates in order,
    then the result ids and the facet counts from those."""

    def __init__(self, criteria: SearchCriteria, queryset: PostingQuerySet, *, order: str = ""):
        self.criteria = criteria
        self.queryset = queryset
        self.order = order_in_force(criteria, order)

    @cached_property
    def filtered(self) -> PostingQuerySet:
        """Every posting the criteria let through, before the keywords."""
        return registry.narrow(self.queryset.all(), self.criteria)

    @cached_property
    def matches(self) -> PostingQuerySet:
        """Every posting the search finds, unsorted: what job alerts are checked against."""
        keywords = self.criteria.keywords
        return self.filtered.search(keywords) if keywords else self.filtered

    @property
    def ordering(self) -> Ordering:
        """The order candidates are taken in. Relevance ranks the newest matches: ranking reads each whole
        document, so it is done for RANK_CANDIDATES of them, not for every match of a common word."""
        if self.order == "pay":
            return BY_PAY
        if self.order == "distance" and self.criteria.place is not None:
            return BY_DISTANCE
        return NEWEST

    @property
    def narrowing(self) -> Q | None:
        """What the search index can narrow a distance search to (see `top_candidates`)."""
        circle = self.criteria.circle
        return None if circle is None else nearby_facets(**circle)

    @cached_property
    def candidates(self) -> list[Candidate]:
        """The first RESULT_BOUND + 1 results in `ordering`: the total (up to the bound), the facet counts and
        the page all come from this one query."""
        return top_candidates(
            self.filtered, self.ordering, limit=RESULT_BOUND + 1, text=self.criteria.keywords, narrowing=self.narrowing
        )

    @cached_property
    def candidate_ids(self) -> list[int]:
        return [candidate[0] for candidate in self.candidates]

    @cached_property
    def result_ids(self) -> list[int]:
        """The ids of the results in the order shown. Relevance ranks the newest RANK_CANDIDATES candidates
        (ranking reads each whole document); every other sort is the candidates' own order."""
        if self.order == "relevance":
            ranked = self.queryset.filter(pk__any=self.candidate_ids[:RANK_CANDIDATES])
            return list(ranked.ranked(self.criteria.keywords).values_list("pk", flat=True))
        return self.candidate_ids[:RESULT_BOUND]

    @property
    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Candidates per value of each counted criterion: exact whenever the search has no more than
        RESULT_BOUND results, lower bounds ("150+") beyond, as exact counts of a common word at a million
        postings would read every match. Counted from the candidates already read (at most RESULT_BOUND)."""
        first = self.candidates[:RESULT_BOUND]
        counts = {}
        for position, criterion in enumerate(COUNTED, start=1):
            if criterion.many:
                counter = Counter(value for candidate in first for value in candidate[position])
            else:
                counter = Counter(candidate[position] for candidate in first)
            counts[criterion.name] = {value: counter[value] for value in criterion.choices.values}
        return counts
