"""Caching where it is honest: anonymous pages are cached briefly (docs/caching.md), a closed or edited
posting is stale for at most ANONYMOUS_CACHE_SECONDS, and signed-in pages are never cached across users."""

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobboard.caching import cache_anonymous
from postings.models import Posting
from postings.services import counters
from postings.services.workflow import posting_close
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    EmployerFactory,
    PublishedPostingFactory,
    SavedJobFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECONDS = 30  # long enough that no copy expires during a test that does not wait for it


@pytest.fixture(autouse=True)
def _cache_time(settings):
    settings.ANONYMOUS_CACHE_SECONDS = SECONDS


@pytest.fixture
def posting():
    return PublishedPostingFactory(title="IV Room Technician", employer=EmployerFactory(name="Riverside Hospital"))


def queries(client, url, **headers) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return len(captured), response


def wait_for_expiry(settings) -> None:
    time.sleep(settings.ANONYMOUS_CACHE_SECONDS + 0.2)


# -- What is cached, for anonymous visitors --------------------------------------------------------------

PAGES = {
    "home": lambda posting: reverse("postings:home"),
    "search": lambda posting: reverse("postings:list") + "?q=iv+room&setting=community-retail",
    "posting": lambda posting: posting.get_absolute_url(),
    "feed": lambda posting: reverse("postings:feed") + "?region=US-TX",
    "employer": lambda posting: posting.employer.get_absolute_url(),
}


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_served_a_copy_without_a_query(client, posting, django_assert_num_queries, page):
    url = PAGES[page](posting)
    first = client.get(url)
    assert first.status_code == 200
    assert "IV Room Technician" in first.content.decode()

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_anonymous_responses_say_how_long_they_may_be_kept(client, posting):
    first = client.get(posting.get_absolute_url())
    second = client.get(posting.get_absolute_url())

    assert first["Cache-Control"] == f"max-age={SECONDS}"
    assert "Age" not in first
    assert second["Cache-Control"] == f"max-age={SECONDS}"
    # Browsers and proxies count the time it spent in our cache, so no copy anywhere outlives SECONDS.
    assert 0 <= int(second["Age"]) <= 1
    # And they keep it apart from what a signed-in visitor, who sends a session cookie, is shown.
    assert "Cookie" in second["Vary"]


def test_the_query_string_is_part_of_the_key(client):
    PublishedPostingFactory(title="Hospital Technician", setting="hospital")
    PublishedPostingFactory(title="Central Fill Technician", setting="mail-order")
    url = reverse("postings:list")

    hospital = client.get(url, {"setting": "hospital"}).content.decode()
    mail_order = client.get(url, {"setting": "mail-order"}).content.decode()

    assert "Hospital Technician" in hospital
    assert "Central Fill Technician" not in hospital
    assert "Central Fill Technician" in mail_order
    assert "Hospital Technician" not in mail_order


def test_visitors_without_a_session_share_one_copy_whatever_other_cookies_they_send(client, posting):
    client.get(posting.get_absolute_url())
    other = Client()
    other.cookies["csrftoken"] = "x" * 32  # left by a sign-in form they did not submit, say

    count, _ = queries(other, posting.get_absolute_url())

    assert count == 0


