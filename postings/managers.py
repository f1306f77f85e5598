from __future__ import annotations

import math
from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt, Substr
from django.utils import timezone

from jobboard import fields  # noqa: F401 - registers the `__any` lookup (one array parameter)

from .geo import EARTH_RADIUS_KM, bounding_box

# Relevance: the title weighs most, then the employer, duties and systems, then the description (D, C, B, A).
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
# Columns no list page shows, each kilobytes per row (the search documents are kept by triggers).
LARGE_COLUMNS = ("description", "search_vector", "search_head")


def distance_km_expression(latitude: float, longitude: float):
    """Haversine distance from a point to each posting's coordinates, evaluated by the database."""
    phi = math.radians(latitude)
    lat, lon = Radians(F("latitude")), Radians(F("longitude"))
    half_chord = Power(Sin((lat - phi) / 2), 2) + math.cos(phi) * Cos(lat) * Power(
        Sin((lon - math.radians(longitude)) / 2), 2
    )
    return 2 * EARTH_RADIUS_KM * ASin(Least(Sqrt(half_chord), 1.0))


def posting_distance_km(latitude: float, longitude: float):
    """A posting's distance from the point; none for a remote role, whose coordinates are its employer's office,
    not where it is worked ("12437 mi away")."""
    return models.Case(
        models.When(arrangement="remote", then=models.Value(None)),
        default=distance_km_expression(latitude, longitude),
        output_field=models.FloatField(),
    )


def open_q(prefix: str = "") -> Q:
    """The condition for a posting anyone can see and apply to, usable across relations."""
    from .models import Posting  # models.py builds its managers from this module

    return Q(**{f"{prefix}status": Posting.Status.PUBLISHED, f"{prefix}expires_at__gt": timezone.now()})


