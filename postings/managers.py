from __future__ import annotations

import math
import re
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt, Substr
from django.utils import timezone

from jobboard import fields  # noqa: F401 - registers the `__any` lookup (one array parameter)

from .geo import EARTH_RADIUS_KM, bounding_box

# Relevance: the title weighs most, then the employer, duties and systems, then the description (D, C, B, A).
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
# Columns no list page shows, each kilobytes per row (the search documents are kept by triggers).
LARGE_COLUMNS = ("description", "search_vector", "search_head")
# A negation in websearch syntax: a minus that does not follow a letter or digit ("-remote", not "x-ray").
NEGATION = re.compile(r"(?<!\w)-")
# An alternative ("nights or weekends") and a quoted phrase in websearch syntax.
DISJUNCTION = re.compile(r"(?i)(?<!\w)or(?!\w)")
PHRASE = re.compile(r'"([^"]*)"')
# What websearch turns into phrase operators: a quote, or words joined by punctuation ("x-ray", "i.v.").
PHRASE_SYNTAX = re.compile(r'"|\w[^\w\s]+\w')
PUNCTUATION = re.compile(r"[^\w\s]")


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
        rows = {row.pk: row for row in self.filter(pk__any=ids).order_by()} if ids else {}
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

    def with_distance(self, *, latitude: float, longitude: float) -> PostingQuerySet:
        """Each posting's great-circle distance from the point, as `distance_km` (None for a remote role without
        coordinates), with no filter: for rows already found by `near()`."""
        return self.annotate(distance_km=distance_km_expression(latitude, longitude))

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