def test_head_is_answered_from_the_copy_of_get(client, posting, django_assert_num_queries):
    client.get(posting.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.head(posting.get_absolute_url())
    assert response.status_code == 200


def test_no_cache_time_means_no_cache(client, posting, settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0
    client.get(posting.get_absolute_url())

    count, response = queries(client, posting.get_absolute_url())

    assert count > 0
    assert "Cache-Control" not in response


# -- htmx: the partial and the whole page are different pages ------------------------------------------


def test_the_htmx_partial_and_the_full_page_are_never_served_for_each_other(client, posting):
    url = reverse("postings:list") + "?q=iv+room"
    htmx = {"HX-Request": "true"}
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

    # Each one first as a partial, then whole, then as a history restore; and each again from the cache.
    for _ in range(2):
        _, partial = queries(client, url, **htmx)
        _, whole = queries(client, url)
        _, restored = queries(client, url, **restore)
        for response in (partial, whole, restored):
            assert "IV Room Technician" in response.content.decode()
        assert "<html" not in partial.content.decode()
        assert "<html" in whole.content.decode()
        assert "<html" in restored.content.decode()
    count, _ = queries(client, url, **htmx)
    assert count == 0  # they are cached, each under a key of its own

    assert {"HX-Request", "HX-History-Restore-Request", "Cookie"} <= {v.strip() for v in partial["Vary"].split(",")}


# -- A closed or edited posting is stale for at most the cache time ---------------------------------------


def test_an_edited_title_shows_once_the_cache_time_has_passed(client, posting, settings):
    settings.ANONYMOUS_CACHE_SECONDS = 1
    url = posting.get_absolute_url()
    client.get(url)
    Posting.objects.filter(pk=posting.pk).update(title="Sterile Compounding Technician")

    assert "IV Room Technician" in client.get(url).content.decode()  # stale, within the stated time
    wait_for_expiry(settings)

    html = client.get(url).content.decode()
    assert "Sterile Compounding Technician" in html
    assert "IV Room Technician" not in html


def test_a_closed_posting_answers_410_once_the_cache_time_has_passed(client, posting, settings):
    settings.ANONYMOUS_CACHE_SECONDS = 1
    url, search = posting.get_absolute_url(), reverse("postings:list")
    assert client.get(url).status_code == 200
    assert "IV Room Technician" in client.get(search).content.decode()
    posting_close(posting=posting, by=UserFactory())

    assert client.get(url).status_code == 200  # stale, within the stated time
    wait_for_expiry(settings)

    assert client.get(url).status_code == 410
    assert "IV Room Technician" not in client.get(search).content.decode()


def test_the_gone_page_is_cached_too(client, posting, django_assert_num_queries):
    Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.FILLED)
    assert client.get(posting.get_absolute_url()).status_code == 410

    with django_assert_num_queries(0):
        response = client.get(posting.get_absolute_url())

    assert response.status_code == 410
    assert response["Cache-Control"] == f"max-age={SECONDS}"


# -- Signed-in pages are never cached, nor shown to anyone else ------------------------------------------


@pytest.fixture
def applicant_a(posting):
    """A signed-in applicant who saved the posting and applied to it."""
    saved = SavedJobFactory(posting=posting)
    ApplicationFactory(posting=posting, profile=saved.profile)
    return saved.profile.user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shows_as_a(html: str) -> bool:
    return "You applied on" in html or 'Saved<span class="visually-hidden">' in html


@pytest.mark.parametrize("page", ["posting", "search", "home", "employer"])
def test_a_signed_in_page_is_never_stored_nor_shown_to_another_visitor(client, posting, applicant_a, page):
    url = PAGES[page](posting)
    a = signed_in(applicant_a)

    first = a.get(url)
    assert 'Saved<span class="visually-hidden">' in first.content.decode()
    assert "private" in first["Cache-Control"]
    assert "no-store" in first["Cache-Control"]

    # Nothing was stored: the anonymous visitor's page is rendered for them, without A's state.
    count, anonymous = queries(client, url)
    assert count > 0
    assert not shows_as_a(anonymous.content.decode())
    assert "Sign in" in anonymous.content.decode()

    # A copy is now cached for anonymous visitors: neither B nor A is served it.
    b = signed_in(ApplicantProfileFactory().user)
    assert not shows_as_a(b.get(url).content.decode())
    again = a.get(url).content.decode()
    assert 'Saved<span class="visually-hidden">' in again
    assert "Sign out" in again


def test_an_applicant_sees_that_they_applied_after_an_anonymous_visit(client, posting, applicant_a):
    client.get(posting.get_absolute_url())

    html = signed_in(applicant_a).get(posting.get_absolute_url()).content.decode()

    assert "You applied on" in html


def test_a_page_with_a_message_for_the_visitor_is_not_cached(client, posting):
    other = Client()
    other.get(posting.get_absolute_url())  # a copy is cached

    response = client.post(
        reverse("postings:report", args=[posting.pk]), {"reason": "filled", "details": ""}, follow=True
    )

    html = response.content.decode()
    assert "Thank you. A moderator will look at this job." in html  # not the cached copy
    assert "private" in response["Cache-Control"]
    for visitor in (other, client):
        assert "Thank you" not in visitor.get(posting.get_absolute_url()).content.decode()


# -- The rules, on views of their own -------------------------------------------------------------------


def anonymous_get(rf, path="/page/"):
    request = rf.get(path)
    request.user = AnonymousUser()
    return request


def test_a_response_that_sets_a_cookie_is_not_cached(rf):
    calls = []

    @cache_anonymous
    def view(request):
        calls.append(request)
        response = HttpResponse("Hello")
        response.set_cookie("seen", "1")
        return response

    responses = [view(anonymous_get(rf)) for _ in range(2)]

    assert len(calls) == 2
    assert all("private" in response["Cache-Control"] for response in responses)


def test_a_page_with_a_csrf_token_is_not_cached(rf):
    calls = []

    @cache_anonymous
    def view(request):
        calls.append(request)
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    view(anonymous_get(rf))
    view(anonymous_get(rf))

    assert len(calls) == 2


def test_a_plain_page_is_cached_once_per_url(rf):
    calls = []

    @cache_anonymous
    def view(request):
        calls.append(request)
        return HttpResponse("Hello")

    for path in ["/page/", "/page/", "/page/?page=2"]:
        view(anonymous_get(rf, path))

    assert len(calls) == 2


# -- Views are still counted ----------------------------------------------------------------------------


@pytest.fixture
def _no_counted_views():
    counters._redis().delete(counters.VIEWS_KEY, counters.VIEWS_FLUSHING_KEY)
    yield
    counters._redis().delete(counters.VIEWS_KEY, counters.VIEWS_FLUSHING_KEY)


@pytest.mark.usefixtures("_no_counted_views")
def test_views_served_from_the_cache_are_counted(client, posting, applicant_a, django_assert_num_queries):
    client.get(posting.get_absolute_url())
    with django_assert_num_queries(0):
        client.get(posting.get_absolute_url())
        client.get(posting.get_absolute_url())
    signed_in(applicant_a).get(posting.get_absolute_url())

    counters.posting_views_flush()

    posting.refresh_from_db()
    assert posting.view_count == 4
