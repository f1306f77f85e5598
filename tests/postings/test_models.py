from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from postings.models import CredentialRequirement, Posting
from tests.factories import (
    ClosedPostingFactory,
    DraftPostingFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    PastExpiryPostingFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    RejectedPostingFactory,
)

pytestmark = pytest.mark.django_db


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftPostingFactory(**fields)


def test_database_refuses_pay_minimum_above_maximum():
    _refused(pay_min=Decimal("25"), pay_max=Decimal("20"))


def test_database_refuses_zero_or_negative_pay():
    _refused(pay_min=Decimal("0"), pay_max=Decimal("20"))
    _refused(pay_min=Decimal("-5"), pay_max=Decimal("20"))


def test_database_refuses_expiry_before_publication():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedPostingFactory(published_at=now, expires_at=now - timedelta(days=1))


def test_database_refuses_a_published_posting_without_dates():
    _refused(status=Posting.Status.PUBLISHED, published_at=None, expires_at=None)


def test_database_refuses_a_region_of_another_country():
    _refused(country="CA", region="US-TX")


def test_database_refuses_external_apply_without_url():
    _refused(apply_method=Posting.ApplyMethod.URL, apply_url="", status=Posting.Status.PENDING)


def test_database_refuses_a_posting_without_employment_type():
    _refused(employment_types=[], status=Posting.Status.PENDING)


def test_database_refuses_a_submitted_posting_without_pay_or_place():
    _refused(pay_min=None, pay_max=None, status=Posting.Status.PENDING)
    _refused(country="", region="", status=Posting.Status.PENDING)


def test_a_draft_may_be_half_written():
    draft = DraftPostingFactory(
        employment_types=[], pay_min=None, pay_max=None, country="", region="", apply_method="url", apply_url=""
    )

    with pytest.raises(ValidationError, match="an employment type"):
        draft.require_complete()


def test_one_slug_per_employer():
    employer = EmployerFactory()
    DraftPostingFactory(employer=employer, slug="pharmacy-technician")
    DraftPostingFactory(slug="pharmacy-technician")  # another employer may use it
    _refused(employer=employer, slug="pharmacy-technician")


def test_obtain_within_requirement_needs_days_and_others_must_not_have_them():
    posting = PublishedPostingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialRequirement.objects.create(posting=posting, level=CredentialRequirement.Level.WITHIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialRequirement.objects.create(
            posting=posting, level=CredentialRequirement.Level.REQUIRED, within_days=30
        )
    CredentialRequirement.objects.create(posting=posting, level=CredentialRequirement.Level.WITHIN, within_days=90)


def test_yearly_pay_is_compared_as_hourly_over_2080_hours():
    posting = DraftPostingFactory(pay_min=Decimal("41600"), pay_max=Decimal("52000"), pay_period="year")
    posting.refresh_from_db()
    assert posting.pay_max_hourly == Decimal("25.00")


def test_published_excludes_everything_a_seeker_must_not_see():
    visible = PublishedPostingFactory()
    for factory in (
        DraftPostingFactory,
        PendingPostingFactory,
        RejectedPostingFactory,
        ExpiredPostingFactory,
        PastExpiryPostingFactory,
        FilledPostingFactory,
        ClosedPostingFactory,
    ):
        factory()

    assert list(Posting.objects.published()) == [visible]
    assert list(Posting.objects.open()) == [visible]


def test_closed_covers_expired_filled_closed_and_past_expiry():
    PublishedPostingFactory()
    DraftPostingFactory()
    closed = {ExpiredPostingFactory(), FilledPostingFactory(), ClosedPostingFactory(), PastExpiryPostingFactory()}

    assert set(Posting.objects.closed()) == closed


def test_region_and_setting_queryset_methods_chain():
    wanted = PublishedPostingFactory(region="US-CA", country="US", setting="hospital")
    PublishedPostingFactory(region="US-CA", country="US", setting="community-retail")
    PublishedPostingFactory(region="US-TX", country="US", setting="hospital")

    assert list(Posting.objects.published().in_region("US-CA").with_setting("hospital")) == [wanted]


def test_database_refuses_half_a_coordinate_pair():
    _refused(latitude=30.2, longitude=None)
    _refused(latitude=95.0, longitude=10.0)
