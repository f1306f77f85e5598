"""An alert can never disagree with its search page.

The set-based matching SQL (alerts/matching.py) is checked against `matching_postings(criteria)`, the
postings /jobs/ shows, for parameters of every criterion of the search registry (a criterion added there is
drawn here without anyone listing it), for alerts and postings drawn from a space built to hit the edges: remote roles
in and out of the country, cities in other cases and with accents, places across a border, radii around
the distances, pay right at a floor (hourly and yearly), required, preferred and jurisdictional
credentials, keywords with phrases, negation, "or" and stop words, hyphenated words, short forms of the pharmacy
vocabulary, references and keywords that browse.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.matching import INDEX_STRATEGY_MAX_POSTINGS, alert_name, matching_pairs
from alerts.models import Alert
from postings.models import Arrangement, EmploymentType, Experience, Posting, Setting, Shift
from postings.search.criteria import CHOICE_CRITERIA, CRITERIA
from tests.factories import (
    ApplicantProfileFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    EmployerFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    UserFactory,
    credential_type,
)

from .alerts_support import criteria_for, make_alert, matches, search

pytestmark = pytest.mark.django_db

# (city, region, country, latitude, longitude); None coordinates: a posting nobody geocoded.
PLACES = [
    ("Austin", "US-TX", "US", 30.2672, -97.7431),
    ("austin", "US-TX", "US", 30.3, -97.7),
    ("Round Rock", "US-TX", "US", 30.5083, -97.6789),  # ~30 km from Austin
    ("San Antonio", "US-TX", "US", 29.4241, -98.4936),  # ~120 km
    ("Houston", "US-TX", "US", 29.7604, -95.3698),
    ("Detroit", "US-MI", "US", 42.3314, -83.0458),
    ("Windsor", "CA-ON", "CA", 42.3149, -83.0364),  # across the river from Detroit
    ("Toronto", "CA-ON", "CA", 43.6532, -79.3832),
    ("Montréal", "CA-QC", "CA", 45.5017, -73.5673),
    ("Seattle", "US-WA", "US", 47.6062, -122.3321),
    ("Springfield", "US-IL", "US", None, None),
    ("Springfield", "US-MO", "US", 37.2089, -93.2923),
    ("London", "GB-LND", "GB", 51.5072, -0.1276),
]
TITLES = [
    "IV Room Pharmacy Technician",
    "Sterile Compounding Technician",
    "Night Shift Pharmacy Technician",
    "Remote Prior Authorization Specialist",
    "Retail Pharmacy Technician",
    "Nuclear Pharmacy Technician",
    "Billing and Insurance Technician",
    "Pharmacy Technician Trainee",
]
DESCRIPTIONS = [
    "Prepare sterile IV admixtures in the clean room under USP 797.",
    "Fill prescriptions at the retail counter and help patients.",
    "Work prior authorizations and third-party billing from home.",
    "Handle radiopharmaceuticals; training provided for newcomers.",
    "Restock Pyxis and Omnicell cabinets on night shift.",
    "Mail-order pharmacy serving long-term care homes; prior auth work.",
    "LTC pharmacy: TPN and IV batches, mail order refills.",
]
# Hourly equivalents at a floor's edge: 21.63 / 21.64 and the yearly 45,000 (21.63/h) / 45,010 (21.64/h).
PAYS = [
    ("hour", "15.00", "21.63"),
    ("hour", "18.00", "21.64"),
    ("hour", "20.00", "22.00"),
    ("hour", "900.00", "1000.00"),
    ("year", "40000", "45000"),
    ("year", "41000", "45010"),
    ("year", "60000", "2080000"),
]
KEYWORDS = [
    '"iv room"', "sterile -retail", "billing or nuclear", "the", "technician", "night", "Pyxis", "C++",
    "prior authorization", "newcomers -trainee", "zzzunmatched", "room", '"pharmacy technician" austin',
    "mail-order", "pharm tech", "rx tech", "ltc", "-ltc", "long-term care", "prior auth or tpn", "REQ-3", "*", '""',
    "mailorder -iv", "techs", "PA",
]  # fmt: skip
NEAR = ["78701", "Austin, TX", "Toronto", "Detroit, MI", "Seattle, WA", "Springfield, MO", "M5V 2T6"]
CITIES = ["Austin", "austin", "AUSTIN", "Montréal", "MONTRÉAL", "Windsor", "Springfield"]
REGIONS = ["US-TX", "US-MI", "CA-ON", "US-WA", "CA-QC", "US-IL"]
PAY_FLOORS = ["0", "18", "21.63", "21.635", "21.64", "22", "999.999", "1000", "1001", "45000", "45005", "45010.5"]


def _requirement(posting, level, options):
    requirement = CredentialRequirementFactory(
        posting=posting, level=level, within_days=30 if level == "within" else None
    )
    for code, jurisdiction in options:
        CredentialOptionFactory(
            requirement=requirement, credential_type=credential_type(code), jurisdiction=jurisdiction
        )


REQUIREMENTS = [
    [],
    [("required", [("ptcb-cpht", "")])],
    [("required", [("ptcb-cpht", ""), ("nha-excpt", "")])],
    [("required", [("state-registration", "US-TX")])],
    [("required", [("ptcb-cpht", "")]), ("required", [("state-registration", "US-TX")])],
    [("preferred", [("ptcb-cpht", "")])],
    [("within", [("ptcb-cpht", "")])],
    [("required", [("ca-rpht", "CA-ON")])],
    [("required", [("ptcb-cpht", "US-TX")])],  # a national credential given a state anyway: valid everywhere
    [("required", [("state-registration", "US-CA"), ("ptcb-cpht", "")])],
]


@pytest.fixture
def seekers(db):
    """Profiles for "only jobs I qualify for": national, state and expired credentials, and none at all."""
    cpht = ApplicantProfileFactory(user=UserFactory(email="cpht@example.com"))
    HeldCredentialFactory(profile=cpht, credential_type=credential_type("ptcb-cpht"))
    texan = ApplicantProfileFactory(user=UserFactory(email="texan@example.com"))
    HeldCredentialFactory(profile=texan, credential_type=credential_type("state-registration"), jurisdiction="US-TX")
    HeldCredentialFactory(
        profile=texan,
        credential_type=credential_type("ptcb-cpht"),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    empty = ApplicantProfileFactory(user=UserFactory(email="nothing@example.com"))
    no_profile = UserFactory(email="noprofile@example.com")
    return [None, cpht.user, texan.user, empty.user, no_profile]


# The choice criteria make_postings draws with care; any other criterion of the registry is drawn uniformly.
DRAWN = {"setting", "employment_types", "shifts", "experience", "arrangement"}
OTHER_CHOICES = [criterion for criterion in CHOICE_CRITERIA if criterion.column not in DRAWN]
# Settings the postings have (the first six), so that a search for one finds some.
PARAM_VALUES = {"setting": Setting.values[:6]}


def random_choice(rng: random.Random, criterion):
    values = criterion.choices.values
    return rng.sample(values, rng.randint(0, 2)) if criterion.many else rng.choice(values)


def make_postings(rng: random.Random, count: int, *, published_from=None) -> list[Posting]:
    """Postings published from now (or `published_from`), after every alert of the test started."""
    employers = [EmployerFactory(name=name) for name in ("Mercy Health", "Austin Retail Pharmacy", "CareRx")]
    postings = []
    now = published_from or timezone.now()
    for number in range(count):
        city, region, country, lat, lon = rng.choice(PLACES)
        if lat is not None and rng.random() < 0.5:  # spread around the place, so radii cut through them
            lat, lon = lat + rng.uniform(-1.2, 1.2), lon + rng.uniform(-1.2, 1.2)
        period, pay_min, pay_max = rng.choice(PAYS)
        posting = PublishedPostingFactory(
            employer=rng.choice(employers),
            title=rng.choice(TITLES),
            description=rng.choice(DESCRIPTIONS),
            setting=rng.choice(Setting.values[:6]),
            employment_types=rng.sample(EmploymentType.values, rng.randint(1, 2)),
            shifts=rng.sample(Shift.values, rng.randint(0, 2)),
            experience=rng.choice(Experience.values),
            arrangement=rng.choices(Arrangement.values, weights=[6, 1, 3])[0],
            country=country,
            region=region,
            city=city,
            postal_code="",
            latitude=lat,
            longitude=lon,
            pay_period=period,
            pay_min=Decimal(pay_min),
            pay_max=Decimal(pay_max),
            training_provided=rng.random() < 0.3,
            published_at=now + timedelta(seconds=number + 1),
            reference=f"REQ-{number}",
            expires_at=now + timedelta(days=30),
            **{criterion.column: random_choice(rng, criterion) for criterion in OTHER_CHOICES},
        )
        for level, options in rng.choice(REQUIREMENTS):
            _requirement(posting, level, options)
        postings.append(posting)
    return postings


def random_params(rng: random.Random, *, with_user: bool) -> dict:
    params: dict = {}

    def maybe(probability: float) -> bool:
        return rng.random() < probability

    if maybe(0.35):
        params["q"] = rng.choice(KEYWORDS)
    if maybe(0.2):
        params["country"] = rng.choice(["US", "CA", "GB"])
    if maybe(0.3):
        params["region"] = rng.choice(REGIONS)
    if maybe(0.15):
        params["city"] = rng.choice(CITIES)
    if maybe(0.3):
        params["near"] = rng.choice(NEAR)
        if maybe(0.7):
            params["radius"] = rng.choice([1, 10, 19, 25, 50, 75, 120, 300, 500])
        if maybe(0.5):
            params["unit"] = rng.choice(["mi", "km"])
    for criterion in CHOICE_CRITERIA:
        if maybe(0.25):
            values = PARAM_VALUES.get(criterion.name, criterion.choices.values)
            params[criterion.name] = rng.sample(values, rng.randint(1, min(3, len(values))))
    if maybe(0.3):
        params["remote"] = "1"
    if maybe(0.3):
        params["pay_min"] = rng.choice(PAY_FLOORS)
        if maybe(0.5):
            params["pay_period"] = "year"
    if maybe(0.2):
        params["training"] = "1"
    if with_user and maybe(0.5):
        params["qualified"] = "1"
    if maybe(0.2):
        params["sort"] = rng.choice(["newest", "pay", "relevance"])
    return params


def expected_pairs(alerts_params: list[tuple[Alert, dict, object]], posting_ids: list[int]) -> set[tuple[int, int]]:
    """What the search page finds for each alert's parameters, among these postings."""
    batch = Posting.objects.filter(pk__in=posting_ids)
    pairs = set()
    for alert, params, user in alerts_params:
        for pk in matches(params, user=user, queryset=batch).values_list("pk", flat=True):
            pairs.add((alert.pk, pk))
    return pairs