# counts_by_place()'s key for remote roles: no region code looks like it.
REMOTE_PLACE = "remote"
# A city name is taken to mean its largest place when that is this many times the size of the next one.
DOMINANT_PLACE_RATIO = 10
AMBIGUOUS_PLACES_SHOWN = 8


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
        """The moderation queue: postings waiting for their first approval and live postings with an edit waiting
        (`waiting_since`, `pending_revision_id`), the longest-waiting first."""
        from .models import PostingRevision

        edits = PostingRevision.objects.filter(status=PostingRevision.Status.PENDING)
        edit = edits.filter(posting=OuterRef("pk"))
        # id = ANY(ARRAY(subquery)): the subquery runs once, and both arms of the OR use an index.
        edited = models.Func(
            F("id"),
            ArraySubquery(edits.values("posting_id")),
            arg_joiner=" = ANY(",
            template="%(expressions)s)",
            output_field=models.BooleanField(),
        )
        return (
            self.filter(Q(status=self.model.Status.PENDING) | Q(edited))
            .annotate(
                pending_revision_id=Subquery(edit.values("id")[:1]),
                waiting_since=Coalesce(Subquery(edit.values("created_at")[:1]), F("updated_at")),
            )
            .order_by("waiting_since", "id")
        )

    def past_expiry(self) -> PostingQuerySet:
        return self.filter(status=self.model.Status.PUBLISHED, expires_at__lte=timezone.now())

    def in_country(self, country: str) -> PostingQuerySet:
        return self.filter(country=country)

    def in_region(self, region: str) -> PostingQuerySet:
        return self.filter(region=region)

    def in_city(self, city: str) -> PostingQuerySet:
        return self.filter(city__iexact=city)

    def with_setting(self, *settings: str) -> PostingQuerySet:
        return self.filter(setting__in=settings)

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

    def counts_by_place(self) -> dict[str, int]:
        """{ISO 3166-2 region: on-site and hybrid postings there, and "remote": remote postings}, in one GROUP BY
        query: what a search by region finds, and the remote roles apart, wherever their employer sits."""
        place = models.Case(
            models.When(arrangement="remote", then=Value(REMOTE_PLACE)), default=F("region"),
            output_field=models.CharField(),
        )  # fmt: skip
        return dict(self.order_by().values_list(place).annotate(count=models.Count("id")))

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
        rows = {row.pk: row for row in self.filter(pk__any=ids).order_by()} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    # -- Search ---------------------------------------------------------------------------------

    def search(self, text: str, *, gathering: bool = False) -> PostingQuerySet:
        """Full-text match on the stored document: the keywords as `search.keywords` reads them (stemmed
        English, websearch syntax, hyphenated words, the pharmacy vocabulary, references).

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
        from .search.keywords import keyword_query  # the search package reads this module's models

        keywords = keyword_query(text)
        query = keywords.query
        if keywords.negated or (gathering and not keywords.has_phrase):
            return self.filter(search_vector=query)
        if gathering:
            # The head, out of reach of its index (coalesce), so that it is tested in the row, not scanned.
            in_row = Coalesce(F("search_head"), Value("", output_field=SearchVectorField()))
            return self.alias(head_in_row=in_row).filter(
                Q(search_vector=keywords.words) & (Q(head_in_row=query) | Q(search_vector=query))
            )
        return self.filter(Q(search_head=query) | Q(search_vector=query))

    def ranked(self, text: str) -> PostingQuerySet:
        """Ordered by relevance, as a technician ranks jobs: first the titles that say the words searched for
        one after another (`title_phrase`), then by weighted rank (the title weighs most, the description
        least), then the newest. Meant for a handful of candidates (see `top_candidates`)."""
        from .search.keywords import keyword_query  # the search package reads this module's models

        keywords = keyword_query(text)
        rank = SearchRank(F("search_vector"), keywords.query, weights=RANK_WEIGHTS, normalization=1)
        if keywords.title_phrase is None:  # nothing but negations
            return self.annotate(rank=rank).order_by("-rank", "-published_at", "-id")
        # The title's lexemes (weight A) of the head, in the row, positions and all.
        title = Func(F("search_head"), Value("{a}"), function="ts_filter", output_field=SearchVectorField())
        phrase_in_title = ExpressionWrapper(Q(title_document=keywords.title_phrase), output_field=models.BooleanField())
        return (
            self.alias(title_document=title)
            .annotate(rank=rank, phrase_in_title=phrase_in_title)
            .order_by("-phrase_in_title", "-rank", "-published_at", "-id")
        )

    def near(self, *, latitude: float, longitude: float, radius_km: float, remote_in: str = "") -> PostingQuerySet:
        """On-site and hybrid roles within the radius, by great-circle distance (annotated as `distance_km`);
        with `remote_in` (a country), the remote roles hiring there too, which have no distance.

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
        distance = posting_distance_km(latitude, longitude)
        nearby = Q(within_radius=True)
        if remote_in:
            nearby |= Q(arrangement="remote", country=remote_in)
        return self.annotate(distance_km=distance).annotate(within_radius=within).filter(nearby)

    def with_distance(self, *, latitude: float, longitude: float) -> PostingQuerySet:
        """Each posting's great-circle distance from the point, as `distance_km` (None for a remote role without
        coordinates), with no filter: for rows already found by `near()`."""
        return self.annotate(distance_km=posting_distance_km(latitude, longitude))

    def posted_within(self, days: int) -> PostingQuerySet:
        return self.filter(published_at__gte=timezone.now() - timedelta(days=days))

    def open_to_newcomers(self) -> PostingQuerySet:
        """Training provided, or no credential required at all: where someone new can start."""
        return self.filter(Q(training_provided=True) | Q(requires_no_credential=True))

    def qualified_for(self, held) -> PostingQuerySet:
        """Postings whose every required credential group is met by one of the `held` credentials: a
        queryset of credentials held (the caller's, already narrowed to those valid today), read through its
        `credential_type` and `jurisdiction`, so that this app need not know who holds them or how long.

        One anti-join in SQL: no required requirement exists that none of its options satisfies. A
        national credential satisfies any jurisdiction; a state or provincial one only its own.
        """
        from .models import CredentialOption, CredentialRequirement

        held = held.filter(credential_type=OuterRef("credential_type"))
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
        """The place a seeker means by "78701", "M5V 2T6", "Austin, TX" or "Toronto", or None: unknown, or a
        city name that several places share with none much larger than the others (`meanings`)."""
        meanings = self.meanings(text)
        return meanings[0] if len(meanings) == 1 else None

    def meanings(self, text: str) -> list:
        """The places "text" may mean, the likeliest first: none, one, or for a city name without its region
        ("Springfield") the largest place of each region that has one, when none is ten times the size of the
        next ("Austin" is Austin, TX; "Springfield" is one of six)."""
        from .geo import parse_place

        query = parse_place(text)
        if query is None:
            return []
        if query.postal_code:
            return list(self.filter(kind=self.model.Kind.POSTAL, key=query.postal_code)[:1])
        places = self.filter(kind=self.model.Kind.CITY, key=query.city)
        if query.region:
            return list(places.filter(region=query.region).order_by("-population", "id")[:1])
        largest_by_region: dict[str, object] = {}
        for place in places.order_by("-population", "id")[: AMBIGUOUS_PLACES_SHOWN * 4]:
            largest_by_region.setdefault(place.region, place)
        found = list(largest_by_region.values())[:AMBIGUOUS_PLACES_SHOWN]
        if len(found) > 1 and found[0].population >= DOMINANT_PLACE_RATIO * found[1].population:
            return found[:1]
        return found

    def suggestions(self, text: str, *, limit: int = 8) -> list:
        """Cities whose name starts with what was typed, the largest first (a "near" field's suggestions)."""
        from .geo import normalise

        prefix = normalise(text)
        if len(prefix) < 2:
            return []
        cities = self.filter(kind=self.model.Kind.CITY, key__startswith=prefix)
        return list(cities.order_by("-population", "id")[:limit])


class ReportQuerySet(models.QuerySet):
    def open(self) -> ReportQuerySet:
        return self.filter(status=self.model.Status.OPEN)
