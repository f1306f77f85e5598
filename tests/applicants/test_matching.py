"""The credential matcher: the Python verdict on a posting page and the SQL of `qualified=1` must agree."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applicants.managers import credential_valid_on_sql
from applicants.matching import posting_match
from applicants.models import HeldCredential, held_credentials_valid_today
from postings.models import CredentialOption, CredentialRequirement, Posting
from tests.factories import (
    ApplicantProfileFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    EmployerFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def requirement(posting, level="required", *options, within_days=None):
    """A requirement met by any of `options`, each a credential type code or a (code, jurisdiction) pair."""
    row = CredentialRequirementFactory(posting=posting, level=level, within_days=within_days)
    for option in options:
        code, jurisdiction = (option, "") if isinstance(option, str) else option
        CredentialOptionFactory(requirement=row, credential_type=credential_type(code), jurisdiction=jurisdiction)
    return row


def held(profile, code, jurisdiction="", expires_on="far"):
    expiry = TODAY() + timedelta(days=365) if expires_on == "far" else expires_on
    return HeldCredentialFactory(
        profile=profile, credential_type=credential_type(code), jurisdiction=jurisdiction, expires_on=expiry
    )


def verdicts(posting, profile) -> tuple[bool, bool]:
    """(Python's verdict from the prefetched page data, SQL's verdict from qualified_for)."""
    page_posting = Posting.objects.for_detail().get(pk=posting.pk)
    python = posting_match(page_posting, profile.credentials.all()).qualified
    sql = Posting.objects.filter(pk=posting.pk).qualified_for(held_credentials_valid_today(profile.user)).exists()
    return python, sql


@pytest.fixture
def posting():
    return PublishedPostingFactory(region="US-OH", city="Columbus")


@pytest.fixture
def profile():
    return ApplicantProfileFactory()


def test_any_one_option_of_a_group_meets_it(posting, profile):
    requirement(posting, "required", "ptcb-cpht", "nha-excpt")
    assert verdicts(posting, profile) == (False, False)

    held(profile, "nha-excpt")

    assert verdicts(posting, profile) == (True, True)


def test_every_required_group_must_be_met(posting, profile):
    requirement(posting, "required", "ptcb-cpht", "nha-excpt")
    requirement(posting, "required", ("state-registration", "US-OH"))
    held(profile, "ptcb-cpht")

    assert verdicts(posting, profile) == (False, False)
    match = posting_match(Posting.objects.for_detail().get(pk=posting.pk), profile.credentials.all())
    assert [str(outcome) for outcome in match.missing] == ["State technician registration (Ohio) — required"]


def test_a_texas_registration_does_not_satisfy_an_ohio_requirement(posting, profile):
    requirement(posting, "required", ("state-registration", "US-OH"))
    held(profile, "state-registration", "US-TX")

    assert verdicts(posting, profile) == (False, False)

    held(profile, "state-registration", "US-OH")

    assert verdicts(posting, profile) == (True, True)


def test_a_national_certification_satisfies_any_jurisdiction(posting, profile):
    requirement(posting, "required", ("ptcb-cpht", "US-OH"))
    held(profile, "ptcb-cpht")

    assert verdicts(posting, profile) == (True, True)


def test_a_state_option_without_a_jurisdiction_takes_that_credential_from_any_state(posting, profile):
    requirement(posting, "required", "state-license")
    held(profile, "state-license", "US-CA")

    assert verdicts(posting, profile) == (True, True)


@pytest.mark.parametrize(
    ("days", "counts"),
    [(-1, False), (0, True), (1, True), (None, True)],
    ids=["expired yesterday", "expires today", "expires tomorrow", "never expires"],
)
def test_an_expired_credential_does_not_count(posting, profile, days, counts):
    requirement(posting, "required", "ptcb-cpht")
    held(profile, "ptcb-cpht", expires_on=None if days is None else TODAY() + timedelta(days=days))

    assert verdicts(posting, profile) == (counts, counts)


def test_obtain_within_days_and_preferred_never_block_and_are_named(posting, profile):
    requirement(posting, "within", ("state-registration", "US-OH"), within_days=90)
    requirement(posting, "preferred", "ptcb-cspt")

    assert verdicts(posting, profile) == (True, True)
    match = posting_match(Posting.objects.for_detail().get(pk=posting.pk), profile.credentials.all())
    assert [str(outcome) for outcome in match.missing] == [
        "State technician registration (Ohio) — can be obtained within 90 days of hire",
        "PTCB CSPT — preferred",
    ]


def test_the_missing_list_names_each_unmet_group_with_its_options(posting, profile):
    requirement(posting, "required", "ptcb-cpht", "nha-excpt")
    requirement(posting, "within", ("state-registration", "US-OH"), within_days=90)

    match = posting_match(Posting.objects.for_detail().get(pk=posting.pk), profile.credentials.all())

    assert not match.qualified
    assert [str(outcome) for outcome in match.missing] == [
        "PTCB CPhT or NHA ExCPT — required",
        "State technician registration (Ohio) — can be obtained within 90 days of hire",
    ]
    assert match.summary == "Missing: PTCB CPhT or NHA ExCPT"


def test_a_posting_without_requirements_is_met_by_anyone(posting, profile):
    assert verdicts(posting, profile) == (True, True)


def test_matching_prefetched_postings_runs_no_queries(django_assert_num_queries, profile):
    postings = PublishedPostingFactory.create_batch(3)
    for posting in postings:
        requirement(posting, "required", "ptcb-cpht", ("state-registration", "US-TX"))
    held(profile, "ptcb-cpht")
    loaded = list(Posting.objects.filter(pk__in=[p.pk for p in postings]).for_detail())
    credentials = list(profile.credentials.all())

    with django_assert_num_queries(0):
        assert all(posting_match(posting, credentials).qualified for posting in loaded)


# -- Generated cases: the SQL and the Python agree on every combination ----------------------------------

CODES = ["ptcb-cpht", "nha-excpt", "state-registration", "state-license", "ca-rpht"]
JURISDICTIONS = ["", "US-TX", "US-OH", "CA-ON"]
options = st.tuples(st.sampled_from(CODES), st.sampled_from(JURISDICTIONS))
requirements = st.tuples(
    st.sampled_from(["required", "preferred", "within"]), st.lists(options, min_size=0, max_size=3)
)
postings = st.lists(st.lists(requirements, max_size=3), min_size=1, max_size=4)
# Held credentials as stored, including combinations the form refuses: the two must agree on any data.
helds = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from(JURISDICTIONS), st.sampled_from([None, -30, -1, 0, 1, 400])),
    max_size=5,
    unique_by=lambda item: (item[0], item[1]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posting_specs=postings, held_specs=helds)
def test_qualified_for_agrees_with_the_python_matcher_on_generated_cases(posting_specs, held_specs):
    types = {code: credential_type(code) for code in CODES}
    with transaction.atomic():
        employer = EmployerFactory()
        profile = ApplicantProfileFactory()
        for code, jurisdiction, days in held_specs:
            held(profile, code, jurisdiction, None if days is None else TODAY() + timedelta(days=days))
        ids = []
        for spec in posting_specs:
            posting = PublishedPostingFactory(employer=employer)
            ids.append(posting.pk)
            for position, (level, option_specs) in enumerate(spec):
                row = CredentialRequirement.objects.create(
                    posting=posting, level=level, within_days=30 if level == "within" else None, position=position
                )
                CredentialOption.objects.bulk_create(
                    CredentialOption(requirement=row, credential_type=types[code], jurisdiction=jurisdiction)
                    for code, jurisdiction in option_specs
                )

        sql = set(
            Posting.objects.filter(pk__in=ids)
            .qualified_for(held_credentials_valid_today(profile.user))
            .values_list("pk", flat=True)
        )
        credentials = list(profile.credentials.all())
        python = {
            posting.pk
            for posting in Posting.objects.filter(pk__in=ids).for_detail()
            if posting_match(posting, credentials).qualified
        }

        assert sql == python
        transaction.set_rollback(True)


# -- The search filter and the posting page -------------------------------------------------------------------


def test_qualified_search_lists_exactly_the_postings_whose_page_says_you_meet_the_requirements(client, profile):
    held(profile, "ptcb-cpht")
    held(profile, "state-registration", "US-TX")
    held(profile, "nha-excpt", expires_on=TODAY() - timedelta(days=1))
    cases = {
        "open to all": [],
        "cpht or excpt": [("required", ["ptcb-cpht", "nha-excpt"])],
        "excpt only (expired)": [("required", ["nha-excpt"])],
        "texas registration": [("required", [("state-registration", "US-TX")])],
        "ohio registration": [("required", [("state-registration", "US-OH")])],
        "ohio within 90 days": [("within", [("state-registration", "US-OH")])],
        "cspt preferred": [("preferred", ["ptcb-cspt"])],
        "canada": [("required", [("ca-rpht", "CA-ON")])],
    }
    postings_by_title = {}
    for title, spec in cases.items():
        posting = PublishedPostingFactory(title=title)
        for level, option_list in spec:
            requirement(posting, level, *option_list, within_days=90 if level == "within" else None)
        postings_by_title[title] = posting
    client.force_login(profile.user)

    response = client.get(reverse("postings:list"), {"qualified": "1"})

    listed = {posting.title for posting in response.context["object_list"]}
    assert listed == {
        "open to all",
        "cpht or excpt",
        "texas registration",
        "ohio within 90 days",
        "cspt preferred",
    }
    for title, posting in postings_by_title.items():
        page = client.get(posting.get_absolute_url()).content.decode()
        meets = "You meet the requirements" in page
        assert meets == (title in listed), title
        if not meets:
            assert "Missing:" in page


@pytest.mark.parametrize(("expires_in", "valid"), [(None, True), (-1, False), (0, True), (1, True)])
def test_one_rule_of_validity_in_python_in_the_orm_and_in_sql(expires_in, valid):
    """A credential is still good on its expiry date: the three forms of the rule agree at its edges."""
    today = timezone.localdate()
    expires_on = None if expires_in is None else today + timedelta(days=expires_in)
    held = HeldCredentialFactory(credential_type=credential_type("ptcb-cpht"), expires_on=expires_on)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {credential_valid_on_sql('h', '%s')} FROM applicants_heldcredential h WHERE h.id = %s",
            [today, held.pk],
        )
        in_sql = cursor.fetchone()[0]

    assert held.is_valid_on(today) == HeldCredential.objects.filter(pk=held.pk).valid_on(today).exists() == in_sql
    assert in_sql is valid