def test_random_alerts_match_exactly_what_their_search_pages_show(seekers):
    rng = random.Random(20240606)
    alerts = []
    for _ in range(300):
        user = rng.choice(seekers)
        params = random_params(rng, with_user=user is not None)
        alerts.append((make_alert(params, user=user), params, user))
    postings = make_postings(rng, 140)
    posting_ids = [posting.pk for posting in postings]
    expected = expected_pairs(alerts, posting_ids)
    assert len(expected) > 300, "the generated space should produce plenty of matches"
    assert len(expected) < 0.6 * len(alerts) * len(postings), "... and plenty of non-matches"

    now = timezone.now() + timedelta(minutes=5)  # every posting above is published by then
    # The whole batch (candidates from the hash join) and small slices (candidates from the GIN index).
    by_hash = matching_pairs(now=now, today=timezone.localdate(), posting_ids=posting_ids,
                             alert_ids=[alert.pk for alert, _, _ in alerts])  # fmt: skip
    assert len(posting_ids) > INDEX_STRATEGY_MAX_POSTINGS
    by_index = set()
    for start in range(0, len(posting_ids), 7):
        by_index |= matching_pairs(now=now, today=timezone.localdate(), posting_ids=posting_ids[start : start + 7],
                                   alert_ids=[alert.pk for alert, _, _ in alerts])  # fmt: skip

    for alert, params, _ in alerts:
        wanted = {pair for pair in expected if pair[0] == alert.pk}
        assert {pair for pair in by_hash if pair[0] == alert.pk} == wanted, (params, alert.criteria)
        assert {pair for pair in by_index if pair[0] == alert.pk} == wanted, (params, alert.criteria)


