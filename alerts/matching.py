"""Job alert matching: a search's criteria as an alert stores them, and one set-based statement that matches
every due alert against a batch of postings.

Consistency with search is the whole point. The criteria come from the search form's own `SearchCriteria`,
and every value the SQL compares is computed by the code search uses (the registry's tokens of each choice
criterion, `hourly_floor`, the circle and `bounding_box`, the constants of `distance_km_expression`). The choice
criteria are matched generically (a token of each, as the search's facets), the others by clauses that mirror
their narrowing; tests/alerts/test_matching.py checks the statement against the search over randomly
generated alerts and postings, drawing parameters from every criterion of the registry.

Speed comes from candidates. Each alert stores a few `match_keys` (place x setting x arrangement x
experience, "*" for any) and each posting produces every key it could satisfy, so the database pairs alerts
and postings with one equality join (or the GIN index, for a handful of postings) before evaluating the
exact predicate on the candidates only. Keywords are parsed once per alert, by the search's own code (a stored
tsquery: `keywords_tsquery`), and each distinct query is run once per posting of the batch. docs/benchmarks.md
has the figures.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import connection

from applicants.managers import credential_valid_on_sql
from postings.geo import EARTH_RADIUS_KM, bounding_box
from postings.models import Place
from postings.search import CRITERIA, SearchCriteria, keywords_tsquery
from postings.search.criteria import ARRANGEMENT, CHOICE_CRITERIA, EXPERIENCE, SETTING

# The choice criteria whose values make the candidate keys (see alert_match_keys): their order is the keys'
# format, which stored alerts hold.
KEYED = (SETTING, ARRANGEMENT, EXPERIENCE)
NAME_SEPARATOR = " · "
NAME_MAX_LENGTH = 200

# Candidate keys for "near" searches: the grid cells over the bounding box, of the finest size that needs
# no more than MAX_CELLS of them (a quarter degree for the usual 10-50 miles).
CELL_SIZES = [(0.25, "g0"), (1, "g1"), (5, "g5")]
MAX_CELLS = 30
BOX_TOLERANCE = 1e-5
# Up to this many postings, candidates come from the GIN index on alerts; above, from a hash join.
INDEX_STRATEGY_MAX_POSTINGS = 50
# A posting published this long before a digest ran may have committed after it: digests look back this far.
DIGEST_OVERLAP = timedelta(hours=1)


@dataclass
class AlertCriteria:
    """A validated search, as an alert stores it: canonical parameters, the typed matching columns (place,
    keywords, pay ...) and the choice criteria's facet tokens in one generic column (`facet_keys`, with the
    number of criteria they belong to in `facet_groups`): a posting matches when it has a token of each."""

    params: dict[str, str | list[str]]
    search: SearchCriteria
    columns: dict = field(default_factory=dict)
    place: Place | None = None

    @property
    def key(self) -> str:
        """The same search gives the same key, however its parameters were ordered or spelled."""
        return hashlib.sha256(json.dumps(self.params, sort_keys=True).encode()).hexdigest()

    def choices(self, criterion) -> list[str]:
        return sorted(self.search.get(criterion.name) or [])


def alert_criteria(search: SearchCriteria) -> AlertCriteria:
    """The criteria of a valid search, in the shape an alert stores and matches them. `posted_within`, `sort`
    and `page` shape a results page, not which new jobs are wanted: an alert only ever sends jobs published
    after it started."""
    params = search.params()
    params.pop("posted_within", None)
    columns: dict = {
        "keywords": search.keywords,
        "keywords_query": keywords_tsquery(search.keywords),
        "country": search.get("country") or "",
        "region": search.get("region") or "",
        "city": search.get("city") or "",
        "place_label": "",
        "latitude": None,
        "longitude": None,
        "radius_km": None,
        "min_latitude": None,
        "max_latitude": None,
        "min_longitude": None,
        "max_longitude": None,
        "latitude_radians": None,
        "latitude_cosine": None,
        "longitude_radians": None,
        "pay_floor_hourly": None,
        "remote": search.includes_remote,
        "near_country": "",
        "training": bool(search.get("training")),
        "qualified": bool(search.get("qualified")),
    }
    place, circle = search.place, search.circle
    if circle is not None:
        # As the search computes them: the radius, then the box and the distance's constants.
        min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, circle["radius_km"])
        phi = math.radians(place.latitude)
        columns |= {
            "place_label": place.label[:120],
            "near_country": place.country,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "radius_km": circle["radius_km"],
            "min_latitude": min_lat,
            "max_latitude": max_lat,
            "min_longitude": min_lon,
            "max_longitude": max_lon,
            "latitude_radians": phi,
            "latitude_cosine": math.cos(phi),
            "longitude_radians": math.radians(place.longitude),
        }
    given = [criterion for criterion in CHOICE_CRITERIA if search.get(criterion.name)]
    columns["facet_keys"] = sorted(token for c in given for token in c.tokens(search.get(c.name)))
    columns["facet_groups"] = len(given)
    if search.hourly_floor is not None:
        # pay_max_hourly has two decimals, so rounding the floor up to cents keeps `>=` exactly as search has it.
        columns["pay_floor_hourly"] = search.hourly_floor.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return AlertCriteria(params=params, search=search, columns=columns, place=place)


# -- A readable name ---------------------------------------------------------------------------------------


def alert_name(criteria: AlertCriteria) -> str:
    """ "Hospital · night · near Austin, TX · $22+/h": what the alert is, in a line, each criterion's part
    as the registry words it."""
    parts: list[str] = []
    for criterion in CRITERIA:
        if criterion.alerts and criterion.is_given(criteria.search):
            part = criterion.describe(criteria.search, not parts)
            if part:
                parts.append(part)
    name = NAME_SEPARATOR.join(parts) if parts else "All new jobs"
    if parts and parts[0][0].islower():
        name = name[0].upper() + name[1:]
    return name if len(name) <= NAME_MAX_LENGTH else name[: NAME_MAX_LENGTH - 1] + "…"


# -- Candidate keys ----------------------------------------------------------------------------------------


def _place_keys(columns: dict, city_upper: str) -> list[str]:
    """Keys that every posting satisfying the alert's place clauses carries (see POSTING_KEYS).

    in_place(): on-site roles in the place ("r:", "y:" or "c:"), and when remote roles are included, remote
    ones in its country ("rc:"), or anywhere ("remote") when no country is known. near(): the grid cells the
    bounding box covers, and (when included) any remote role. When both apply, in_place's keys are enough: a
    match must satisfy both.
    """
    country, region, city = columns["country"], columns["region"], columns["city"]
    remote = columns["remote"]
    if country or region or city:
        if region:
            here = f"r:{region}"
        elif city:
            here = f"y:{city_upper}"
        else:
            here = f"c:{country}"
        remote_country = country or region.split("-", 1)[0]
        return [here, f"rc:{remote_country}" if remote_country else "remote"] if remote else [here]
    if columns["latitude"] is not None:
        # Widened by a hair: PostgreSQL's point-in-box test (near()) allows a tolerance of 1e-6 at the edges.
        min_lat, max_lat = columns["min_latitude"] - BOX_TOLERANCE, columns["max_latitude"] + BOX_TOLERANCE
        min_lon, max_lon = columns["min_longitude"] - BOX_TOLERANCE, columns["max_longitude"] + BOX_TOLERANCE
        for size, prefix in CELL_SIZES:
            lats = range(math.floor(min_lat / size), math.floor(max_lat / size) + 1)
            lons = range(math.floor(min_lon / size), math.floor(max_lon / size) + 1)
            if len(lats) * len(lons) <= MAX_CELLS:
                return [f"{prefix}:{lat}:{lon}" for lat in lats for lon in lons] + (["remote"] if remote else [])
        return ["geo", "remote"] if remote else ["geo"]
    return ["*"]


def alert_match_keys(criteria: AlertCriteria, *, city_upper: str) -> list[str]:
    """Place keys times the values of the KEYED criteria asked for ("*" for any): the same parts as the keys
    POSTING_KEYS builds. `city_upper` is the database's upper(city)."""
    parts = [_place_keys(criteria.columns, city_upper), *(criteria.choices(c) or ["*"] for c in KEYED)]
    return sorted({"|".join(combination) for combination in itertools.product(*parts)})


