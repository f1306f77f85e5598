"""Employers see how often each posting was viewed: counted in Redis per view, added to the database in batches."""

import pytest
from django.urls import reverse

from postings.models import Posting
from postings.services import counters
from tests.factories import EmployerMemberFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counted_views():
    keys = (counters.VIEWS_KEY, counters.VIEWS_FLUSHING_KEY, counters.VIEWS_LEASE_KEY)
    counters._redis().delete(*keys)
    yield
    counters._redis().delete(*keys)


def test_views_of_the_page_are_counted_and_flushed_in_one_update(client, django_assert_num_queries):
    posting, other = PublishedPostingFactory.create_batch(2)
    for _ in range(3):
        client.get(posting.get_absolute_url())
    client.get(other.get_absolute_url())

    with django_assert_num_queries(3):  # savepoint, the UPDATE, release: one statement for every posting
        assert counters.posting_views_flush() == 2

    assert dict(Posting.objects.values_list("pk", "view_count")) == {posting.pk: 3, other.pk: 1}
    assert counters.posting_views_flush() == 0  # nothing counted since: nothing to do


def test_views_counted_during_a_flush_are_kept_for_the_next_one(client):
    posting = PublishedPostingFactory()
    client.get(posting.get_absolute_url())
    counters._redis().rename(counters.VIEWS_KEY, counters.VIEWS_FLUSHING_KEY)  # a flush that stopped midway
    client.get(posting.get_absolute_url())

    counters.posting_views_flush()  # finishes the interrupted batch
    counters.posting_views_flush()  # then the view counted meanwhile

    posting.refresh_from_db()
    assert posting.view_count == 2


def test_closed_postings_and_redirects_are_not_counted(client):
    posting = PublishedPostingFactory(status=Posting.Status.FILLED)
    client.get(posting.get_absolute_url())
    client.get(reverse("postings:detail-short", args=[posting.pk]))

    assert counters.posting_views_flush() == 0


def test_the_dashboard_shows_each_postings_views(client):
    member = EmployerMemberFactory()
    posting = PublishedPostingFactory(employer=member.employer, title="IV Room Technician")
    Posting.objects.filter(pk=posting.pk).update(view_count=1234)
    client.force_login(member.user)

    html = client.get(reverse("dashboard:postings", args=[member.employer.slug])).content.decode()

    assert '<td class="table__num" data-label="Views">1,234</td>' in html


@pytest.mark.django_db(transaction=True)
def test_two_flushes_racing_count_each_view_once():
    """Beat runs on every worker host, so two flushes may start at the same moment."""
    import threading

    from django.db import connection

    posting = PublishedPostingFactory()
    rounds = 20
    barrier = threading.Barrier(2)

    def flush():
        try:
            for _ in range(rounds):
                counters.posting_record_view(posting_id=posting.pk)
                barrier.wait()
                counters.posting_views_flush()
        finally:
            connection.close()

    flushers = [threading.Thread(target=flush) for _ in range(2)]
    for thread in flushers:
        thread.start()
    for thread in flushers:
        thread.join()
    counters.posting_views_flush()  # whatever the last round left

    posting.refresh_from_db()
    assert posting.view_count == 2 * rounds
