"""A posting's facets (Posting.facets): the tokens the database keeps beside the search document, in one GIN
index, so that one index scan intersects the keywords, the filters and the window at the front of the order.

The tokens of the choice criteria ("s:hospital", "l:es") are declared with their criteria (criteria.py); the
tokens here are the ones of place, pay, publication time and distance, which search reads in other ways too.
`criteria.facets_function_sql()` writes the function that computes them all.
"""

from __future__ import annotations

import math

from django.db.models import Q
from django.utils import timezone

from ..geo import bounding_box

COUNTRY, REGION, REMOTE_IN, ARRANGEMENT = "c", "r", "remote", "a"
PAY_AT_LEAST, DAY, QUARTER_DAY, CELL = "pge", "d", "q", "g"
# Pay buckets stop at $150/h; a distance search lists the one-degree cells of its box, up to this many (a
# 500-mile radius would need hundreds).
PAY_BUCKET_TOP = 150
MAX_CELLS = 64

# The tokens of place, time, pay and location, as postings_facets() computes them from its arguments. Immutable
# (a generated column's expression must be): days and quarter days (six hours, so that a window of the newest
# need not be a whole day, ~3 % of postings) are counted in UTC from the epoch. Pay has a token for every whole
# dollar up to pay_max_hourly, as that column rounds it (numeric(10, 2)): "pge:27" is exactly pay_max_hourly
# >= 27 (up to "pge:150"), so that a floor or the front of the pay order is one entry of the index, where a list
# of one-dollar buckets is dozens, which a scan merges item by item ("prior authorization" and $22/h or more:
# 68 ms with the buckets, 10 ms with one entry).
SCALAR_TOKENS_SQL = (
    "'c:' || country",
    "'r:' || region",
    "CASE WHEN arrangement = 'remote' THEN 'remote:' || country END",
    "'d:' || floor(extract(epoch FROM published_at) / 86400)::int",
    "'q:' || floor(extract(epoch FROM published_at) / 21600)::int",
    "'g:' || floor(latitude)::int || ':' || floor(longitude)::int",
)
LIST_TOKENS_SQL = (
    "ARRAY(SELECT 'pge:' || dollars FROM generate_series(0, least(floor(\n"
    "           (CASE WHEN pay_period = 'year' THEN pay_max / 2080 ELSE pay_max END)::numeric(10, 2)), 150)::int)"
    " AS dollars)",
)
# The columns those read.
COLUMNS = ("country", "region", "arrangement", "pay_max", "pay_period", "published_at", "latitude", "longitude")


def token(kind: str, value) -> str:
    """One token of a posting's facets: token("s", "hospital") == "s:hospital"."""
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
        return Q(facets__overlap=[token(PAY_AT_LEAST, first)])
    # Quarter days up to a day's start, then whole days, up to the day after tomorrow (postings are published
    # now, never later).
    end = bucket(column, timezone.now()) + 12
    tokens, quarter = [], first
    while quarter < end:
        whole_day = quarter % 4 == 0 and quarter + 4 <= end
        tokens.append(token(DAY, quarter // 4) if whole_day else token(QUARTER_DAY, quarter))
        quarter += 4 if whole_day else 1
    return Q(facets__overlap=tokens)


def nearby_facets(*, latitude: float, longitude: float, radius_km: float, remote_in: str = "") -> Q | None:
    """Where the postings `near()` finds must be, as one key of the search index: in a one-degree cell of the
    radius's box, or remote in `remote_in` (a country) when remote roles are included. None for a box of so
    many cells that listing them would cost more than it saves.

    Not part of `near()` itself: PostgreSQL would count the radius twice in its estimates (the cells, then the
    exact distance), ten times too few matches for "prior authorization" near Austin, and choose to gather them
    all. The planner narrows its gatherings with it instead."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    latitudes = range(math.floor(min_lat), math.floor(max_lat) + 1)
    longitudes = range(math.floor(min_lon), math.floor(max_lon) + 1)
    if len(latitudes) * len(longitudes) > MAX_CELLS:
        return None
    cells = [token(CELL, f"{lat}:{lon}") for lat in latitudes for lon in longitudes]
    return Q(facets__overlap=[*cells, *([token(REMOTE_IN, remote_in)] if remote_in else [])])


def in_place(*, country: str = "", region: str = "", city: str = "", remote: bool = False) -> Q:
    """The on-site and hybrid roles in the place; with `remote`, the remote roles hiring anywhere in its country
    too (anywhere at all for a city without a region or country)."""
    remote_country = country or (region.split("-", 1)[0] if region else "")
    remote_token = token(REMOTE_IN, remote_country) if remote_country else token(ARRANGEMENT, "remote")
    # Remote roles carry the place of their employer's office, which is not where they are worked.
    not_remote = ~Q(arrangement="remote")
    if not city:  # a state or a country: one key of the search index ("r:US-TX", with "remote:US")
        if region and country and not region.startswith(f"{country}-"):
            # no place is in both: only the remote roles, if asked for
            return Q(facets__overlap=[remote_token]) if remote else Q(pk__in=[])
        here = token(REGION, region) if region else token(COUNTRY, country)
        if remote:
            return Q(facets__overlap=[here, remote_token]) & (not_remote | Q(facets__overlap=[remote_token]))
        return Q(facets__overlap=[here]) & not_remote
    here = Q(city__iexact=city) & not_remote
    if country:
        here &= Q(country=country)
    if region:
        here &= Q(region=region)
    return here | Q(facets__overlap=[remote_token]) if remote else here


def paying_at_least(hourly) -> Q:
    """The top of the range reaches the floor; yearly pay counts as hourly over 2,080 hours. A floor of whole
    dollars is exactly a set of pay buckets (one key of the search index); cents are then tested exactly."""
    buckets = in_buckets("pay_max_hourly", bucket("pay_max_hourly", hourly))
    return buckets if hourly == math.floor(hourly) <= PAY_BUCKET_TOP else buckets & Q(pay_max_hourly__gte=hourly)
