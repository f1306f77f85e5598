from __future__ import annotations

import hashlib
import math
import re
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt, Substr
from django.utils import timezone

from .geo import EARTH_RADIUS_KM, bounding_box

# Relevance: the title weighs most, then the employer, duties and systems, then the description (D, C, B, A).
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
RANK_CANDIDATES = 1000
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
# Columns no list page shows, each kilobytes per row (the search documents are kept by triggers).
LARGE_COLUMNS = ("description", "search_vector", "search_head")
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
# Facets (Posting.facets): pay buckets stop at $150/h (as in postings_facets()); a distance search lists the
# one-degree cells of its box, up to this many (a 500-mile radius would need hundreds).
PAY_BUCKET_TOP = 150
MAX_CELLS = 64
# A negation in websearch syntax: a minus that does not follow a letter or digit ("-remote", not "x-ray").
NEGATION = re.compile(r"(?<!\w)-")
# An alternative ("nights or weekends") and a quoted phrase in websearch syntax.
DISJUNCTION = re.compile(r"(?i)(?<!\w)or(?!\w)")
PHRASE = re.compile(r'"([^"]*)"')
# What websearch turns into phrase operators: a quote, or words joined by punctuation ("x-ray", "i.v.").
PHRASE_SYNTAX = re.compile(r'"|\w[^\w\s]+\w')
PUNCTUATION = re.compile(r"[^\w\s]")


class Window(NamedTuple):
    """The front of an order (`window_front`): every posting whose bucket of the order's first column (whole
    dollars of pay, quarter days of publication) is `first` or higher, about `share` of all postings."""

    first: int
    share: float


# One of the first results of a search (`top_candidates`): (id, setting, employment types), the columns its facets
# are counted by, read by the same query, so the facet counts beside the results cost no query of their own.
# A plain tuple of a number, a string and a tuple of strings, not a named tuple: the garbage collector stops
# tracking such a tuple within its first collections. A search holds a thousand of them in objects that only a full
# collection frees (Django's template context and django-filter's FilterSet are reference cycles), and each full
# collection walked them all: 30-110 ms every few searches at a million postings.
Candidate = tuple[int, str, tuple[str, ...]]
CANDIDATE_COLUMNS = ("id", "setting", "employment_types")


def posting_table_estimate() -> int:
    """Rows in the postings table per PostgreSQL's statistics, cached for five minutes."""

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
    column, direction = ordering[0]
    if column not in WINDOW_COLUMNS or not direction.startswith("DESC") or share >= most:
        return None
    for value, front in column_front_shares(column):
        if front >= share:
            return Window(bucket(column, value), front)
    return None


def facet(kind: str, value) -> str:
    """One token of a posting's facets (Posting.facets, postings_facets() in migration 0016): "s:hospital"."""
    return f"{kind}:{value}"


def bucket(column: str, value) -> int:
    """The facet bucket of a value of a window column: its quarter day (six hours) since the epoch (UTC), or
    its whole dollars."""
    if column == "published_at":
        return math.floor(value.timestamp() / 21_600)
    return min(max(math.floor(value), 0), PAY_BUCKET_TOP)


