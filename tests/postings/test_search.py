"""The search behind /jobs/ (and its feed and alerts): each parameter narrows exactly as a seeker expects."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postings.filters import PostingFilter
from postings.models import Posting
from postings.search import RESULT_BOUND, BoundedPaginator, posting_search
from tests.factories import (
    ApplicantProfileFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("postings:list")
AUSTIN = {"city": "Austin", "region": "US-TX", "country": "US", "latitude": 30.2672, "longitude": -97.7431}
ROUND_ROCK = {"city": "Round Rock", "region": "US-TX", "country": "US", "latitude": 30.5083, "longitude": -97.6789}
HOUSTON = {"city": "Houston", "region": "US-TX", "country": "US", "latitude": 29.7604, "longitude": -95.3698}
TEXARKANA_AR = {"city": "Texarkana", "region": "US-AR", "country": "US", "latitude": 33.4418, "longitude": -94.0377}
TEXARKANA_TX = {"city": "Texarkana", "region": "US-TX", "country": "US", "latitude": 33.4251, "longitude": -94.0477}
TORONTO = {"city": "Toronto", "region": "CA-ON", "country": "CA", "latitude": 43.6532, "longitude": -79.3832}


def search(request=None, **params) -> list[Posting]:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [str(value)])
    filterset = PostingFilter(data, request=request)
    result = posting_search(filterset.criteria, order=filterset.order, per_page=RESULT_BOUND)
    return result.postings(Posting.objects.open().for_cards())


def titles(postings) -> list[str]:
    return [posting.title for posting in postings]


# -- Keywords -----------------------------------------------------------------------------------------


def test_keywords_are_stemmed_and_match_title_employer_duties_and_description():
    PublishedPostingFactory(title="Sterile Compounding Technician")
    PublishedPostingFactory(title="Pharmacy Technician", duties=["sterile-compounding"])
    PublishedPostingFactory(title="Retail Technician", description="You will compound sterile products.")
    PublishedPostingFactory(title="Billing Specialist")

    found = titles(search(q="sterile compounding"))

    assert set(found) == {"Sterile Compounding Technician", "Pharmacy Technician", "Retail Technician"}


def test_relevance_puts_title_matches_first():
    PublishedPostingFactory(title="Pharmacy Technician", description="Nights in the IV room. IV room experience.")
    PublishedPostingFactory(title="IV Room Technician", published_at=timezone.now() - timedelta(days=9))

    assert titles(search(q="iv room"))[0] == "IV Room Technician"


def test_quoted_phrases_and_minus_words():
    PublishedPostingFactory(title="Prior Authorization Technician")
    PublishedPostingFactory(title="Technician", description="Authorization of prior orders.")
    PublishedPostingFactory(title="Prior Authorization Technician Remote", arrangement="remote")

    assert set(titles(search(q='"prior authorization"'))) == {
        "Prior Authorization Technician",
        "Prior Authorization Technician Remote",
    }
    assert titles(search(q='"prior authorization" -remote')) == ["Prior Authorization Technician"]


def test_or_finds_either_word():
    PublishedPostingFactory(title="Nuclear Pharmacy Technician")
    PublishedPostingFactory(title="Oncology Technician")
    PublishedPostingFactory(title="Retail Technician")

    assert set(titles(search(q="nuclear or oncology"))) == {"Nuclear Pharmacy Technician", "Oncology Technician"}


def test_keywords_with_another_sort_still_filter():
    PublishedPostingFactory(title="Nuclear Pharmacy Technician", pay_max=Decimal("30"))
    PublishedPostingFactory(title="Retail Technician", pay_max=Decimal("40"))

    assert titles(search(q="nuclear", sort="pay")) == ["Nuclear Pharmacy Technician"]


# -- Place --------------------------------------------------------------------------------------------


def test_region_without_country_and_country_alone():
    PublishedPostingFactory(title="Austin", **AUSTIN)
    PublishedPostingFactory(title="Toronto", **TORONTO)

    assert titles(search(region="US-TX")) == ["Austin"]
    assert titles(search(country="CA")) == ["Toronto"]
    assert titles(search(region="US-TX", country="CA")) == []


def test_city_is_matched_whatever_its_case():
    PublishedPostingFactory(title="Austin", **AUSTIN)
    PublishedPostingFactory(title="Houston", **HOUSTON)

    assert titles(search(city="austin")) == ["Austin"]


def test_a_place_finds_the_roles_worked_there_and_remote_roles_only_when_asked_for():
    PublishedPostingFactory(title="Austin", **AUSTIN)
    PublishedPostingFactory(title="Remote from Texas", arrangement="remote", **{**HOUSTON, "city": ""})
    PublishedPostingFactory(title="Remote from Florida", arrangement="remote", country="US", region="US-FL",
                            city="", latitude=None, longitude=None)  # fmt: skip
    PublishedPostingFactory(title="Remote in Canada", arrangement="remote", **{**TORONTO, "city": ""})

    assert titles(search(region="US-TX")) == ["Austin"]
    assert titles(search(country="US")) == ["Austin"]
    assert titles(search(city="Austin")) == ["Austin"]
    assert titles(search(near="Austin, TX", radius=200)) == ["Austin"]
    # The toggle adds the remote roles hiring in the place's country, wherever their employer sits.
    assert set(titles(search(region="US-TX", remote="1"))) == {"Austin", "Remote from Texas", "Remote from Florida"}
    assert set(titles(search(near="Austin, TX", radius=10, remote="1"))) == {
        "Austin", "Remote from Texas", "Remote from Florida"
    }  # fmt: skip
    assert titles(search(near="Toronto", remote="1")) == ["Remote in Canada"]
    # Asking for remote roles is asking for them in the place's country too.
    assert set(titles(search(region="US-TX", arrangement="remote"))) == {"Remote from Texas", "Remote from Florida"}
    assert titles(search(region="US-TX", arrangement="on-site")) == ["Austin"]
    # Without a place, remote roles are jobs like any other.
    assert len(search()) == 4


def test_remote_roles_have_no_distance_and_come_after_the_radius(client):
    PublishedPostingFactory(title="Round Rock", **ROUND_ROCK)
    PublishedPostingFactory(title="Remote from Texas", arrangement="remote", **{**HOUSTON, "city": ""})
    PublishedPostingFactory(title="Remote at the antipode", arrangement="remote", country="US", region="US-FL",
                            city="", latitude=-30.0, longitude=82.0)  # fmt: skip

    found = search(near="Austin, TX", radius=50, sort="distance", remote="1")

    assert titles(found) == ["Round Rock", "Remote at the antipode", "Remote from Texas"]
    assert [posting.distance_km is None for posting in found] == [False, True, True]
    page = client.get(LIST_URL, {"near": "Austin, TX", "radius": "50", "sort": "distance", "remote": "1"})
    assert page.content.decode().count("mi away") == 1


def test_radius_narrows_by_great_circle_distance_and_sorts_nearest_first():
    PublishedPostingFactory(title="Round Rock", **ROUND_ROCK)  # ~28 km from Austin
    PublishedPostingFactory(title="Austin", **AUSTIN)
    PublishedPostingFactory(title="Houston", **HOUSTON)  # ~235 km

    assert titles(search(near="78701", radius=10, unit="mi")) == ["Austin"]
    assert titles(search(near="78701", radius=25, unit="mi", sort="distance")) == ["Austin", "Round Rock"]
    assert titles(search(near="78701", radius=25, unit="km", sort="distance")) == ["Austin"]
    assert titles(search(near="Austin, TX", radius=200, unit="mi", sort="distance")) == [
        "Austin",
        "Round Rock",
        "Houston",
    ]


def test_radius_crosses_a_state_border():
    PublishedPostingFactory(title="Arkansas side", **TEXARKANA_AR)
    PublishedPostingFactory(title="Texas side", **TEXARKANA_TX)

    assert set(titles(search(near="Texarkana, TX", radius=10))) == {"Arkansas side", "Texas side"}


def test_an_unknown_place_is_a_form_error_and_not_silently_dropped(client):
    PublishedPostingFactory(title="Austin", **AUSTIN)

    response = client.get(LIST_URL, {"near": "Atlantis under the sea", "region": "US-TX"})

    assert response.status_code == 200
    assert "We don&#x27;t know that place" in response.content.decode()
    assert response.context["filter"].form.errors["near"]


def test_the_distance_is_shown_on_cards(client):
    PublishedPostingFactory(title="Round Rock", **ROUND_ROCK)

    response = client.get(LIST_URL, {"near": "Austin, TX", "radius": "50", "sort": "distance"})

    assert "mi away" in response.content.decode()


# -- Facets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "value", "field", "wanted", "other"),
    [
        ("setting", "hospital", "setting", "hospital", "community-retail"),
        ("employment_type", "per-diem", "employment_types", ["per-diem"], ["full-time"]),
        ("shift", "night", "shifts", ["night", "weekend"], ["day"]),
        ("experience", "trainee", "experience", "trainee", "senior"),
        ("arrangement", "hybrid", "arrangement", "hybrid", "on-site"),
    ],
)
def test_each_facet_narrows(param, value, field, wanted, other):
    PublishedPostingFactory(title="wanted", **{field: wanted})
    PublishedPostingFactory(title="other", **{field: other})

    assert titles(search(**{param: value})) == ["wanted"]


def test_repeated_values_of_a_facet_widen_within_it_and_narrow_across_facets():
    PublishedPostingFactory(title="hospital nights", setting="hospital", shifts=["night"])
    PublishedPostingFactory(title="ltc nights", setting="long-term-care", shifts=["night"])
    PublishedPostingFactory(title="hospital days", setting="hospital", shifts=["day"])

    found = titles(search(setting=["hospital", "long-term-care"], shift="night"))

    assert set(found) == {"hospital nights", "ltc nights"}


def test_facet_counts_beside_the_filters_follow_the_search(client):
    PublishedPostingFactory(setting="hospital", employment_types=["full-time"], region="US-TX")
    PublishedPostingFactory(setting="hospital", employment_types=["part-time", "per-diem"], region="US-TX")
    PublishedPostingFactory(setting="community-retail", employment_types=["full-time"], region="US-TX")
    PublishedPostingFactory(setting="hospital", region="US-OH")

    facets = client.get(LIST_URL, {"region": "US-TX"}).context["facets"]

    assert facets["setting"]["hospital"] == 2
    assert facets["setting"]["community-retail"] == 1
    assert facets["employment_type"]["full-time"] == 2
    assert facets["employment_type"]["per-diem"] == 1


def test_every_facet_beside_the_filters_has_its_counts(client):
    PublishedPostingFactory(shifts=["night", "weekend"], experience="entry", arrangement="on-site")
    PublishedPostingFactory(shifts=["night"], experience="senior", arrangement="remote")

    response = client.get(LIST_URL)
    facets = response.context["facets"]

    assert facets["shift"]["night"] == 2
    assert facets["shift"]["weekend"] == 1
    assert facets["experience"]["entry"] == 1
    assert facets["arrangement"]["remote"] == 1
    assert facets["arrangement"]["hybrid"] == 0
    html = response.content.decode()
    assert re.search(r'<span>Night <span class="check__count"[^>]*>\(2\)</span>', html)
    assert re.search(r'<span>Remote <span class="check__count"[^>]*>\(1\)</span>', html)


def test_a_yearly_pay_floor_is_offered_beside_the_hourly_one():
    PublishedPostingFactory(title="hourly 20", pay_period="hour", pay_min=Decimal("18"), pay_max=Decimal("20"))
    PublishedPostingFactory(title="yearly 52k", pay_period="year", pay_min=Decimal("45000"), pay_max=Decimal("52000"))

    # $41,600 a year is $20 an hour over 2,080 hours; "41600 per hour" was a salary all along.
    assert set(titles(search(pay_min="41600", pay_period="year"))) == {"hourly 20", "yearly 52k"}
    assert titles(search(pay_min="45000", pay_period="year")) == ["yearly 52k"]
    assert titles(search(pay_min="21")) == ["yearly 52k"]
    assert titles(search(pay_min="21", pay_period="year")) == titles(search())  # $21 a year: everything
    assert titles(search(pay_period="year")) == titles(search())  # a period alone narrows nothing


# -- Pay, dates, training ----------------------------------------------------------------------------


def test_yearly_pay_is_compared_with_an_hourly_floor_over_2080_hours():
    PublishedPostingFactory(title="hourly 24", pay_min=Decimal("20"), pay_max=Decimal("24"))
    PublishedPostingFactory(title="yearly 52k", pay_min=Decimal("45000"), pay_max=Decimal("52000"), pay_period="year")
    PublishedPostingFactory(title="yearly 41k", pay_min=Decimal("38000"), pay_max=Decimal("41000"), pay_period="year")

    assert set(titles(search(pay_min=22))) == {"hourly 24", "yearly 52k"}  # 52,000 / 2,080 = 25.00
    assert set(titles(search(pay_min=25))) == {"yearly 52k"}
    assert set(titles(search(pay_min=51000))) == {"yearly 52k"}  # a yearly figure is understood as such
    assert titles(search(pay_min=22, sort="pay")) == ["yearly 52k", "hourly 24"]


def test_posted_within_days():
    PublishedPostingFactory(title="today", published_at=timezone.now() - timedelta(hours=3))
    PublishedPostingFactory(title="last week", published_at=timezone.now() - timedelta(days=6))
    PublishedPostingFactory(title="old", published_at=timezone.now() - timedelta(days=20))

    assert titles(search(posted_within=1)) == ["today"]
    assert titles(search(posted_within=7)) == ["today", "last week"]


def test_training_means_training_provided_or_no_credential_required():
    PublishedPostingFactory(title="will train", training_provided=True)
    PublishedPostingFactory(title="no credential needed")
    needs = PublishedPostingFactory(title="certified only")
    CredentialOptionFactory(requirement=CredentialRequirementFactory(posting=needs))
    only_preferred = PublishedPostingFactory(title="certification preferred")
    CredentialOptionFactory(requirement=CredentialRequirementFactory(posting=only_preferred, level="preferred"))

    assert set(titles(search(training=1))) == {"will train", "no credential needed", "certification preferred"}


def test_the_no_credential_flag_follows_every_change_to_the_requirements():
    """Kept by triggers on the requirements (migration 0014): added, made preferred, made required, deleted
    singly and in bulk, and through the posting form's formset (a plain ORM save)."""
    from postings.models import CredentialRequirement, Posting

    posting = PublishedPostingFactory()
    flag = lambda: Posting.objects.values_list("requires_no_credential", flat=True).get(pk=posting.pk)  # noqa: E731
    assert flag() is True

    required = CredentialRequirementFactory(posting=posting)
    preferred = CredentialRequirementFactory(posting=posting, level="preferred")
    assert flag() is False

    CredentialRequirement.objects.filter(pk=required.pk).update(level="preferred")
    assert flag() is True
    preferred.level = "required"
    preferred.save()
    assert flag() is False

    preferred.delete()
    assert flag() is True
    CredentialRequirementFactory.create_batch(2, posting=posting)
    assert flag() is False
    CredentialRequirement.objects.filter(posting=posting).delete()
    assert flag() is True


