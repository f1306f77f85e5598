"""What search speed depends on: the indexes exist and the search plans use them.

On a small table PostgreSQL rightly prefers sequential scans, so each plan is taken with enable_seqscan off:
if a search could not use an index at all, the plan would still show a sequential scan over postings.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from postings.filters import PostingFilter
from postings.models import Posting
from postings.search._planner import SearchPlan, top_candidates_sql
from tests.factories import PublishedPostingFactory

pytestmark = pytest.mark.django_db


def search_plan(params: QueryDict, queryset) -> SearchPlan:
    """The plan of the search /jobs/ makes of these parameters."""
    plan = PostingFilter(params)
    return SearchPlan(plan.criteria, queryset, order=plan.order)


INDEXES = [
    "posting_search",
    "posting_search_head",
    "posting_status_published",
    "posting_region_status",
    "posting_coordinates",
    "posting_remote_newest",
    "posting_city_upper",
    "posting_pay_sort",
    "posting_point",
    "posting_sitemap",
]


def test_the_search_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'postings_posting'")
        existing = {row[0] for row in cursor.fetchall()}

    assert set(INDEXES) <= existing


def _explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "params",
    [
        "",
        "q=sterile+compounding",
        "q=%22prior+authorization%22+-remote&sort=newest",
        "q=technician&sort=pay",
        "region=US-TX",
        "country=CA",
        "city=Austin",
        "near=78701&radius=25&sort=distance",
        "setting=hospital&shift=night",
        "employment_type=per-diem",
        "pay_min=22&sort=pay",
        "q=pharmacy&region=US-TX&setting=hospital&pay_min=20",
    ],
)
def test_search_plans_never_scan_the_postings_table(params):
    PublishedPostingFactory.create_batch(3)
    plan = search_plan(QueryDict(params), Posting.objects.open().for_cards())

    # The candidate ids, gathered every way (index walk, fenced bitmap, and that within a window at the front
    # of the order): the one query that reads many rows.
    window = Q(published_at__gte=timezone.now() - timedelta(days=2)) | Q(pay_max_hourly__gte=30)
    gatherings = [(plan.matches, True), (plan.matches, False), (plan.matches.filter(window), False)]
    if "near" in params:  # sorted by distance, the radius is gathered first
        gatherings.append((plan.matches.filter(within_radius=True), False))
    for matches, dense in gatherings:
        sql, sql_params = top_candidates_sql(matches, plan.ordering, limit=1001, dense=dense)
        explained = _explain(sql, sql_params)
        assert "Seq Scan on postings_posting" not in explained, explained
