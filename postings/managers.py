from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


def open_q(prefix: str = "") -> Q:
    """The condition for a posting anyone can see and apply to, usable across relations."""
    return Q(**{f"{prefix}status": "published", f"{prefix}expires_at__gt": timezone.now()})


class PostingQuerySet(models.QuerySet):
    def published(self) -> PostingQuerySet:
        """Postings in the published status and not past their expiry, whether or not expiry has run yet."""
        return self.filter(open_q())

    def open(self) -> PostingQuerySet:
        """What job seekers see: published and not past expiry. An alias kept for readability at call sites."""
        return self.published()

    def closed(self) -> PostingQuerySet:
        """Postings a seeker may still land on that can no longer be applied to (answer 410)."""
        return self.filter(
            Q(status__in=["expired", "filled", "closed"]) | Q(status="published", expires_at__lte=timezone.now())
        )

    def pending_review(self) -> PostingQuerySet:
        return self.filter(status="pending").order_by("updated_at", "id")

    def past_expiry(self) -> PostingQuerySet:
        return self.filter(status="published", expires_at__lte=timezone.now())

    def in_country(self, country: str) -> PostingQuerySet:
        return self.filter(country=country)

    def in_region(self, region: str) -> PostingQuerySet:
        return self.filter(region=region)

    def in_city(self, city: str) -> PostingQuerySet:
        return self.filter(city__iexact=city)

    def with_setting(self, *settings: str) -> PostingQuerySet:
        return self.filter(setting__in=settings)

    def with_employment_type(self, *types: str) -> PostingQuerySet:
        return self.filter(employment_types__overlap=list(types))

    def with_shift(self, *shifts: str) -> PostingQuerySet:
        return self.filter(shifts__overlap=list(shifts))

    def for_employer(self, employer) -> PostingQuerySet:
        return self.filter(employer=employer)

    def newest(self) -> PostingQuerySet:
        return self.order_by("-published_at", "-id")

    def for_cards(self) -> PostingQuerySet:
        """What a result card needs, in one query: the employer, and no large text columns."""
        return self.select_related("employer").defer("description")

    def for_detail(self) -> PostingQuerySet:
        return self.select_related("employer").prefetch_related("requirements__options__credential_type")

    # -- Added for the public pages ------------------------------------------------------------

    def public(self) -> PostingQuerySet:
        """Postings with a public page: open ones (200) and closed ones once published (410).

        Drafts, pending and rejected postings, and a posting closed before it ever went live, have none (404).
        """
        return self.filter(status__in=["published", "expired", "filled", "closed"], published_at__isnull=False)

    def counts_by_setting(self) -> dict[str, int]:
        """{setting slug: number of postings}, in one GROUP BY query; settings with none are absent."""
        return dict(self.order_by().values_list("setting").annotate(count=models.Count("id")))

    def similar_to(self, posting) -> PostingQuerySet:
        """Others sharing the posting's setting or region: both first, then same setting, then same region."""
        return (
            self.exclude(pk=posting.pk)
            .filter(Q(setting=posting.setting) | Q(region=posting.region))
            .annotate(
                same_setting=models.Case(models.When(setting=posting.setting, then=1), default=0),
                same_region=models.Case(models.When(region=posting.region, then=1), default=0),
            )
            .order_by("-same_setting", "-same_region", "-published_at", "-id")
        )

    def with_keywords(self, q: str) -> PostingQuerySet:
        """A stand-in until full-text search: every word appears in the title, the employer's name or the city."""
        qs = self
        for word in q.split()[:10]:
            qs = qs.filter(Q(title__icontains=word) | Q(employer__name__icontains=word) | Q(city__icontains=word))
        return qs


class PlaceQuerySet(models.QuerySet):
    def resolve(self, text: str):
        """The place a seeker means by "78701", "Austin, TX" or "Toronto": the most populous match, or None."""
        from .geo import parse_place

        query = parse_place(text)
        if query is None:
            return None
        if query.postal_code:
            return self.filter(kind="postal", key=query.postal_code).first()
        places = self.filter(kind="city", key=query.city)
        if query.region:
            places = places.filter(region=query.region)
        return places.order_by("-population", "id").first()
