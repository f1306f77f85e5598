# ruff: noqa: RUF001 - pay ranges are written with an en dash, on purpose
from decimal import Decimal

import pytest

from postings.templatetags.postings_tags import (
    credential_groups,
    money,
    pay_range,
    place,
    region_name,
    requirement_text,
)
from tests.factories import (
    CredentialOptionFactory,
    CredentialRequirementFactory,
    DraftPostingFactory,
    PublishedPostingFactory,
    credential_type,
)

# -- pay --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "period", "currency", "expected"),
    [
        ("18", "22", "hour", "USD", "$18.00–$22.00 /hour"),
        ("18.5", "24.75", "hour", "USD", "$18.50–$24.75 /hour"),
        ("45000", "55000", "year", "USD", "$45,000–$55,000 /year"),
        ("45000.50", "55000", "year", "USD", "$45,000.50–$55,000.00 /year"),
        ("24", "28", "hour", "CAD", "CA$24.00–CA$28.00 /hour"),
        ("12.5", "14", "hour", "GBP", "£12.50–£14.00 /hour"),
        ("20", "20", "hour", "USD", "$20.00 /hour"),
        ("1200", "1500", "hour", "USD", "$1,200.00–$1,500.00 /hour"),
        ("20", "25", "hour", "EUR", "EUR 20.00–EUR 25.00 /hour"),
    ],
)
def test_pay_range(low, high, period, currency, expected):
    posting = DraftPostingFactory.build(
        pay_min=Decimal(low), pay_max=Decimal(high), pay_period=period, pay_currency=currency
    )

    assert pay_range(posting) == expected


def test_money_drops_whole_cents():
    assert money(Decimal("1500.00"), "USD") == "$1,500"
    assert money(Decimal("2.50"), "CAD") == "CA$2.50"
    assert money(None) == ""


# -- places --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("US-TX", "Texas"),
        ("CA-ON", "Ontario"),
        ("US-DC", "District of Columbia"),
        ("us-ca", "California"),
        ("XX-YY", "XX-YY"),
        ("", ""),
    ],
)
def test_region_name(code, name):
    assert region_name(code) == name


def test_place_is_city_and_region_or_just_the_region():
    assert place(DraftPostingFactory.build(city="Austin", region="US-TX")) == "Austin, Texas"
    assert place(DraftPostingFactory.build(city="", country="CA", region="CA-QC")) == "Quebec"


# -- credentials ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_credential_groups_join_any_of_options_and_order_by_level():
    posting = PublishedPostingFactory()
    within = CredentialRequirementFactory(posting=posting, level="within", within_days=90, position=0)
    CredentialOptionFactory(
        requirement=within, credential_type=credential_type("state-registration"), jurisdiction="US-TX"
    )
    preferred = CredentialRequirementFactory(posting=posting, level="preferred", position=1)
    CredentialOptionFactory(requirement=preferred, credential_type=credential_type("ptcb-cspt"))
    required = CredentialRequirementFactory(posting=posting, level="required", position=2)
    CredentialOptionFactory(requirement=required, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=required, credential_type=credential_type("nha-excpt"))

    assert credential_groups(posting) == [
        ("Required", ["PTCB CPhT or NHA ExCPT"]),
        ("Preferred", ["PTCB CSPT"]),
        ("Obtain after hire", ["State technician registration (Texas) within 90 days of hire"]),
    ]
    assert requirement_text(required) == "PTCB CPhT or NHA ExCPT"


@pytest.mark.django_db
def test_credential_groups_of_a_posting_without_requirements_is_empty():
    assert credential_groups(PublishedPostingFactory()) == []