# -- Qualified ----------------------------------------------------------------------------------------


def test_qualified_needs_a_signed_in_applicant_and_uses_their_credentials(rf):
    texas = PublishedPostingFactory(title="Texas registration required")
    CredentialOptionFactory(
        requirement=CredentialRequirementFactory(posting=texas),
        credential_type=credential_type("state-registration"),
        jurisdiction="US-TX",
    )
    ohio = PublishedPostingFactory(title="Ohio registration required", region="US-OH", city="Columbus")
    CredentialOptionFactory(
        requirement=CredentialRequirementFactory(posting=ohio),
        credential_type=credential_type("state-registration"),
        jurisdiction="US-OH",
    )
    PublishedPostingFactory(title="Nothing required")
    profile = ApplicantProfileFactory()
    HeldCredentialFactory(profile=profile, credential_type=credential_type("state-registration"), jurisdiction="US-TX")
    request = rf.get("/jobs/")
    request.user = profile.user

    assert set(titles(search(request, qualified=1))) == {"Texas registration required", "Nothing required"}
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert search(request, qualified=1) == []


# -- Results page -------------------------------------------------------------------------------------


def test_pagination_keeps_every_filter(client):
    PublishedPostingFactory.create_batch(25, setting="hospital", shifts=["night"], **AUSTIN)

    html = client.get(LIST_URL, {"setting": "hospital", "shift": "night", "near": "Austin, TX", "pay_min": "15"})

    link = html.content.decode().split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    for part in ["setting=hospital", "shift=night", "near=Austin%2C+TX", "pay_min=15", "page=2"]:
        assert part in link.replace("&amp;", "&")