def database_upper(text: str) -> str:
    """upper() as PostgreSQL computes it (its locale, not Python's), for keys compared with upper(city)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(%s)", [text])
        return cursor.fetchone()[0]


# -- The statement -----------------------------------------------------------------------------------------

# The keys a posting carries, mirroring alert_match_keys: every combination of its place keys, its setting,
# arrangement and experience, each part also as "*".
POSTING_KEYS = """
ARRAY(
    SELECT place_key || '|' || setting_key || '|' || arrangement_key || '|' || experience_key
    FROM unnest(
        ARRAY['*', 'c:' || p.country, 'r:' || p.region, 'y:' || upper(p.city::text)]
        || CASE WHEN p.latitude IS NULL THEN ARRAY[]::text[] ELSE ARRAY[
            'geo',
            'g0:' || floor(p.latitude / 0.25)::int || ':' || floor(p.longitude / 0.25)::int,
            'g1:' || floor(p.latitude)::int || ':' || floor(p.longitude)::int,
            'g5:' || floor(p.latitude / 5)::int || ':' || floor(p.longitude / 5)::int
        ] END
        || CASE WHEN p.arrangement = 'remote' THEN ARRAY['remote', 'rc:' || p.country] ELSE ARRAY[]::text[] END
    ) AS place_key,
    unnest(ARRAY[p.setting::text, '*']) AS setting_key,
    unnest(ARRAY[p.arrangement::text, '*']) AS arrangement_key,
    unnest(ARRAY[p.experience::text, '*']) AS experience_key
)::varchar[]
"""

# The alert columns the predicate reads, carried along with each candidate (no second look-up per pair).
ALERT_COLUMNS = """a.id, a.user_id, a.keywords, a.keywords_query, a.country, a.region, a.city, a.latitude,
    a.min_latitude, a.max_latitude, a.min_longitude, a.max_longitude, a.latitude_radians, a.latitude_cosine,
    a.longitude_radians, a.radius_km, a.remote, a.near_country, a.facet_keys, a.facet_groups,
    a.pay_floor_hourly, a.training, a.qualified, a.matching_from, a.last_digest_at"""
POSTING_COLUMNS = """b.id, b.facets, b.arrangement, b.country, b.region,
    b.city_upper, b.latitude, b.longitude, b.pay_max_hourly, b.published_at, b.open_to_newcomers, b.keyword_hits"""

# Candidates: the pairs sharing a key. The only join of the statement, so its shape does not hang on the
# planner's estimate of a batch published a moment ago: a hash join of the keys, or the GIN index of
# alert keys for a handful of postings.
CANDIDATES_BY_HASH = """
    (SELECT {alert_columns}, unnest(a.match_keys)::text AS key FROM alerts_alert a WHERE {alerts}) a
    JOIN (SELECT {posting_columns}, unnest(b.keys)::text AS key FROM batch b) b ON b.key = a.key