def in_buckets(column: str, first: int) -> Q:
    """Postings whose bucket of `column` is `first` or higher: one key of the search index, of as few entries as
    can say it (a scan merges a key's entries item by item)."""
    if column == "pay_max_hourly":
        return Q(facets__overlap=[facet("pge", first)])
    # Quarter days up to a day's start, then whole days, up to the day after tomorrow (postings are published
    # now, never later).
    end = bucket(column, timezone.now()) + 12
    tokens, quarter = [], first
    while quarter < end:
        whole_day = quarter % 4 == 0 and quarter + 4 <= end
        tokens.append(facet("d", quarter // 4) if whole_day else facet("q", quarter))
        quarter += 4 if whole_day else 1
    return Q(facets__overlap=tokens)


def nearby_facets(*, latitude: float, longitude: float, radius_km: float) -> Q | None:
    """Where the postings `near()` finds must be, as one key of the search index: in a one-degree cell of the
    radius's box, or remote. None for a box of so many cells that listing them would cost more than it saves.

    Not part of `near()` itself: PostgreSQL would count the radius twice in its estimates (the cells, then the
    exact distance), ten times too few matches for "prior authorization" near Austin, and choose to gather them
    all. `top_candidates` narrows its gatherings with it instead."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    latitudes = range(math.floor(min_lat), math.floor(max_lat) + 1)
    longitudes = range(math.floor(min_lon), math.floor(max_lon) + 1)
    if len(latitudes) * len(longitudes) > MAX_CELLS:
        return None
    cells = [facet("g", f"{lat}:{lon}") for lat in latitudes for lon in longitudes]
    return Q(facets__overlap=[*cells, facet("a", "remote")])


def websearch(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="english")


def distance_km_expression(latitude: float, longitude: float):
    """Haversine distance from a point to each posting's coordinates, evaluated by the database."""
    phi = math.radians(latitude)
    lat, lon = Radians(F("latitude")), Radians(F("longitude"))
    half_chord = Power(Sin((lat - phi) / 2), 2) + math.cos(phi) * Cos(lat) * Power(
        Sin((lon - math.radians(longitude)) / 2), 2
    )
    return 2 * EARTH_RADIUS_KM * ASin(Least(Sqrt(half_chord), 1.0))


def open_q(prefix: str = "") -> Q:
    """The condition for a posting anyone can see and apply to, usable across relations."""
    from .models import Posting  # models.py builds its managers from this module

    return Q(**{f"{prefix}status": Posting.Status.PUBLISHED, f"{prefix}expires_at__gt": timezone.now()})


class PostingQuerySet(models.QuerySet):
    def published(self) -> PostingQuerySet:
        """Postings in the published status and not past their expiry, whether or not expiry has run yet."""
        return self.filter(open_q())

    def open(self) -> PostingQuerySet:
        """What job seekers see: published and not past expiry. An alias kept for readability at call sites."""
        return self.published()

    def closed(self) -> PostingQuerySet:
        """Postings a seeker may still land on that can no longer be applied to (answer 410)."""
        Status = self.model.Status
        return self.filter(
            Q(status__in=[Status.EXPIRED, Status.FILLED, Status.CLOSED])
            | Q(status=Status.PUBLISHED, expires_at__lte=timezone.now())
        )

    def pending_review(self) -> PostingQuerySet:
        return self.filter(status=self.model.Status.PENDING).order_by("updated_at", "id")

    def past_expiry(self) -> PostingQuerySet:
        return self.filter(status=self.model.Status.PUBLISHED, expires_at__lte=timezone.now())

    def in_country(self, country: str) -> PostingQuerySet:
        return self.filter(country=country)

    def in_region(self, region: str) -> PostingQuerySet:
        return self.filter(region=region)

    def in_city(self, city: str) -> PostingQuerySet:
        return self.filter(city__iexact=city)

    def with_facet(self, kind: str, *values) -> PostingQuerySet:
        """Postings with any of these values of a facet ("s", "hospital", "clinic"): one key of the search index."""
        return self.filter(facets__overlap=[facet(kind, value) for value in values])

    def with_setting(self, *settings: str) -> PostingQuerySet:
        return self.with_facet("s", *settings)

    def with_employment_type(self, *types: str) -> PostingQuerySet:
        return self.with_facet("e", *types)

    def with_shift(self, *shifts: str) -> PostingQuerySet:
        return self.with_facet("sh", *shifts)

    def for_employer(self, employer) -> PostingQuerySet:
        return self.filter(employer=employer)

    # -- The employer dashboard ----------------------------------------------------------------

    def for_dashboard(self) -> PostingQuerySet:
        """A dashboard row: its application count, no large text columns; newest work first whatever the status."""
        return (
            self.defer(*LARGE_COLUMNS)
            .annotate(application_count=models.Count("applications"))
            .order_by("-updated_at", "-id")
        )

    def with_status(self, status: str) -> PostingQuerySet:
        return self.filter(status=status)

    def matching_title_or_reference(self, text: str) -> PostingQuerySet:
        """The dashboard's own search: an employer looks a role up by its title or requisition number."""
        return self.filter(Q(title__icontains=text) | Q(reference__icontains=text))

    def expiring_between(self, start, end) -> PostingQuerySet:
        return self.filter(status=self.model.Status.PUBLISHED, expires_at__gt=start, expires_at__lte=end)

    def newest(self) -> PostingQuerySet:
        return self.order_by("-published_at", "-id")

    def for_cards(self) -> PostingQuerySet:
        """What a result card needs, in one query: the employer, and no large text columns."""
        return self.select_related("employer").defer(*LARGE_COLUMNS)

    def for_detail(self) -> PostingQuerySet:
        return self.select_related("employer").prefetch_related("requirements__options__credential_type")

    # -- The public pages ----------------------------------------------------------------------

    def public(self) -> PostingQuerySet:
        """Postings with a public page: open ones (200) and closed ones once published (410).

        Drafts, pending and rejected postings, and a posting closed before it ever went live, have none (404).
        """
        Status = self.model.Status
        return self.filter(
            status__in=[Status.PUBLISHED, Status.EXPIRED, Status.FILLED, Status.CLOSED], published_at__isnull=False
        )

    def counts_by_setting(self) -> dict[str, int]:
        """{setting slug: number of postings}, in one GROUP BY query; settings with none are absent."""
        return dict(self.order_by().values_list("setting").annotate(count=models.Count("id")))

    def counts_by_region(self) -> dict[str, int]:
        """{ISO 3166-2 region: number of postings}, in one GROUP BY query."""
        return dict(self.order_by().values_list("region").annotate(count=models.Count("id")))

    def similar_to(self, posting, *, limit: int) -> list:
        """Up to `limit` others, newest first: sharing the posting's setting and region, then its setting, then
        its region. Three short walks of the (setting | region, published_at) indexes, not a sort of every
        posting that shares either, which takes half a second at a million postings."""
        others = self.exclude(pk=posting.pk)
        groups = [
            others.filter(setting=posting.setting, region=posting.region),
            others.filter(setting=posting.setting).exclude(region=posting.region),
            others.filter(region=posting.region).exclude(setting=posting.setting),
        ]
        parts = [
            group.annotate(group=models.Value(rank))
            .order_by("-published_at", "-id")
            .values("pk", "group", "published_at")[:limit]
            for rank, group in enumerate(groups)
        ]
        picked = parts[0].union(*parts[1:], all=True).order_by("group", "-published_at", "-pk")[:limit]
        return self.in_order([row["pk"] for row in picked])

    def in_order(self, ids: list[int]) -> list:
        """The rows with these ids, in the order of the ids, in one query; an id no longer in this queryset
        (a posting closed since its id was read) is left out."""
        rows = self.in_bulk(ids) if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    # -- Search ---------------------------------------------------------------------------------

    def search(self, text: str, *, gathering: bool = False) -> PostingQuerySet:
        """Full-text match on the stored document: stemmed English, websearch syntax ("phrase", -word, or).

        The whole document (~2 KB) is stored out of the row, so testing it costs a lookup per row; most
        matches are found in its head (title, employer, duties, systems: in the row) first. The whole
        document starts with the head, positions included, so a query that matches the head matches the
        whole document and the result is the same; except with a negation ("-word"), which the head alone
        cannot decide, so those queries test the whole document only.

        `gathering`: for a plan that gathers the matches through the indexes (bitmap scans, top_candidates)
        rather than testing rows one by one. The whole document's index finds every match by itself, and
        its matches need no test of the row. Except a phrase's: the index knows which words a document holds,
        not where, so each candidate is tested, the head (in the row) first. The index is then asked for the
        words alone, once: asked for the phrase in both documents, as above, it reads both indexes' lists
        of every word (about a third more time for "sterile compounding" in Texas).
        """
        query = websearch(text)
        if NEGATION.search(text) or (gathering and not PHRASE_SYNTAX.search(text)):
            return self.filter(search_vector=query)
        if gathering:
            words = websearch(PUNCTUATION.sub(" ", text))  # '"iv room"' -> 'iv' & 'room'; "x-ray" -> 'x' & 'ray'
            # The head, out of reach of its index (coalesce), so that it is tested in the row, not scanned.
            in_row = Coalesce(F("search_head"), Value("", output_field=SearchVectorField()))
            return self.alias(head_in_row=in_row).filter(
                Q(search_vector=words) & (Q(head_in_row=query) | Q(search_vector=query))
            )
        return self.filter(Q(search_head=query) | Q(search_vector=query))

    def ranked(self, text: str) -> PostingQuerySet:
        """Ordered by relevance, title first; meant for a handful of candidates (see `top_candidates`)."""
        rank = SearchRank(F("search_vector"), websearch(text), weights=RANK_WEIGHTS, normalization=1)
        return self.annotate(rank=rank).order_by("-rank", "-published_at", "-id")

    def estimated_count(self) -> int:
        """The planner's estimate of the number of rows: one planning round trip, no execution."""
        try:
            sql, params = self.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a search that cannot match (e.g. "jobs I qualify for" when signed out)
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])

    def search_estimates(self, text: str) -> tuple[int, int]:
        """(likely, at most): the planner's estimates of `search(text)`'s matches, corrected for phrases.

        The planner multiplies the frequencies of a phrase's words as if they were independent, but the words
        of a phrase go together: "prior authorization" is estimated at a quarter of its matches at a million
        postings, "iv room" at a third. A phrase matches no more postings than its rarest word, so the
        estimate made with each phrase replaced by that word bounds it (at most twice too high for every
        phrase we measured); the geometric mean of the two is the likely count. Not for alternatives or
        negations, where replacing a phrase would not bound its matches.
        """
        estimate = self.search(text).estimated_count()
        phrases = [words for words in (phrase.split() for phrase in PHRASE.findall(text)) if len(words) > 1]
        if not phrases or NEGATION.search(text) or DISJUNCTION.search(text):
            return estimate, estimate
        rewritten = text
        for words in phrases:
            rarest = min(words, key=self.keyword_estimate)
            rewritten = rewritten.replace(f'"{" ".join(words)}"', rarest, 1)
        bound = max(estimate, self.search(rewritten).estimated_count())
        return round(math.sqrt(estimate * bound)), bound

    def top_candidates(
        self, ordering: Ordering, *, limit: int, text: str = "", narrowing: Q | None = None
    ) -> list[Candidate]:
        """The first `limit` postings in `ordering` that match `text` (none: every posting of this queryset), in
        that order, each with what the facet counts need: the one query of a search that reads many rows, so
        that the total, the facets and the page then work on these alone.

        Testing a row may cost a read of its search document, so the plan is chosen from the estimated number
        of matches. Where they are dense (a common word, no filter), walking an index in `ordering` and
        stopping after `limit` matches is cheapest. Where they are sparse, that walk would test row after row,
        so the matches are gathered through their indexes (bitmap scans) and only those are sorted; first
        only among the rows at the front of `ordering` (`window_front`), in a window that should hold enough
        of them: exact whenever it does, since every row behind sorts after them. Sorted by distance, the
        window is the radius: remote roles, which have no distance, sort after it.

        `narrowing`: a condition every posting of this queryset meets already, which a gathering adds so that the
        search index narrows to it (`nearby_facets`), but which estimates must not count twice.
        """
        if ordering[0][0] == "distance_km":  # no index walks in distance order: always a gathering
            gathered = self._gathering(text, narrowing)
            nearby = gathered.filter(within_radius=True)._candidates(ordering, limit=limit, dense=False)
            return nearby if len(nearby) >= limit else gathered._candidates(ordering, limit=limit, dense=False)
        likely, most = self.search_estimates(text) if text else (self.estimated_count(),) * 2
        if likely >= max(DENSE_MIN_ROWS, DENSE_SHARE * posting_table_estimate()):
            matches = self.search(text) if text else self
            return matches._candidates(ordering, limit=limit, dense=True)
        gathered = self._gathering(text, narrowing)
        if most < GATHER_ALL_BELOW * limit:  # even the most matches there may be are few to gather
            return gathered._candidates(ordering, limit=limit, dense=False)
        # A window sized for the most matches there may be; while the windows read hold too few (pay goes with
        # place, say), the next window, behind them, as much larger as they held too few. Each reads only its
        # own rows, as the search index narrows to its buckets.
        candidates: list[Candidate] = []
        window_column = ordering[0][0]
        read = None  # the first bucket of the windows read
        window = window_front(ordering, share=min(WINDOW_MARGIN * limit / max(most, 1), WINDOW_FIRST_MAX_SHARE))
        for _ in range(WINDOW_ATTEMPTS):
            if window is None or (read is not None and window.first >= read):
                break
            behind = gathered.filter(in_buckets(window_column, window.first))
            if read is not None:  # the rows of the windows read are tested out, not read again from the index
                behind = behind.exclude(in_buckets(window_column, read))
            candidates += behind._candidates(ordering, limit=limit - len(candidates), dense=False)
            if len(candidates) >= limit:
                return candidates
            read = window.first
            share = window.share * WINDOW_RETRY_MARGIN * limit / max(len(candidates), 1)
            window = window_front(ordering, share=share, most=WINDOW_RETRY_MAX_SHARE)
        if read is not None:  # every match behind the windows
            gathered = gathered.exclude(in_buckets(window_column, read))
        return candidates + gathered._candidates(ordering, limit=limit - len(candidates), dense=False)

    def _gathering(self, text: str, narrowing: Q | None = None) -> PostingQuerySet:
        """The matches of `text`, to be gathered through the indexes (`search(gathering=True)`); except for
        words in most postings ("technician"), which PostgreSQL tests row by row rather than through their
        index, and then the head, in the row, is best tested first."""
        narrowed = self if narrowing is None else self.filter(narrowing)
        if not text:
            return narrowed
        gathering = self.keyword_estimate(text) < COMMON_SHARE * posting_table_estimate()
        return narrowed.search(text, gathering=gathering)

    def keyword_estimate(self, text: str) -> int:
        """The planner's estimate of the postings whose document matches `text`, whatever the filters: how
        common the words are. Cached for five minutes, like the statistics it comes from."""
        digest = hashlib.sha256(text.encode()).hexdigest()
        key = f"postings:keyword-estimate:{connection.settings_dict['NAME']}:{digest}"
        everywhere = self.model.objects.filter(search_vector=websearch(text))
        return cache.get_or_set(key, everywhere.estimated_count, TABLE_ESTIMATE_SECONDS)

    def _candidates(self, ordering: Ordering, *, limit: int, dense: bool) -> list[Candidate]:
        try:
            sql, params = self.top_candidates_sql(ordering, limit=limit, dense=dense)
        except EmptyResultSet:  # a search that cannot match (e.g. "jobs I qualify for" when signed out)
            return []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(pk, setting, tuple(types)) for pk, setting, types in cursor.fetchall()]

    def top_candidates_sql(self, ordering: Ordering, *, limit: int, dense: bool) -> tuple[str, tuple]:
        """The walk (`dense`), or the gathering, fenced with OFFSET 0 so that the planner cannot turn it into
        a walk: it would, taking matches to be evenly spread, and test thousands of rows."""
        columns = [*CANDIDATE_COLUMNS, *(alias for alias, _ in ordering if alias != "id")]
        inner_sql, params = self.order_by().values(*columns).query.sql_with_params()
        selected = ", ".join(f"m.{column}" for column in CANDIDATE_COLUMNS)
        order_sql = ", ".join(f'm."{alias}" {direction}' for alias, direction in ordering)
        fence = "" if dense else " OFFSET 0"
        return f"SELECT {selected} FROM ({inner_sql}{fence}) AS m ORDER BY {order_sql} LIMIT %s", (*params, limit)

    def near(self, *, latitude: float, longitude: float, radius_km: float) -> PostingQuerySet:
        """Within the radius, by great-circle distance (annotated as `distance_km`); remote roles count everywhere.

        The bounding box is a range on the indexed coordinates that the database can use; the exact
        distance is then computed only for the postings inside it.
        """
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
        # A box test on the GiST index of the coordinates as a point (migration 0010): both axes at once.
        in_box = RawSQL(
            "point(longitude, latitude) <@ box(point(%s, %s), point(%s, %s))",
            (min_lon, min_lat, max_lon, max_lat),
            output_field=models.BooleanField(),
        )
        # `within_radius` is also the first window of a search sorted by distance (top_candidates).
        within = ExpressionWrapper(Q(in_box, distance_km__lte=radius_km), output_field=models.BooleanField())
        return (
            self.annotate(distance_km=distance_km_expression(latitude, longitude))
            .annotate(within_radius=within)
            .filter(Q(within_radius=True) | Q(arrangement="remote"))
        )

    def in_place(self, *, country: str = "", region: str = "", city: str = "") -> PostingQuerySet:
        """On-site and hybrid roles in the place; remote roles hiring anywhere in its country come along."""
        remote_country = country or (region.split("-", 1)[0] if region else "")
        remote = facet("remote", remote_country) if remote_country else facet("a", "remote")
        if not city:  # a state or a country: one key of the search index ("r:US-TX" or "remote:US")
            if region and country and not region.startswith(f"{country}-"):
                return self.filter(facets__overlap=[remote])  # no place is in both: only the remote roles
            return self.filter(facets__overlap=[facet("r", region) if region else facet("c", country), remote])
        here = Q(city__iexact=city)
        if country:
            here &= Q(country=country)
        if region:
            here &= Q(region=region)
        return self.filter(here | Q(facets__overlap=[remote]))

    def with_experience(self, *levels: str) -> PostingQuerySet:
        return self.with_facet("x", *levels)

    def with_arrangement(self, *arrangements: str) -> PostingQuerySet:
        return self.with_facet("a", *arrangements)

    def paying_at_least(self, hourly: Decimal) -> PostingQuerySet:
        """The top of the range reaches the floor; yearly pay counts as hourly over 2,080 hours. A floor of whole
        dollars is exactly a set of pay buckets (one key of the search index); cents are then tested exactly."""
        buckets = self.filter(in_buckets("pay_max_hourly", bucket("pay_max_hourly", hourly)))
        return buckets if hourly == math.floor(hourly) <= PAY_BUCKET_TOP else buckets.filter(pay_max_hourly__gte=hourly)

    def posted_within(self, days: int) -> PostingQuerySet:
        return self.filter(published_at__gte=timezone.now() - timedelta(days=days))

    def open_to_newcomers(self) -> PostingQuerySet:
        """Training provided, or no credential required at all: where someone new can start."""
        return self.filter(Q(training_provided=True) | Q(requires_no_credential=True))

    def qualified_for(self, profile) -> PostingQuerySet:
        """Postings whose every required credential group is met by an unexpired credential the profile holds.

        One anti-join in SQL: no required requirement exists that none of its options satisfies. A
        national credential satisfies any jurisdiction; a state or provincial one only its own.
        """
        from .models import CredentialOption, CredentialRequirement

        # Through the profile's own relation, with the applicants' rule for "unexpired": applicants build on
        # postings, so postings never import them.
        held = profile.credentials.valid_on(timezone.localdate()).filter(credential_type=OuterRef("credential_type"))
        satisfied = CredentialOption.objects.filter(requirement=OuterRef("pk")).filter(
            (Q(jurisdiction="") | Q(credential_type__jurisdictional=False)) & Exists(held)
            | Exists(held.filter(jurisdiction=OuterRef("jurisdiction")))
        )
        unmet = CredentialRequirement.objects.filter(
            posting=OuterRef("pk"), level=CredentialRequirement.Level.REQUIRED
        ).exclude(Exists(satisfied))
        return self.filter(~Exists(unmet))

    def by_pay(self) -> PostingQuerySet:
        return self.order_by(F("pay_max_hourly").desc(nulls_last=True), "-published_at", "-id")

    def by_distance(self) -> PostingQuerySet:
        """Nearest first (needs `near()`); remote roles, which have no distance, last."""
        return self.order_by(F("distance_km").asc(nulls_last=True), "-published_at", "-id")

    def bounded_count(self, bound: int) -> int:
        """The number of rows, counting no further than `bound + 1`: cheap whatever the table's size."""
        return self.order_by().values("pk")[: bound + 1].count()

    # -- Feeds and sitemaps ----------------------------------------------------------------------

    def for_feed(self) -> PostingQuerySet:
        """Cards plus the start of the description, which is all an RSS excerpt needs."""
        return self.for_cards().annotate(description_start=Substr("description", 1, 1000))

    def for_sitemap(self) -> PostingQuerySet:
        """Only what a sitemap entry needs, in primary-key order so its pages are stable slices."""
        return self.only("id", "slug", "updated_at").order_by("id")

    def last_updated(self):
        return self.order_by().aggregate(latest=models.Max("updated_at"))["latest"]

    def employer_pages(self) -> list:
        """Employers with postings here, each with `lastmod`: two queries, no join over every posting."""
        from employers.models import Employer

        latest = dict(self.order_by().values_list("employer_id").annotate(lastmod=models.Max("updated_at")))
        employers = list(Employer.objects.filter(pk__in=latest).only("id", "slug", "updated_at").order_by("id"))
        for employer in employers:
            employer.lastmod = max(latest[employer.pk], employer.updated_at)
        return employers


class PlaceQuerySet(models.QuerySet):
    def resolve(self, text: str):
        """The place a seeker means by "78701", "Austin, TX" or "Toronto": the most populous match, or None."""
        from .geo import parse_place

        query = parse_place(text)
        if query is None:
            return None
        if query.postal_code:
            return self.filter(kind=self.model.Kind.POSTAL, key=query.postal_code).first()
        places = self.filter(kind=self.model.Kind.CITY, key=query.city)
        if query.region:
            places = places.filter(region=query.region)
        return places.order_by("-population", "id").first()


class ReportQuerySet(models.QuerySet):
    def open(self) -> ReportQuerySet:
        return self.filter(status=self.model.Status.OPEN)