def test_the_total_is_exact_up_to_the_bound_and_then_shown_as_more(client, settings):
    PublishedPostingFactory.create_batch(7)
    BoundedPaginator.bound = 5
    try:
        html = client.get(LIST_URL, {"q": "technician"}).content.decode()
        assert "5+ jobs" in html
        html = client.get(LIST_URL, {"q": "nothing-matches-this"}).content.decode()
        assert "0 jobs" in html
    finally:
        BoundedPaginator.bound = RESULT_BOUND


def test_htmx_requests_get_the_results_and_the_counts_only(client):
    PublishedPostingFactory(title="Austin", setting="hospital", **AUSTIN)

    response = client.get(LIST_URL, {"region": "US-TX", "setting": "hospital"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith("{#") is False
    assert 'id="results"' in html
    assert "<html" not in html
    # The form stays on the page: only each count and "(n selected)" beside it are replaced, out of band.
    assert "<form" not in html
    assert '<span class="check__count" id="id_setting_1_count" data-hx-swap-oob="true">(1)</span>' in html
    assert '<span class="disclosure__count" id="id_setting_chosen" data-hx-swap-oob="true">(1 selected)</span>' in html
    assert "HX-Request" in response["Vary"]
    restore = client.get(LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_htmx_redraws_the_form_to_show_its_errors_and_to_clear_them(client):
    with_errors = client.get(LIST_URL, {"pay_min": "lots"}, headers={"HX-Request": "true"}).content.decode()
    # The form shown with errors says so, and the next response draws it again, without them.
    fixed = client.get(
        LIST_URL, {"pay_min": "20"}, headers={"HX-Request": "true", "X-Search-Form-Errors": "1"}
    ).content.decode()

    assert '<form class="filters" id="filters"' in with_errors
    assert "X-Search-Form-Errors" in with_errors
    assert 'id="id_pay_min_error"' in with_errors
    assert '<form class="filters" id="filters"' in fixed
    assert "id_pay_min_error" not in fixed
    assert "X-Search-Form-Errors" not in fixed


@pytest.mark.parametrize("params", [{}, {"q": "technician"}, {"near": "Austin, TX", "sort": "distance"}])
@pytest.mark.parametrize("count", [3, 25])
def test_results_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, params, count):
    PublishedPostingFactory.create_batch(count, **AUSTIN)
    # the table's size (cached for five minutes: the cache is empty in tests), the planner's estimate of the
    # matches, the candidates (with what the facet counts need), one page of cards (+ the place look-up; + the
    # ranking of the candidates when sorted by relevance, the default with keywords, and the estimate of the
    # keywords alone, which decides how they are gathered). Sorted by distance: the place, the candidates
    # within the radius and, as they are fewer than the bound, every match; one page.
    expected = 4 + (2 if "q" in params else 0)

    with django_assert_num_queries(expected):
        response = client.get(LIST_URL, params)

    assert len(response.context["object_list"]) == min(count, 20)


def test_the_candidate_ids_reach_postgresql_as_one_array_parameter(client):
    PublishedPostingFactory.create_batch(25, title="IV Room Technician", **AUSTIN)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST_URL, {"q": "technician", "sort": "relevance"})

    assert len(response.context["object_list"]) == 20
    by_id = [query["sql"] for query in captured.captured_queries if '"postings_posting"."id" = ANY(' in query["sql"]]
    # The ranking of the 25 candidates and the page of 20 cards: one array each, not a placeholder per id.
    assert len(by_id) == 2
    assert not [query["sql"] for query in captured.captured_queries if '"postings_posting"."id" IN (' in query["sql"]]


# -- Garbage ------------------------------------------------------------------------------------------

PARAMETERS = [
    "q", "country", "region", "city", "near", "radius", "unit", "setting", "employment_type", "shift",
    "experience", "arrangement", "pay_min", "posted_within", "training", "qualified", "sort", "page",
]  # fmt: skip
GARBAGE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=10_000),
    st.sampled_from(
        [
            "\x00",
            "-1",
            "0",
            "1e309",
            "NaN",
            "inf",
            "99999999999999999999999",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "%00",
            "../../etc/passwd",
            "US-XX",
            "hospital\x00",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(PARAMETERS), value=GARBAGE, other=st.sampled_from(PARAMETERS))
def test_garbage_in_any_parameter_never_causes_a_server_error(client, name, value, other):
    response = client.get(LIST_URL, {name: value, other: value})

    # A page past the last answers 404, saying so (test_views.py).
    assert response.status_code in ((200, 400, 404) if "page" in (name, other) else (200, 400))
    if response.status_code == 200 and name not in ("page", "training", "qualified"):
        form = response.context["filter"].form
        # Either the value was understood, or the page says what was wrong with it.
        assert form.is_valid() or form.errors


def test_a_bad_value_is_reported_while_the_other_filters_still_apply(client):
    PublishedPostingFactory(title="Austin hospital", setting="hospital", **AUSTIN)
    PublishedPostingFactory(title="Austin retail", setting="community-retail", **AUSTIN)

    response = client.get(LIST_URL, {"setting": "hospital", "radius": "-5", "near": "Austin, TX"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["radius"]
    assert titles(response.context["object_list"]) == ["Austin hospital"]