def test_the_stored_criteria_are_the_same_search_as_the_parameters_they_came_from(seekers):
    """The canonical parameters (the "see all" link, the manage page) find what the original ones found."""
    rng = random.Random(7)
    postings = make_postings(rng, 60)
    batch = Posting.objects.filter(pk__in=[posting.pk for posting in postings])
    for _ in range(120):
        user = rng.choice(seekers)
        params = random_params(rng, with_user=user is not None)
        criteria = criteria_for(params, user=user)
        assert criteria_for(criteria.params, user=user).params == criteria.params
        original = set(matches(params, user=user, queryset=batch).values_list("pk", flat=True))
        stored = set(matches(criteria.params, user=user, queryset=batch).values_list("pk", flat=True))
        assert stored == original, params


@pytest.fixture
def hypothesis_world(db):
    rng = random.Random(99)
    # Published tomorrow, so that they come after every alert the examples create.
    return make_postings(rng, 70, published_from=timezone.now() + timedelta(days=1))


# Every parameter of every criterion of the registry, each by its own strategy ("qualified" needs a signed-in
# searcher: the seeded test above draws it).
SEARCH_PARAMS = st.fixed_dictionaries(
    {}, optional={name: strategy(st) for criterion in CRITERIA for name, strategy in criterion.strategies.items()}
)


