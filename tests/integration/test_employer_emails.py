"""Employers' emails leave through the real Celery worker to a real SMTP sink, each exactly once."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from employers.models import EmployerMember
from postings.services.moderation import posting_reject
from postings.services.reminders import postings_remind_expiring
from tests.factories import (
    EmployerFactory,
    EmployerMemberFactory,
    ModeratorFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUIET_SECONDS = 3  # long enough for a duplicate to arrive, if the worker were to send one


def test_a_rejection_reaches_the_poster_once(celery_worker, smtp_sink):
    posting = PendingPostingFactory(created_by=UserFactory(email="poster@example.com"), title="Retail Technician")

    posting_reject(posting=posting, by=ModeratorFactory(), reason="Add the pay range.")

    [message] = smtp_sink.wait_for(1)
    time.sleep(QUIET_SECONDS)
    assert len(smtp_sink.messages) == 1
    assert message["X-Envelope-To"] == "poster@example.com"
    assert message["Subject"] == 'Your posting "Retail Technician" was not approved'
    assert "Add the pay range." in message.get_body(preferencelist=("plain",)).get_content()
    assert "Add the pay range." in message.get_body(preferencelist=("html",)).get_content()


def test_the_still_open_reminder_is_sent_once_however_often_beat_runs(celery_worker, smtp_sink):
    employer = EmployerFactory()
    EmployerMemberFactory(
        employer=employer, user=UserFactory(email="owner@example.com"), role=EmployerMember.Role.OWNER
    )
    now = timezone.now()
    PublishedPostingFactory(
        employer=employer, published_at=now - timedelta(days=28), expires_at=now + timedelta(days=2)
    )

    assert postings_remind_expiring() == 1
    assert postings_remind_expiring() == 0

    [message] = smtp_sink.wait_for(1)
    time.sleep(QUIET_SECONDS)
    assert len(smtp_sink.messages) == 1
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "/employer/still-open/" in text


def test_the_sign_up_verification_mail_goes_through_the_worker(celery_worker, smtp_sink, client):
    cache.clear()

    response = client.post(
        "/accounts/signup/",
        {
            "email": "manager@example.com",
            "password1": "a long unusual passphrase",
            "password2": "a long unusual passphrase",
        },
    )

    assert response.status_code == 302
    [message] = smtp_sink.wait_for(1)
    assert message["X-Envelope-To"] == "manager@example.com"
    assert "/accounts/confirm-email/" in message.get_body(preferencelist=("plain",)).get_content()
