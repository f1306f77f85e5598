# ruff: noqa: RUF001 - pay ranges are written with an en dash, on purpose
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from postings.filters import PostingFilter
from postings.models import CredentialRequirement, Posting
from postings.search import RESULT_BOUND, BoundedPaginator
from tests.factories import (
    ClosedPostingFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    DraftPostingFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    PastExpiryPostingFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    RejectedPostingFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("postings:list")


def titles(response) -> list[str]:
    return [posting.title for posting in response.context["object_list"]]


# -- Home -------------------------------------------------------------------------------------------


def test_home_shows_the_search_box_setting_counts_and_newest_open_jobs(client):
    PublishedPostingFactory.create_batch(2, setting="hospital")
    PublishedPostingFactory(setting="mail-order", title="Central Fill Technician")
    ExpiredPostingFactory(setting="hospital", title="Gone Hospital Job")
    DraftPostingFactory(setting="hospital", title="Unpublished Draft")

    response = client.get(reverse("postings:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/jobs/"' in html
    assert 'name="q"' in html
    assert '<option value="US-TX">Texas</option>' in html
    assert '<option value="CA-ON">Ontario</option>' in html
    counts = {setting["slug"]: setting["count"] for setting in response.context["settings_browse"]}
    assert counts["hospital"] == 2
    assert counts["mail-order"] == 1
    assert counts["nuclear"] == 0
    assert 'href="/jobs/?setting=hospital"' in html
    assert "Central Fill Technician" in html
    assert "Gone Hospital Job" not in html
    assert "Unpublished Draft" not in html


def test_home_lists_at_most_ten_newest_jobs(client):
    now = timezone.now()
    for days in range(12):
        PublishedPostingFactory(title=f"Job {days:02d} days old", published_at=now - timedelta(days=days, hours=1))

    response = client.get(reverse("postings:home"))

    shown = [posting.title for posting in response.context["newest"]]
    assert shown == [f"Job {days:02d} days old" for days in range(10)]


def test_home_page_query_count_is_fixed(client, django_assert_num_queries, settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0  # the page's own cache (tests/postings/test_cache.py) would hide the counts'
    PublishedPostingFactory.create_batch(12)
    # The counts by setting and by region (one GROUP BY each) and the newest cards with their employers.
    with django_assert_num_queries(3):
        response = client.get(reverse("postings:home"))
    assert response.status_code == 200
    # The counts are then cached for a minute: only the newest cards are read again.
    with django_assert_num_queries(1):
        client.get(reverse("postings:home"))


def test_home_page_browses_by_region_with_counts(client):
    PublishedPostingFactory.create_batch(2, region="US-TX")
    PublishedPostingFactory(region="CA-ON", country="CA", city="Toronto", postal_code="M5V 2T6")

    html = client.get(reverse("postings:home")).content.decode()

    assert '?region=US-TX">Texas <span class="region-list__count">2</span>' in html
    assert '?region=CA-ON">Ontario <span class="region-list__count">1</span>' in html


def test_every_count_on_the_home_page_is_what_its_link_shows(client):
    PublishedPostingFactory.create_batch(3, region="US-WY", city="Casper", setting="hospital")
    # A remote role whose employer sits in Wyoming is not a Wyoming job; nor are remote roles elsewhere.
    PublishedPostingFactory(region="US-WY", city="Cheyenne", arrangement="remote", setting="hospital")
    PublishedPostingFactory.create_batch(2, region="US-TX", arrangement="remote", setting="pbm-insurance")

    html = client.get(reverse("postings:home")).content.decode()

    assert '?region=US-WY">Wyoming <span class="region-list__count">3</span>' in html
    assert '?arrangement=remote">Remote roles <span class="region-list__count">3</span>' in html
    assert '?setting=hospital">' in html
    assert "4 jobs" in html
    assert "See all 6 jobs" in html
    for link, count in [("?region=US-WY", 3), ("?arrangement=remote", 3), ("?setting=hospital", 4), ("", 6)]:
        response = client.get(f"{LIST_URL}{link}")
        assert response.context["total"] == count, link
        assert f"{count} jobs</h2>" in response.content.decode(), link


def test_the_list_says_the_home_pages_number_beyond_the_bound_and_that_it_lists_only_the_first(client):
    PublishedPostingFactory.create_batch(7, region="US-TX")
    BoundedPaginator.bound = 5
    try:
        home = client.get(reverse("postings:home")).content.decode()
        assert "See all 7 jobs" in home
        for params in [{}, {"region": "US-TX"}]:
            html = client.get(LIST_URL, params).content.decode()
            assert "7 jobs</h2>" in html
            assert "Only the first 5 of 7 jobs are listed" in html
        # A search the home page does not count is counted as far as the search goes.
        assert "5+ jobs</h2>" in client.get(LIST_URL, {"setting": ["hospital", "community-retail",
                                                                  "ambulatory-clinic"]}).content.decode()  # fmt: skip
    finally:
        BoundedPaginator.bound = RESULT_BOUND


def test_a_page_past_the_last_says_so_and_links_to_the_last_page(client):
    PublishedPostingFactory.create_batch(23, region="US-TX")

    response = client.get(LIST_URL, {"region": "US-TX", "page": "999"})
    html = response.content.decode()

    assert response.status_code == 404
    assert "No more results" in html
    assert "This search has 2 pages of results." in html
    assert 'href="?region=US-TX&amp;page=2">Go to the last page</a>' in html
    assert response.context["object_list"] == []
    assert client.get(LIST_URL, {"region": "US-TX", "page": "2"}).status_code == 200


def test_only_jobs_i_qualify_for_asks_a_visitor_to_sign_in(client):
    PublishedPostingFactory.create_batch(2)

    html = client.get(LIST_URL, {"qualified": "1", "setting": "hospital"}).content.decode()

    assert "0 jobs" not in html
    assert "Sign in to see the jobs you qualify for" in html
    assert f'href="{reverse("account_login")}?next=/jobs/%3Fqualified%3D1%26setting%3Dhospital"' in html
    assert 'href="?setting=hospital">See every job of this search</a>' in html


def test_the_results_page_shows_a_link_to_its_feed(client):
    html = client.get(LIST_URL, {"region": "US-TX", "page": "1"}).content.decode()

    assert f'<a href="{reverse("postings:feed")}?region=US-TX">' in html
    assert "RSS feed of this search</a>" in html


# -- List -------------------------------------------------------------------------------------------


def test_list_shows_open_postings_newest_first_with_a_count(client):
    now = timezone.now()
    PublishedPostingFactory(title="Older", published_at=now - timedelta(days=3))
    PublishedPostingFactory(title="Newer", published_at=now - timedelta(hours=2))
    PendingPostingFactory(title="Pending")
    PastExpiryPostingFactory(title="Past its expiry")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == ["Newer", "Older"]
    html = response.content.decode()
    assert "2 jobs" in html
    assert "Posted 2 hours ago" in html
    assert "Posted 3 days ago" in html


def test_list_pages_twenty_at_a_time(client):
    PublishedPostingFactory.create_batch(21)

    response = client.get(LIST_URL)

    assert "21 jobs" in response.content.decode()
    assert len(response.context["object_list"]) == 20
    second = client.get(LIST_URL, {"page": 2})
    assert titles(second) == ["Pharmacy Technician"]


def test_list_card_shows_what_a_technician_scans_for(client):
    PublishedPostingFactory(
        title="IV Room Technician",
        employer=EmployerFactory(name="St. Luke's Health"),
        city="Houston",
        region="US-TX",
        setting="hospital",
        shifts=["night", "weekend"],
        pay_min=Decimal("18.00"),
        pay_max=Decimal("22.00"),
        training_provided=True,
        exam_fee_paid=True,
        arrangement="remote",
    )

    html = client.get(LIST_URL).content.decode()

    assert "IV Room Technician" in html
    assert "St. Luke&#x27;s Health" in html
    assert "Houston, Texas" in html
    assert "Hospital" in html
    assert "Night, Weekend shifts" in html
    assert "$18.00–$22.00 /hour" in html
    assert "Training provided" in html
    assert "Exam fee paid" in html
    assert "Remote" in html


def test_list_cards_without_benefits_show_no_badges(client):
    PublishedPostingFactory(training_provided=False, exam_fee_paid=False, arrangement="on-site")

    html = client.get(LIST_URL).content.decode()

    assert "Training provided</li>" not in html
    assert "Exam fee paid</li>" not in html
    assert 'class="badges"' not in html


def test_list_filters_by_setting_region_and_country(client):
    PublishedPostingFactory(title="Texas hospital", setting="hospital", region="US-TX")
    PublishedPostingFactory(title="Texas retail", setting="community-retail", region="US-TX")
    PublishedPostingFactory(title="Arizona mail order", setting="mail-order", region="US-AZ")
    PublishedPostingFactory(title="Ontario hospital", setting="hospital", country="CA", region="CA-ON")

    assert set(titles(client.get(LIST_URL, {"setting": "hospital"}))) == {"Texas hospital", "Ontario hospital"}
    assert set(titles(client.get(LIST_URL, {"setting": ["hospital", "mail-order"]}))) == {
        "Texas hospital",
        "Ontario hospital",
        "Arizona mail order",
    }
    assert set(titles(client.get(LIST_URL, {"region": "US-TX"}))) == {"Texas hospital", "Texas retail"}
    assert titles(client.get(LIST_URL, {"region": "US-TX", "setting": "hospital"})) == ["Texas hospital"]
    assert titles(client.get(LIST_URL, {"country": "CA"})) == ["Ontario hospital"]


def test_list_heading_names_the_region(client):
    response = client.get(LIST_URL, {"region": "CA-ON"})

    assert '<h1 class="page-head__title">Pharmacy technician jobs in Ontario</h1>' in response.content.decode()
    response = client.get(LIST_URL, {"country": "US"})

    assert (
        '<h1 class="page-head__title">Pharmacy technician jobs in the United States</h1>' in response.content.decode()
    )


def test_list_keywords_match_title_or_employer(client):
    PublishedPostingFactory(title="IV Room Technician", employer=EmployerFactory(name="Lone Star Drug"))
    PublishedPostingFactory(title="Retail Technician", employer=EmployerFactory(name="Bluebonnet Health"))

    assert titles(client.get(LIST_URL, {"q": "iv room"})) == ["IV Room Technician"]
    assert titles(client.get(LIST_URL, {"q": "bluebonnet"})) == ["Retail Technician"]


def test_empty_results_suggest_widening_the_search(client):
    PublishedPostingFactory(region="US-TX")

    response = client.get(LIST_URL, {"region": "US-AK"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "0 jobs" in html
    assert "No jobs match your search" in html
    assert "widening" in html


def test_an_invalid_filter_is_shown_as_an_error_and_the_valid_ones_still_apply(client):
    PublishedPostingFactory(title="Texas hospital", setting="hospital", region="US-TX")
    PublishedPostingFactory(title="Arizona hospital", setting="hospital", region="US-AZ")
    PublishedPostingFactory(title="Texas retail", setting="community-retail", region="US-TX")

    response = client.get(LIST_URL, {"region": "US-ZZ", "setting": ["hospital", "no-such-setting"]})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "Choose one of the listed options." in html
    assert set(titles(response)) == {"Texas hospital", "Arizona hospital"}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", ""])
def test_a_malformed_or_out_of_range_page_shows_a_page_not_an_error(client, page):
    PublishedPostingFactory.create_batch(3)

    response = client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert len(response.context["object_list"]) == 3


garbage = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\x00\x01%&=?#<>'\"\\ \t\n-_./aZ9é☃"), max_size=20),
    st.just("\x00"),
    st.just("US-TX\x00"),
    st.just("9" * 40),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setting=garbage, region=garbage, page=garbage, country=garbage, q=garbage)
def test_garbage_parameters_never_cause_a_server_error(client, setting, region, page, country, q):
    response = client.get(LIST_URL, {"setting": setting, "region": region, "page": page, "country": country, "q": q})

    # A page past the last answers 404, saying so (test_a_page_past_the_last_says_so_and_links_to_the_last_page).
    assert response.status_code in (200, 404)
    if response.status_code == 404:
        assert "No more results" in response.content.decode()


# Every parameter of the search (the registry's filters, so a new criterion is tried too), repeated or not,
# on the results, their htmx partial and the feed: the page shows the form's errors, never a 500.
SEARCH_PARAMETERS = [*PostingFilter.base_filters, "page", "remote"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(SEARCH_PARAMETERS), st.lists(garbage, min_size=1, max_size=3)))
@example(params={"city": ["\x00"], "near": ["\x00"], "pay_min": ["\x00"]})
@example(params={"pay_min": ["lots"], "radius": ["1e400"], "posted_within": ["-1"], "sort": ["distance"]})
def test_garbage_in_any_search_parameter_never_causes_a_server_error(client, params):
    page = client.get(LIST_URL, params)
    partial = client.get(LIST_URL, params, headers={"HX-Request": "true"})
    feed = client.get("/jobs/feed/", params)

    # A page past the last answers 404, saying so; anything else shows the results or the form's errors.
    assert page.status_code in (200, 404)
    assert partial.status_code == page.status_code
    assert feed.status_code in (200, 400)
    if page.status_code == 404:
        assert "No more results" in page.content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_list_query_count_does_not_grow_with_the_results(client, django_assert_num_queries, count):
    PublishedPostingFactory.create_batch(count)
    # The table's size (cached, but tests start with an empty cache), the planner's estimate of the matches,
    # the candidates (their ids and what the facet counts need), one page of cards with their employers.
    with django_assert_num_queries(4):
        response = client.get(LIST_URL, {"setting": "community-retail", "region": "US-TX"})
    assert len(response.context["object_list"]) == min(count, 20)


def test_pagination_links_keep_the_filters(client):
    PublishedPostingFactory.create_batch(21, setting="hospital")

    html = client.get(LIST_URL, {"setting": "hospital"}).content.decode()

    assert 'href="?setting=hospital&amp;page=2"' in html
    assert 'rel="next"' in html


# -- Posting page -----------------------------------------------------------------------------------


def test_posting_page_shows_everything_a_technician_needs(client):
    posting = PublishedPostingFactory(
        title="Sterile Compounding Technician",
        employer=EmployerFactory(name="Mercy Hospital", slug="mercy"),
        setting="hospital",
        region="US-TX",
        city="Austin",
        pay_min=Decimal("45000"),
        pay_max=Decimal("55000"),
        pay_period="year",
        sign_on_bonus=Decimal("1500.00"),
        shift_differential="+$2.00/h nights",
        employment_types=["full-time", "per-diem"],
        shifts=["night"],
        experience="experienced",
        arrangement="on-site",
        duties=["sterile-compounding", "hazardous-drugs"],
        systems=["Epic Willow", "Pyxis"],
        training_provided=True,
        exam_fee_paid=True,
        tuition_reimbursement=True,
        description="We **value** our techs.\n\n- Day one orientation\n- Mentor",
        reference="REQ-77",
    )
    either = CredentialRequirementFactory(posting=posting, level="required", position=0)
    CredentialOptionFactory(requirement=either, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=either, credential_type=credential_type("nha-excpt"))
    state = CredentialRequirementFactory(posting=posting, level="required", position=1)
    CredentialOptionFactory(
        requirement=state, credential_type=credential_type("state-registration"), jurisdiction="US-TX"
    )
    preferred = CredentialRequirementFactory(posting=posting, level="preferred", position=2)
    CredentialOptionFactory(requirement=preferred, credential_type=credential_type("ptcb-cpht-adv"))
    within = CredentialRequirementFactory(
        posting=posting, level=CredentialRequirement.Level.WITHIN, within_days=180, position=3
    )
    CredentialOptionFactory(requirement=within, credential_type=credential_type("ptcb-cspt"))

    response = client.get(posting.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="posting__title">Sterile Compounding Technician</h1>' in html
    assert 'href="/employers/mercy/"' in html
    assert "Austin, Texas" in html
    assert "$45,000–$55,000 /year" in html
    assert "$1,500" in html
    assert "+$2.00/h nights" in html
    assert "Full-time, Per diem (PRN)" in html
    assert "Experienced (1-3 yrs)" in html
    assert "On-site" in html
    assert "Sterile compounding / IV (USP 797)" in html
    assert "Hazardous drugs (USP 800)" in html
    assert "Epic Willow" in html
    assert "Certification exam fee paid by the employer" in html
    assert "Tuition or continuing-education reimbursement" in html
    assert "PTCB CPhT or NHA ExCPT" in html
    assert "State technician registration (Texas)" in html
    assert "PTCB CPhT-Adv" in html
    assert "PTCB CSPT within 180 days of hire" in html
    assert html.index("Required") < html.index("Preferred") < html.index("Obtain after hire")
    assert "<strong>value</strong>" in html
    assert "<li>Mentor</li>" in html
    assert "REQ-77" in html
    assert f'<link rel="canonical" href="{django_settings.SITE_URL}{posting.get_absolute_url()}">' in html
    assert "<title>Sterile Compounding Technician at Mercy Hospital, Austin, Texas | RxTech Jobs</title>" in html
    assert f'href="/jobs/{posting.pk}/apply/"' in html


def test_posting_page_links_to_an_external_application_with_nofollow(client):
    posting = PublishedPostingFactory(apply_method="url", apply_url="https://careers.example.com/job/1")

    html = client.get(posting.get_absolute_url()).content.decode()

    # Through the board's tracked click-out (counted as an apply click), which redirects to the employer's URL.
    assert f'href="/jobs/{posting.pk}/apply/" rel="nofollow">Apply on employer' in html


def test_posting_page_offers_an_email_application(client):
    posting = PublishedPostingFactory(apply_method="email", apply_email="hr@example.com", title="Tech & Lead")

    html = client.get(posting.get_absolute_url()).content.decode()

    assert 'href="mailto:hr@example.com?subject=Application%3A%20Tech%20%26%20Lead"' in html


def test_short_url_redirects_permanently_to_the_canonical_url(client):
    posting = PublishedPostingFactory(slug="iv-tech")

    response = client.get(reverse("postings:detail-short", kwargs={"pk": posting.pk}))

    assert response.status_code == 301
    assert response["Location"] == f"/jobs/{posting.pk}/iv-tech/"


def test_stale_slug_redirects_permanently_to_the_canonical_url(client):
    posting = PublishedPostingFactory(slug="new-title")

    response = client.get(reverse("postings:detail", kwargs={"pk": posting.pk, "slug": "old-title"}))

    assert response.status_code == 301
    assert response["Location"] == f"/jobs/{posting.pk}/new-title/"


@pytest.mark.parametrize("factory", [DraftPostingFactory, PendingPostingFactory, RejectedPostingFactory])
def test_postings_that_were_never_public_are_not_found(client, factory):
    posting = factory()

    assert client.get(posting.get_absolute_url()).status_code == 404
    assert client.get(reverse("postings:detail-short", kwargs={"pk": posting.pk})).status_code == 404


def test_a_posting_closed_before_it_was_published_is_not_found(client):
    posting = DraftPostingFactory(status=Posting.Status.CLOSED)

    assert client.get(posting.get_absolute_url()).status_code == 404


def test_an_unknown_posting_is_not_found(client):
    assert client.get("/jobs/999999/anything/").status_code == 404


@pytest.mark.parametrize(
    ("factory", "reason"),
    [
        (ExpiredPostingFactory, "The posting closed on"),
        (PastExpiryPostingFactory, "The posting closed on"),
        (FilledPostingFactory, "The position has been filled."),
        (ClosedPostingFactory, "The employer has closed this posting."),
    ],
)
def test_a_posting_no_longer_open_is_gone_with_similar_open_jobs(client, factory, reason):
    gone = factory(title="Night IV Technician", setting="hospital", region="US-TX")
    PublishedPostingFactory(title="Another Texas Hospital Job", setting="hospital", region="US-TX")
    PublishedPostingFactory(title="Texas Retail Job", setting="community-retail", region="US-TX")
    PublishedPostingFactory(title="Unrelated Job", setting="nuclear", region="US-AZ")

    response = client.get(gone.get_absolute_url())

    assert response.status_code == 410
    html = response.content.decode()
    assert '<h1 class="posting__title">Night IV Technician</h1>' in html
    assert "This job is no longer accepting applications" in html
    assert reason in html
    assert [p.title for p in response.context["similar"]] == ["Another Texas Hospital Job", "Texas Retail Job"]
    assert "Unrelated Job" not in html
    assert "/apply/" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_gone_posting_short_url_still_redirects_first(client):
    gone = FilledPostingFactory(slug="filled-job")

    response = client.get(f"/jobs/{gone.pk}/", follow=True)

    assert response.redirect_chain == [(f"/jobs/{gone.pk}/filled-job/", 301)]
    assert response.status_code == 410


def test_similar_jobs_prefer_same_setting_and_region_and_stop_at_five(client):
    posting = PublishedPostingFactory(setting="hospital", region="US-TX")
    now = timezone.now()
    PublishedPostingFactory(title="Same region only", setting="mail-order", region="US-TX", published_at=now)
    PublishedPostingFactory(title="Same setting only", setting="hospital", region="US-CA", published_at=now)
    for n in range(5):
        PublishedPostingFactory(
            title=f"Both {n}", setting="hospital", region="US-TX", published_at=now - timedelta(hours=n + 2)
        )
    ExpiredPostingFactory(title="Expired twin", setting="hospital", region="US-TX")

    response = client.get(posting.get_absolute_url())

    assert [p.title for p in response.context["similar"]] == [f"Both {n}" for n in range(5)]


def test_posting_page_query_count_is_fixed(client, django_assert_num_queries):
    posting = PublishedPostingFactory()
    requirement = CredentialRequirementFactory(posting=posting)
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("nha-excpt"))
    PublishedPostingFactory.create_batch(6)
    # The posting with its employer; requirements, options and credential types (prefetched); similar jobs (ids, then
    # their cards).
    with django_assert_num_queries(6):
        response = client.get(posting.get_absolute_url())
    assert response.status_code == 200


# -- Escaping ---------------------------------------------------------------------------------------


def test_html_in_a_posting_is_escaped_or_sanitised_everywhere(client):
    employer = EmployerFactory(name="<b>Evil</b> Corp")
    posting = PublishedPostingFactory(
        employer=employer,
        title="<script>alert('title')</script> Tech",
        description="Hi <script>alert('description')</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))",
        shift_differential="<script>alert('diff')</script>",
        systems=["<script>alert('system')</script>"],
    )
    PublishedPostingFactory(employer=employer, title="Sibling", setting=posting.setting)

    for url in [reverse("postings:home"), LIST_URL, posting.get_absolute_url(), employer.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url  # the page's own scripts are fine; the employer's never run
        assert "onerror" not in html, url
        assert "javascript:" not in html, url
        assert "<b>Evil</b>" not in html, url
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Tech" in client.get(LIST_URL).content.decode()


# -- Error pages ------------------------------------------------------------------------------------


def test_not_found_page_offers_a_way_back(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We can&rsquo;t find that page" in html
    assert 'href="/jobs/"' in html


def test_server_error_page_renders_without_a_request_context(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_page_reads_its_rows_by_id_in_the_order_of_the_ids(django_assert_num_queries):
    first, second, third = PublishedPostingFactory.create_batch(3)

    with django_assert_num_queries(1):
        assert Posting.objects.in_order([third.pk, first.pk]) == [third, first]
    second.delete()  # gone since its id was read: left out, never an error
    assert Posting.objects.in_order([second.pk, first.pk]) == [first]
