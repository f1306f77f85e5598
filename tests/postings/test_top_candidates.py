"""The candidates of a search (the planner's top_candidates) are the same whichever way they are gathered:
walking an index, gathering every match, or gathering first among the front rows of the order (a window
taken from PostgreSQL's statistics)."""

import gc
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postings.filters import PostingFilter
from postings.models import Posting
from postings.search._planner import (
    BY_PAY,
    NEWEST,
    SearchPlan,
    candidates,
    column_front_shares,
    estimated_count,
    search_estimates,
    top_candidates,
    window_front,
)
from postings.search.facets import in_buckets
from tests.factories import PublishedPostingFactory

pytestmark = pytest.mark.django_db


def search_plan(params: QueryDict, queryset) -> SearchPlan:
    """The plan of the search /jobs/ makes of these parameters."""
    plan = PostingFilter(params)
    return SearchPlan(plan.criteria, queryset, order=plan.order)


@pytest.fixture
def postings():
    now = timezone.now()
    for i in range(120):
        PublishedPostingFactory(
            title="IV Room Technician" if i % 3 else "Pharmacy Clerk",
            description="Prior authorization calls." if i % 4 == 0 else "Counting and filling.",
            published_at=now - timedelta(hours=i * 5),
            expires_at=now + timedelta(days=20),
            pay_min=Decimal(15 + i % 7),
            pay_max=Decimal(22 + i % 11),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE postings_posting")


def test_statistics_give_the_share_of_postings_in_front_of_a_value(postings):
    shares = column_front_shares("published_at")
    assert shares[0][0] >= shares[-1][0]  # highest first
    newest_tenth = window_front(NEWEST, share=0.1)
    assert newest_tenth.share >= 0.1
    in_window = Posting.objects.filter(in_buckets("published_at", newest_tenth.first)).count()
    assert 6 <= in_window <= 30  # about 12 of 120, by a histogram of so few rows

    assert window_front(NEWEST, share=0.6) is None  # most of the table: no window
    pay_window = window_front(BY_PAY, share=0.2)
    assert Posting.objects.filter(in_buckets("pay_max_hourly", pay_window.first)).count() >= 0.2 * 120 * 0.5


@pytest.mark.parametrize(
    "params",
    ["q=technician", "q=%22prior+authorization%22", "q=technician&sort=pay", "q=clerk&sort=newest", "sort=pay", ""],
)
@pytest.mark.parametrize("limit", [3, 10, 40, 200])
def test_every_way_of_gathering_gives_the_same_ids_in_the_same_order(postings, params, limit):
    plan = search_plan(QueryDict(params), Posting.objects.open())
    matches, ordering = plan.matches, plan.ordering
    walked = candidates(matches, ordering, limit=limit, dense=True)
    gathered = candidates(matches, ordering, limit=limit, dense=False)
    if plan.criteria.keywords:  # gathered by the whole document's index alone, as top_candidates does
        by_document = plan.filtered.search(plan.criteria.keywords, gathering=True)
        assert candidates(by_document, ordering, limit=limit, dense=False) == gathered

    assert top_candidates(plan.filtered, ordering, limit=limit, text=plan.criteria.keywords) == walked == gathered
    assert len(walked) == min(limit, matches.count())


def test_a_window_too_small_falls_back_to_every_match(postings):
    """Statistics older than the rows: the window finds fewer than asked, so all matches are gathered."""
    plan = search_plan(QueryDict("q=technician"), Posting.objects.open())
    matches = plan.matches
    front = window_front(NEWEST, share=0.05)
    assert matches.filter(in_buckets("published_at", front.first)).count() < 40

    first = top_candidates(plan.filtered, NEWEST, limit=40, text=plan.criteria.keywords)
    assert first == candidates(matches, NEWEST, limit=40, dense=False)
    assert len(first) == 40


def test_sorted_by_distance_the_radius_comes_first_and_remote_roles_after():
    """The radius is the first window of a distance sort: enough postings within it, and the remote roles
    (no distance, so last) are not read; too few, and the newest remote roles follow the nearest postings."""
    now = timezone.now()
    austin = {"city": "Austin", "region": "US-TX", "country": "US"}
    near = PublishedPostingFactory(**austin, latitude=30.2672, longitude=-97.7431, published_at=now - timedelta(days=3))
    nearer = PublishedPostingFactory(
        **austin, latitude=30.2700, longitude=-97.7400, published_at=now - timedelta(days=2)
    )
    no_place = {"arrangement": "remote", "city": "", "latitude": None, "longitude": None}
    remote = [PublishedPostingFactory(**no_place, published_at=now - timedelta(hours=hours)) for hours in (5, 1)]
    plan = search_plan(QueryDict("near=78701&radius=25&sort=distance&remote=1"), Posting.objects.open())
    matches, ordering = plan.matches, plan.ordering

    ids = [pk for pk, *_ in top_candidates(matches, ordering, limit=2)]
    assert ids == [nearer.pk, near.pk]
    ids = [pk for pk, *_ in top_candidates(matches, ordering, limit=10)]
    assert ids == [nearer.pk, near.pk, remote[1].pk, remote[0].pk]
    assert ids == [pk for pk, *_ in candidates(matches, ordering, limit=10, dense=False)]


def test_a_phrase_is_estimated_between_the_planners_guess_and_its_rarest_word(postings):
    """The planner takes a phrase's words to be independent; they are not ("prior authorization" is in every
    fourth posting here, and so are both its words), and no more postings match it than its rarest word."""
    base = Posting.objects.open()
    planner = estimated_count(base.search('"prior authorization"'))
    rarest = min(estimated_count(base.search("prior")), estimated_count(base.search("authorization")))

    likely, most = search_estimates(base, '"prior authorization"')
    assert planner < likely < most == rarest
    # An alternative or a negation is not bounded by a word of the phrase: the planner's estimate stands.
    for text in ['"prior authorization" or clerk', '"prior authorization" -clerk', "prior authorization"]:
        assert search_estimates(base, text) == (estimated_count(base.search(text)),) * 2


@pytest.mark.parametrize("margin", [0.02, 0.3, 2.0])
@pytest.mark.parametrize("params", ["q=technician", "q=technician&sort=pay", "sort=pay", "q=%22iv+room%22"])
def test_windows_read_one_behind_another_give_the_walks_ids(postings, monkeypatch, params, margin):
    """Windows far too small for the matches: each next one reads only the rows behind those read, up to
    WINDOW_ATTEMPTS, then every match behind them; together, exactly the first matches in order."""
    monkeypatch.setattr("postings.search._planner.WINDOW_MARGIN", margin)
    monkeypatch.setattr("postings.search._planner.GATHER_ALL_BELOW", 0)
    plan = search_plan(QueryDict(params), Posting.objects.open())
    walked = candidates(plan.matches, plan.ordering, limit=60, dense=True)
    with CaptureQueriesContext(connection) as captured:
        found = top_candidates(plan.filtered, plan.ordering, limit=60, text=plan.criteria.keywords)

    assert found == walked
    statements = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT m.id")]
    assert len(statements) >= (2 if margin < 0.1 else 1)  # a window too small, then more behind it


def test_the_garbage_collector_stops_watching_candidates(postings):
    """A search's thousand candidates outlive it in reference cycles (the template context, the FilterSet) that
    only a full collection frees; as plain tuples of atoms, the collector stops walking them at its first look."""
    found = candidates(Posting.objects.open(), NEWEST, limit=50, dense=False)
    gc.collect()  # untracks the inner tuples of employment types,
    gc.collect()  # then the candidates holding them

    assert len(found) == 50
    assert not any(gc.is_tracked(candidate) for candidate in found)
