"""A posting's facets (Posting.facets): tokens the database keeps, which the search index intersects with the
keywords. Every filter and window that reads them must select exactly what the columns say."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from postings.filters import PostingFilter
from postings.models import Posting
from postings.search import posting_search
from postings.search._planner import SearchPlan
from postings.search.facets import PAY_BUCKET_TOP, bucket, in_buckets, nearby_facets, paying_at_least
from tests.factories import PublishedPostingFactory

pytestmark = pytest.mark.django_db


def search_plan(params: QueryDict, queryset) -> SearchPlan:
    """The plan of the search /jobs/ makes of these parameters."""
    filterset = PostingFilter(params)
    return SearchPlan(filterset.criteria, queryset, order=filterset.order)


def test_the_database_keeps_the_facets_of_a_posting_current():
    published = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    posting = PublishedPostingFactory(
        setting="hospital", region="US-TX", arrangement="remote", experience="experienced",
        employment_types=["full-time", "per-diem"], shifts=["night"], pay_max=Decimal("56160"), pay_period="year",
        published_at=published, expires_at=published + timedelta(days=30), latitude=30.27, longitude=-97.74,
    )  # fmt: skip
    posting.refresh_from_db()
    day = (published - datetime(1970, 1, 1, tzinfo=UTC)).days
    assert sorted(posting.facets) == sorted([
        "s:hospital", "c:US", "r:US-TX", "a:remote", "x:experienced", "remote:US", f"d:{day}",
        "g:30:-98", "e:full-time", "e:per-diem", "sh:night", *(f"pge:{dollars}" for dollars in range(28)),
        f"q:{day * 4 + 3}",
    ])  # fmt: skip

    Posting.objects.filter(pk=posting.pk).update(
        setting="long-term-care", shifts=["day", "evening"], latitude=None, longitude=None
    )
    posting.refresh_from_db()
    assert "s:long-term-care" in posting.facets
    assert "s:hospital" not in posting.facets
    assert {"sh:day", "sh:evening"} <= set(posting.facets)
    assert "sh:night" not in posting.facets
    assert not [token for token in posting.facets if token.startswith("g:")]


@pytest.mark.parametrize(
    ("pay_max", "period"),
    [
        ("26.99", "hour"), ("27.00", "hour"), ("27.01", "hour"), ("149.99", "hour"), ("150.00", "hour"),
        ("900.00", "hour"), ("56139.00", "year"), ("56150.00", "year"), ("56160.00", "year"), ("56170.00", "year"),
    ],
)  # fmt: skip
def test_pay_buckets_select_exactly_the_hourly_pay_they_stand_for(pay_max, period):
    """Yearly pay is rounded to the cent as hourly pay_max_hourly is ($56,150 a year is $26.995 -> $27.00 an hour):
    the bucket of a posting is that figure's whole dollars, so a window or floor of whole dollars is exact."""
    PublishedPostingFactory(pay_min=Decimal("1"), pay_max=Decimal(pay_max), pay_period=period)
    for floor in ("26", "26.99", "27", "27.005", "27.01", "149.99", "150", "151", "1000"):
        by_column = set(Posting.objects.filter(pay_max_hourly__gte=Decimal(floor)).values_list("pk", flat=True))
        assert set(Posting.objects.filter(paying_at_least(Decimal(floor))).values_list("pk", flat=True)) == by_column
        whole = Decimal(floor).to_integral_value(rounding="ROUND_FLOOR")
        in_window = Posting.objects.filter(in_buckets("pay_max_hourly", bucket("pay_max_hourly", Decimal(floor))))
        if whole <= PAY_BUCKET_TOP:
            assert set(in_window.values_list("pk", flat=True)) == set(
                Posting.objects.filter(pay_max_hourly__gte=whole).values_list("pk", flat=True)
            )
        else:  # the top bucket holds every pay from $150/h on: a window that large still holds all above
            assert by_column <= set(in_window.values_list("pk", flat=True))


def test_a_window_of_the_newest_holds_every_posting_published_from_its_quarter_day_on():
    now = timezone.now()
    for hours in (0.5, 3, 5, 7, 11, 13, 17, 19, 23, 24.5, 25, 31, 47, 48.5, 49, 24 * 9):
        PublishedPostingFactory(published_at=now - timedelta(hours=hours), expires_at=now + timedelta(days=9))
    for days in (0, 1, 2, 3, 10):
        since = now - timedelta(days=days)
        start_of_quarter = datetime.fromtimestamp(since.timestamp() // 21_600 * 21_600, tz=UTC)  # as the facets
        in_window = Posting.objects.filter(in_buckets("published_at", bucket("published_at", since)))
        expected = Posting.objects.filter(published_at__gte=start_of_quarter)
        assert set(in_window.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))
    for days in (1, 2, 3, 10):
        within = set(Posting.objects.posted_within(days).values_list("pk", flat=True))
        since = now - timedelta(days=days)
        assert within == set(Posting.objects.filter(published_at__gte=since).values_list("pk", flat=True))


def test_a_radius_across_a_degree_line_finds_both_sides():
    """A distance search's gatherings are narrowed to the one-degree cells of its box (and remote roles in the
    country, when included) in the search index: a posting just across a cell's edge from the centre is still
    found; a 500-mile radius has too many cells to list and is not narrowed."""
    south = PublishedPostingFactory(latitude=29.98, longitude=-97.74, city="Kyle")  # cell 29, Austin is in 30
    west = PublishedPostingFactory(latitude=30.27, longitude=-98.02, city="Dripping Springs")  # cell -99
    remote = PublishedPostingFactory(latitude=40.71, longitude=-74.01, city="New York", arrangement="remote")
    PublishedPostingFactory(latitude=32.78, longitude=-96.80, city="Dallas")
    circle = {"latitude": 30.27, "longitude": -97.74, "radius_km": 50}
    near_austin = Posting.objects.open().near(**circle)
    assert set(near_austin) == set(near_austin.filter(nearby_facets(**circle))) == {south, west}
    with_remote = Posting.objects.open().near(**circle, remote_in="US")
    assert set(with_remote) == set(with_remote.filter(nearby_facets(**circle, remote_in="US"))) == {south, west, remote}
    assert nearby_facets(latitude=30.27, longitude=-97.74, radius_km=800) is None

    found = search_plan(QueryDict("near=Austin%2C+TX&radius=30&sort=distance&remote=1"), Posting.objects.open())
    assert found.narrowing is not None
    result = posting_search(found.criteria, order=found.order)
    assert result.postings() == [west, south, remote]
