from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from employers.models import Employer
from postings.models import Posting
from postings.sitemaps import SECTION_LIMIT, EmployerSitemap, PostingSitemap
from tests.factories import (
    ClosedPostingFactory,
    DraftPostingFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    PastExpiryPostingFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
)

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """The sitemap views are cached: each test gets an empty cache of its own (never the shared Redis)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"sitemap-test-{request.node.name}",
        }
    }


def xml(response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def entries(response) -> dict[str, str | None]:
    """{location: lastmod} of a sitemap page."""
    root = xml(response)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS) for url in root}


def canonical(path: str) -> str:
    return f"{django_settings.SITE_URL}{path}"


def set_updated_at(obj, when) -> None:
    # auto_now would overwrite a saved value: set it in the database directly.
    type(obj).objects.filter(pk=obj.pk).update(updated_at=when)
    obj.refresh_from_db()


def test_the_index_lists_every_section_and_each_page_of_a_long_one(client, monkeypatch):
    monkeypatch.setattr(PostingSitemap, "limit", 2)
    PublishedPostingFactory.create_batch(5)

    root = xml(client.get("/sitemap.xml"))

    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locations = [sitemap.findtext("sm:loc", namespaces=NS) for sitemap in root]
    assert locations == [
        "http://testserver/sitemap-jobs.xml",
        "http://testserver/sitemap-jobs.xml?p=2",
        "http://testserver/sitemap-jobs.xml?p=3",
        "http://testserver/sitemap-employers.xml",
        "http://testserver/sitemap-pages.xml",
    ]
    assert SECTION_LIMIT == 10_000
    assert EmployerSitemap.limit == 10_000


def test_the_jobs_section_lists_open_postings_only_with_their_lastmod(client):
    posting = PublishedPostingFactory()
    set_updated_at(posting, timezone.now() - timedelta(days=3))
    other = PublishedPostingFactory()
    factories = [DraftPostingFactory, PendingPostingFactory, ExpiredPostingFactory, PastExpiryPostingFactory]
    hidden = [factory() for factory in [*factories, ClosedPostingFactory]]

    listed = entries(client.get("/sitemap-jobs.xml"))

    assert listed == {
        canonical(posting.get_absolute_url()): posting.updated_at.date().isoformat(),
        canonical(other.get_absolute_url()): other.updated_at.date().isoformat(),
    }
    for gone in hidden:
        assert canonical(gone.get_absolute_url()) not in listed


def test_the_jobs_section_is_paginated_in_id_order(client, monkeypatch):
    monkeypatch.setattr(PostingSitemap, "limit", 2)
    postings = sorted(PublishedPostingFactory.create_batch(3), key=lambda posting: posting.pk)

    first = list(entries(client.get("/sitemap-jobs.xml")))
    second = list(entries(client.get("/sitemap-jobs.xml", {"p": 2})))

    assert first == [canonical(p.get_absolute_url()) for p in postings[:2]]
    assert second == [canonical(postings[2].get_absolute_url())]
    assert client.get("/sitemap-jobs.xml", {"p": 3}).status_code == 404
    assert client.get("/sitemap-jobs.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_employers_section_lists_employers_with_open_jobs_and_when_their_page_changed(client):
    now = timezone.now()
    hiring = EmployerFactory(slug="hiring")
    set_updated_at(hiring, now - timedelta(days=10))
    older = PublishedPostingFactory(employer=hiring)
    set_updated_at(older, now - timedelta(days=5))
    newer = PublishedPostingFactory(employer=hiring)
    set_updated_at(newer, now - timedelta(days=2))
    renamed = EmployerFactory(slug="renamed")
    set_updated_at(PublishedPostingFactory(employer=renamed), now - timedelta(days=9))
    set_updated_at(renamed, now - timedelta(days=1))
    ExpiredPostingFactory(employer=EmployerFactory(slug="not-hiring"))
    EmployerFactory(slug="never-posted")

    listed = entries(client.get("/sitemap-employers.xml"))

    assert listed == {
        canonical("/employers/hiring/"): (now - timedelta(days=2)).date().isoformat(),
        canonical("/employers/renamed/"): (now - timedelta(days=1)).date().isoformat(),
    }


def test_the_pages_section_lists_the_home_page_the_search_and_the_boards_pages(client):
    listed = entries(client.get("/sitemap-pages.xml"))

    assert list(listed) == [
        canonical(path) for path in ("/", "/jobs/", "/employers/", "/employer/", "/contact/", "/terms/", "/privacy/")
    ]


def test_entries_use_the_site_url_whatever_host_was_asked(client, settings):
    settings.SITE_URL = "https://jobs.example.org"
    posting = PublishedPostingFactory()

    listed = entries(client.get("/sitemap-jobs.xml"))

    assert list(listed) == [f"https://jobs.example.org{posting.get_absolute_url()}"]


def test_the_index_tells_when_sections_last_changed(client):
    posting = PublishedPostingFactory()
    set_updated_at(posting, timezone.now() - timedelta(days=4))

    root = xml(client.get("/sitemap.xml"))

    lastmods = {
        sitemap.findtext("sm:loc", namespaces=NS): sitemap.findtext("sm:lastmod", namespaces=NS) for sitemap in root
    }
    assert lastmods["http://testserver/sitemap-jobs.xml"] == posting.updated_at.isoformat()
    assert lastmods["http://testserver/sitemap-employers.xml"] is not None
    assert lastmods["http://testserver/sitemap-pages.xml"] is None


@pytest.mark.parametrize("count", [3, 30])
def test_a_sitemap_page_query_count_does_not_grow_with_the_postings(client, django_assert_num_queries, count):
    PublishedPostingFactory.create_batch(count)
    # The paginator's COUNT, then one slice of (id, slug, updated_at).
    with django_assert_num_queries(2):
        response = client.get("/sitemap-jobs.xml")
    assert len(entries(response)) == count
    # The employers section: the same, grouped by employer.
    with django_assert_num_queries(2):
        response = client.get("/sitemap-employers.xml")
    assert len(entries(response)) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_index_query_count_does_not_grow_with_the_postings(client, django_assert_num_queries, count):
    PublishedPostingFactory.create_batch(count)
    # For postings and for employers: the latest change and the number of pages.
    with django_assert_num_queries(4):
        client.get("/sitemap.xml")


def test_sitemaps_are_cached(client, django_assert_num_queries):
    PublishedPostingFactory()
    first = client.get("/sitemap-jobs.xml")
    index = client.get("/sitemap.xml")
    PublishedPostingFactory()

    with django_assert_num_queries(0):
        again = client.get("/sitemap-jobs.xml")
        index_again = client.get("/sitemap.xml")
    assert again.content == first.content
    assert index_again.content == index.content
    assert "max-age=900" in again["Cache-Control"]


def test_the_sitemap_querysets_load_only_what_an_entry_needs():
    PublishedPostingFactory()

    [posting] = PostingSitemap().items()
    assert posting.get_deferred_fields() >= {"title", "description", "search_vector", "employer_id"}
    assert Posting.objects.open().for_sitemap().query.order_by == ("id",)
    assert Employer.objects.count() == 1


# -- robots.txt --------------------------------------------------------------------------------------


def test_robots_txt_allows_the_public_pages_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    for private in ["/admin/", "/accounts/", "/employer/", "/me/", "/alerts/", "/jobs/*/apply/"]:
        assert f"Disallow: {private}" in lines
    # "/employer/" is the dashboard; the public "/employers/<slug>/" pages stay open.
    assert not any(line.startswith("Disallow: /employers") for line in lines)
    assert f"Sitemap: {django_settings.SITE_URL}/sitemap.xml" in lines
