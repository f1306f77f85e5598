from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from postings.models import InvalidTransition, Posting, PostingEvent
from postings.services.moderation import posting_reject
from postings.services.workflow import (
    posting_close,
    posting_fill,
    posting_publish,
    posting_renew,
    posting_submit,
    postings_expire,
)
from tests.factories import (
    ClosedPostingFactory,
    DraftPostingFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    ModeratorFactory,
    PastExpiryPostingFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    RejectedPostingFactory,
    TrustedEmployerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Posting.Status


def test_submit_sends_an_untrusted_employers_draft_to_review():
    user = UserFactory()
    posting = DraftPostingFactory(employer=EmployerFactory(trusted=False))

    posting_submit(posting=posting, by=user)

    posting.refresh_from_db()
    assert posting.status == Status.PENDING
    assert posting.published_at is None
    event = posting.events.get()
    assert (event.from_status, event.to_status, event.by) == (Status.DRAFT, Status.PENDING, user)


def test_submit_publishes_a_trusted_employers_draft_at_once_and_records_both_steps():
    posting = DraftPostingFactory(employer=TrustedEmployerFactory())

    posting_submit(posting=posting, by=UserFactory())

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert posting.is_open
    assert list(posting.events.values_list("to_status", flat=True)) == [Status.PENDING, Status.PUBLISHED]


def test_publish_sets_dates_with_default_thirty_days():
    posting = PendingPostingFactory()

    posting_publish(posting=posting, by=UserFactory())

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert posting.expires_at - posting.published_at == timedelta(days=30)


@pytest.mark.parametrize("days", [0, 61, -3])
def test_publish_refuses_a_run_outside_one_to_sixty_days(days):
    posting = PendingPostingFactory()

    with pytest.raises(ValidationError, match="between 1 and 60 days"):
        posting_publish(posting=posting, by=UserFactory(), days=days)

    posting.refresh_from_db()
    assert posting.status == Status.PENDING
    assert not PostingEvent.objects.exists()


def test_reject_needs_a_reason_and_keeps_it_in_the_history():
    posting = PendingPostingFactory()
    moderator = ModeratorFactory()  # rejecting is a moderator's decision
    with pytest.raises(ValidationError):
        posting_reject(posting=posting, by=moderator, reason="   ")

    posting_reject(posting=posting, by=moderator, reason="Pay range missing for Colorado.")

    posting.refresh_from_db()
    assert posting.status == Status.REJECTED
    assert posting.events.get().reason == "Pay range missing for Colorado."


@pytest.mark.parametrize(
    ("factory", "service"),
    [
        (DraftPostingFactory, posting_publish),
        (DraftPostingFactory, posting_fill),
        (DraftPostingFactory, posting_renew),
        (PendingPostingFactory, posting_fill),
        (PendingPostingFactory, posting_submit),
        (PublishedPostingFactory, posting_publish),
        (FilledPostingFactory, posting_submit),
        (RejectedPostingFactory, posting_publish),
        (FilledPostingFactory, posting_close),
        (FilledPostingFactory, posting_renew),
        (ClosedPostingFactory, posting_publish),
        (ClosedPostingFactory, posting_fill),
        (ClosedPostingFactory, posting_renew),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(factory, service):
    posting = factory()
    before = posting.status

    with pytest.raises(InvalidTransition):
        service(posting=posting, by=UserFactory())

    posting.refresh_from_db()
    assert posting.status == before
    assert not PostingEvent.objects.exists()


@pytest.mark.parametrize(
    ("factory", "service", "expected"),
    [
        (PublishedPostingFactory, posting_fill, Status.FILLED),
        (PublishedPostingFactory, posting_close, Status.CLOSED),
        (ExpiredPostingFactory, posting_fill, Status.FILLED),
        (DraftPostingFactory, posting_close, Status.CLOSED),
        (PendingPostingFactory, posting_close, Status.CLOSED),
    ],
)
def test_legal_closing_transitions(factory, service, expected):
    posting = factory()

    service(posting=posting, by=UserFactory())

    posting.refresh_from_db()
    assert posting.status == expected
    assert posting.events.get().to_status == expected


def test_renew_extends_but_never_beyond_sixty_days_from_now():
    posting = PublishedPostingFactory(expires_at=timezone.now() + timedelta(days=25))

    posting_renew(posting=posting, by=UserFactory(), days=30)

    posting.refresh_from_db()
    assert posting.expires_at <= timezone.now() + timedelta(days=60)
    assert posting.expires_at > timezone.now() + timedelta(days=54)


def test_renew_brings_an_expired_posting_back():
    posting = ExpiredPostingFactory()

    posting_renew(posting=posting, by=UserFactory())

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert posting.is_open


def test_expire_moves_only_postings_past_their_date_and_is_idempotent():
    past = PastExpiryPostingFactory.create_batch(3)
    current = PublishedPostingFactory()

    assert postings_expire() == 3
    assert postings_expire() == 0

    assert set(Posting.objects.filter(status=Status.EXPIRED)) == set(past)
    current.refresh_from_db()
    assert current.status == Status.PUBLISHED
    assert PostingEvent.objects.filter(to_status=Status.EXPIRED).count() == 3