def test_every_criterion_an_alert_keeps_is_drawn_by_the_property_test():
    drawn = {name for criterion in CRITERIA for name in criterion.strategies}
    kept = {name for criterion in CRITERIA if criterion.alerts for name in criterion.parameters}
    assert kept - drawn == {"qualified"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=SEARCH_PARAMS)
def test_any_valid_search_as_an_alert_matches_its_search_page(hypothesis_world, params):
    if not search(params).form.is_valid():
        return  # e.g. a "near" Place lookup that fails: the page shows an error and no alert can be made
    alert = make_alert(params)
    posting_ids = [posting.pk for posting in hypothesis_world]
    expected = expected_pairs([(alert, params, None)], posting_ids)
    now = timezone.now() + timedelta(days=2)
    actual = matching_pairs(now=now, today=timezone.localdate(), posting_ids=posting_ids, alert_ids=[alert.pk])
    assert actual == expected
    alert.delete()


def test_a_place_alert_gets_remote_roles_only_when_its_search_includes_them(seekers):
    texas = make_alert({"region": "US-TX"})
    texas_and_remote = make_alert({"region": "US-TX", "remote": "1"})
    near_austin = make_alert({"near": "Austin, TX", "radius": 25})
    near_austin_and_remote = make_alert({"near": "Austin, TX", "radius": 25, "remote": "1"})
    alerts = [texas, texas_and_remote, near_austin, near_austin_and_remote]
    published = timezone.now() + timedelta(minutes=1)
    austin = PublishedPostingFactory(city="Austin", region="US-TX", country="US", latitude=30.27, longitude=-97.74,
                                     published_at=published)  # fmt: skip
    remote_us = PublishedPostingFactory(arrangement="remote", city="Miami", region="US-FL", country="US",
                                        latitude=25.76, longitude=-80.19, published_at=published)  # fmt: skip
    remote_ca = PublishedPostingFactory(arrangement="remote", city="Toronto", region="CA-ON", country="CA",
                                        latitude=43.65, longitude=-79.38, published_at=published)  # fmt: skip

    pairs = matching_pairs(now=timezone.now() + timedelta(minutes=5), today=timezone.localdate(),
                           posting_ids=[austin.pk, remote_us.pk, remote_ca.pk],
                           alert_ids=[alert.pk for alert in alerts])  # fmt: skip

    assert {posting for alert, posting in pairs if alert == texas.pk} == {austin.pk}
    assert {posting for alert, posting in pairs if alert == near_austin.pk} == {austin.pk}
    assert {posting for alert, posting in pairs if alert == texas_and_remote.pk} == {austin.pk, remote_us.pk}
    assert {posting for alert, posting in pairs if alert == near_austin_and_remote.pk} == {austin.pk, remote_us.pk}
    assert texas_and_remote.name == "In Texas · with remote roles"


def test_postings_published_before_the_alert_or_not_open_are_never_matched(seekers):
    before = PublishedPostingFactory(published_at=timezone.now() - timedelta(minutes=1))
    alert = make_alert({})
    after = PublishedPostingFactory(published_at=timezone.now() + timedelta(seconds=1))
    expired = PublishedPostingFactory(
        published_at=timezone.now() + timedelta(seconds=1), expires_at=timezone.now() + timedelta(seconds=2)
    )
    filled = PublishedPostingFactory(published_at=timezone.now() + timedelta(seconds=1), status="filled")
    ids = [before.pk, after.pk, expired.pk, filled.pk]

    pairs = matching_pairs(now=timezone.now() + timedelta(seconds=5), today=timezone.localdate(), posting_ids=ids,
                           alert_ids=[alert.pk])  # fmt: skip

    assert pairs == {(alert.pk, after.pk)}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "All new jobs"),
        (
            {"setting": "hospital", "shift": "night", "near": "Austin, TX", "pay_min": "22"},
            "Hospital · night · near Austin, TX · $22+/h",
        ),
        ({"q": "iv room", "region": "US-TX", "training": "1"}, "“iv room” · in Texas · training provided"),
        ({"arrangement": "remote", "country": "CA", "pay_min": "45000"}, "Remote · in Canada · $45,000+/yr"),
        (
            {"setting": ["hospital", "specialty", "nuclear"], "near": "78701", "radius": "50", "unit": "km"},
            "3 settings · near 78701 (Austin, TX) (within 50 km)",
        ),
    ],
)
def test_an_alert_gets_a_readable_name(params, name):
    assert alert_name(criteria_for(params)) == name