"""

CANDIDATES_BY_INDEX = """
    batch b JOIN alerts_alert a ON a.match_keys && b.keys AND a.match_keys && %(keys)s::varchar[] AND {alerts}
"""

# search(), two ways: for a big batch each distinct keyword query is run once per posting (`keyword_hits`);
# for a handful of postings each candidate's stored query is tested directly, which reads far fewer alerts.
KEYWORDS_BY_HITS = "a.keywords::text = ANY(b.keyword_hits)"
KEYWORDS_BY_QUERY = "b.search_vector @@ a.keywords_query"
KEYWORD_HITS = "ARRAY(SELECT k.keywords FROM keyword_queries k WHERE p.search_vector @@ k.keywords_query)"
KEYWORD_QUERIES = """
    SELECT DISTINCT ON (a.keywords) a.keywords::text AS keywords, a.keywords_query
    FROM alerts_alert a WHERE {alerts} AND a.keywords <> ''
"""

# Each clause names the PostingQuerySet method it mirrors.
MATCHES = """
WITH keyword_queries AS MATERIALIZED ({keyword_queries}),
batch AS MATERIALIZED (
    SELECT p.id, p.facets, p.arrangement, p.country, p.region,
           upper(p.city::text) AS city_upper, p.latitude, p.longitude, p.pay_max_hourly, p.published_at,
           -- open_to_newcomers()
           (p.training_provided OR p.requires_no_credential) AS open_to_newcomers,
           p.search_vector, {keyword_hits} AS keyword_hits,
           {posting_keys} AS keys
    FROM postings_posting p
    WHERE {postings} AND p.status = 'published' AND p.expires_at > %(now)s
),
matches AS (
    SELECT a.id AS alert_id, b.id AS posting_id, b.published_at, a.last_digest_at
    FROM {candidates}
    WHERE {time}
      AND (a.keywords = '' OR {keywords})
      -- every choice criterion (ChoiceCriterion.narrow): of each criterion the alert has tokens of ("s:", "sh:"
      -- ...), the posting's facets hold one
      AND (a.facet_groups = 0 OR a.facet_groups = (
          SELECT count(DISTINCT split_part(k, ':', 1)) FROM unnest(a.facet_keys) AS k WHERE k = ANY(b.facets)))
      -- in_place(): an on-site or hybrid role in the place, or (remote roles included) a remote role in its
      -- country (anywhere when only a city is given)
      AND (
          (a.country = '' AND a.region = '' AND a.city = '')
          OR (b.arrangement <> 'remote'
              AND (a.country = '' OR b.country = a.country)
              AND (a.region = '' OR b.region = a.region)
              AND (a.city = '' OR b.city_upper = upper(a.city::text)))
          OR (a.remote AND b.arrangement = 'remote' AND (
              (a.country = '' AND a.region = '')
              OR b.country = CASE WHEN a.country <> '' THEN a.country ELSE split_part(a.region, '-', 1) END))
      )
      -- near(): an on-site or hybrid role inside the box (the same point-in-box test) and the great circle (the
      -- same expression as distance_km_expression), or (remote roles included) a remote role in the place's country
      AND (
          a.latitude IS NULL
          OR (b.arrangement <> 'remote' AND point(b.longitude, b.latitude)
                  <@ box(point(a.min_longitude, a.min_latitude), point(a.max_longitude, a.max_latitude))
              AND (%(diameter)s * ASIN(LEAST(SQRT((POWER(SIN(((RADIANS(b.latitude) - a.latitude_radians) / 2)), 2)
                   + ((a.latitude_cosine * COS(RADIANS(b.latitude)))
                   * POWER(SIN(((RADIANS(b.longitude) - a.longitude_radians) / 2)), 2)))), 1.0))) <= a.radius_km)
          OR (a.remote AND b.arrangement = 'remote' AND b.country = a.near_country)
      )
      -- paying_at_least()
      AND (a.pay_floor_hourly IS NULL OR b.pay_max_hourly >= a.pay_floor_hourly)
      -- open_to_newcomers()
      AND (NOT a.training OR b.open_to_newcomers)
      -- qualified_for(the alert owner's profile): no required group left that no unexpired credential meets
      AND (NOT a.qualified OR EXISTS (
          SELECT 1 FROM applicants_applicantprofile profile
          WHERE profile.user_id = a.user_id AND NOT EXISTS (
              SELECT 1 FROM postings_credentialrequirement r
              WHERE r.posting_id = b.id AND r.level = 'required' AND NOT EXISTS (
                  SELECT 1 FROM postings_credentialoption o
                  JOIN postings_credentialtype t ON t.id = o.credential_type_id
                  JOIN applicants_heldcredential h
                    ON h.profile_id = profile.id AND h.credential_type_id = o.credential_type_id
                   AND {held_valid}
                  WHERE o.requirement_id = r.id
                    AND (o.jurisdiction = '' OR NOT t.jurisdictional OR h.jurisdiction = o.jurisdiction)
              )
          )
      ))
)
"""

# A digest lists the newest few of its new matches and counts the rest: it records only those it lists.
# In the overlap before its last run, a match may already be in the ledger: those are not new.
DIGEST_ROWS = """
, fresh AS (
    SELECT * FROM matches m
    WHERE m.last_digest_at IS NULL OR m.published_at > m.last_digest_at OR NOT EXISTS (
        SELECT 1 FROM alerts_alertdelivery d WHERE d.alert_id = m.alert_id AND d.posting_id = m.posting_id
    )
),
recorded AS (
    SELECT alert_id, posting_id, run_matches FROM (
        SELECT alert_id, posting_id,
               row_number() OVER (PARTITION BY alert_id ORDER BY published_at DESC, posting_id DESC) AS position,
               count(*) OVER (PARTITION BY alert_id) AS run_matches
        FROM fresh
    ) ranked
    WHERE position <= %(keep)s
)
"""

EVERY_ROW = """
, recorded AS (SELECT alert_id, posting_id, 1 AS run_matches FROM matches)
"""

RECORD = """
, inserted AS (
    INSERT INTO alerts_alertdelivery
        (alert_id, posting_id, status, matched_at, attempts, next_attempt_at, message_id, last_error, run_matches)
    SELECT alert_id, posting_id, 'pending', %(now)s, 0, %(now)s, '', '', run_matches FROM recorded
    ON CONFLICT (alert_id, posting_id) DO NOTHING
    RETURNING alert_id
)
SELECT DISTINCT alert_id FROM inserted
"""

SELECT = "SELECT DISTINCT alert_id, posting_id FROM matches ORDER BY alert_id, posting_id"


def matching_sql(
    *,
    now: datetime,
    today,
    posting_ids: list[int] | None = None,
    published_since: datetime | None = None,
    unmatched_only: bool = False,
    frequency: str | None = None,
    digest_due: bool = False,
    keep: int = 10,
    alert_ids: list[int] | None = None,
    record: bool,
) -> tuple[str, dict]:
    """The statement, and its parameters, for one batch: the postings by id or published since a moment
    (`unmatched_only`: those instant matching has not handled yet); the alerts active with a frequency (and
    a digest due), or by id (tests).

    With `record` it inserts the matches into the ledger (ON CONFLICT DO NOTHING; a digest only the `keep`
    newest per alert) and returns the ids of alerts that got new rows; without, the (alert, posting) pairs.
    """
    params: dict = {"now": now, "today": today, "diameter": 2 * EARTH_RADIUS_KM, "overlap": DIGEST_OVERLAP,
                    "keep": keep}  # fmt: skip
    if posting_ids is not None:
        postings = "p.id = ANY(%(posting_ids)s)"
        params["posting_ids"] = list(posting_ids)
    else:
        postings = "p.published_at > %(published_since)s"
        params["published_since"] = published_since
    if unmatched_only:
        postings += " AND NOT EXISTS (SELECT 1 FROM alerts_alertpostingmatch m WHERE m.posting_id = p.id)"
    if alert_ids is not None:
        alerts = "a.id = ANY(%(alert_ids)s)"
        params["alert_ids"] = list(alert_ids)
        time = "b.published_at > a.matching_from"
    else:
        alerts = "a.status = 'active' AND a.frequency = %(frequency)s"
        params["frequency"] = frequency
        if digest_due:
            alerts += " AND a.next_digest_at <= %(now)s"
        # Published after the alert started and, for a digest, not before its last run (less the overlap).
        time = "b.published_at > GREATEST(a.matching_from, a.last_digest_at - %(overlap)s)"
    by_index = posting_ids is not None and len(posting_ids) <= INDEX_STRATEGY_MAX_POSTINGS
    if by_index:
        # The postings' keys as a constant, which the GIN index on alerts serves (a join condition it won't).
        params["keys"] = batch_keys(posting_ids)
    candidates = (CANDIDATES_BY_INDEX if by_index else CANDIDATES_BY_HASH).format(
        alert_columns=ALERT_COLUMNS, posting_columns=POSTING_COLUMNS, alerts=alerts
    )
    sql = MATCHES.format(
        keyword_queries=KEYWORD_QUERIES.format(alerts=alerts) if not by_index else "SELECT NULL::text AS keywords",
        keyword_hits=KEYWORD_HITS if not by_index else "NULL::text[]",
        keywords=KEYWORDS_BY_QUERY if by_index else KEYWORDS_BY_HITS,
        posting_keys=POSTING_KEYS,
        postings=postings,
        alerts=alerts,
        candidates=candidates,
        time=time,
        held_valid=credential_valid_on_sql("h", "%(today)s"),
    )
    if record:
        sql += (DIGEST_ROWS if digest_due else EVERY_ROW) + RECORD
    else:
        sql += SELECT
    return sql, params


def batch_keys(posting_ids: list[int]) -> list[str]:
    """Every key these postings carry (POSTING_KEYS)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT unnest({POSTING_KEYS}) FROM postings_posting p WHERE p.id = ANY(%s)",
                       [list(posting_ids)])  # fmt: skip
        return [key for (key,) in cursor.fetchall()]


def matching_pairs(*, now: datetime, today, posting_ids: list[int], alert_ids: list[int]) -> set[tuple[int, int]]:
    """(alert id, posting id) for every match between these alerts and postings: what the ledger would get."""
    sql, params = matching_sql(now=now, today=today, posting_ids=posting_ids, alert_ids=alert_ids, record=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(alert_id, posting_id) for alert_id, posting_id in cursor.fetchall()}
