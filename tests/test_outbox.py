"""The outbox: an email is owed with the change that owes it, claimed once, retried after a failure or a dead
worker's claim, and a request that owes one succeeds when the broker is away. And the cache fails open."""

from __future__ import annotations

import smtplib
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.utils import timezone

from jobboard.caching import FailOpenRedisCache
from jobboard.celery import app as celery_app
from jobboard.mail import email_send, outgoing_email_send, outgoing_emails_purge, outgoing_emails_send_due
from jobboard.models import OutgoingEmail

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def owe(address: str = "ana@example.com") -> OutgoingEmail:
    return email_send(to=[address], template="test", context={"recipient": address})


def change_that_fails() -> None:
    with transaction.atomic():
        owe("rolled-back@example.com")
        raise RuntimeError("the change failed")


def test_an_email_is_owed_only_if_the_change_that_owes_it_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    with django_capture_on_commit_callbacks(execute=True):
        email = owe()

    assert [message.to for message in mail.outbox] == [["ana@example.com"]]
    assert list(OutgoingEmail.objects.values_list("recipients", "status")) == [(["ana@example.com"], "sent")]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.claimed_at is None


def test_an_email_is_sent_once_however_often_it_is_asked_for(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = owe()

    assert outgoing_email_send(email_id=email.pk) is False  # a redelivered task
    assert outgoing_emails_send_due() == 0  # the sweep
    assert len(mail.outbox) == 1


def test_a_claim_is_respected_until_it_is_stale_then_the_sweep_sends_the_email(settings):
    email = owe()  # not committed in this test's transaction: no task ran
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=now - timedelta(seconds=10))

    assert outgoing_emails_send_due() == 0  # a live worker is sending it
    assert outgoing_email_send(email_id=email.pk) is False

    stale = now - timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT_SECONDS + 1)
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=stale)  # that worker died

    assert outgoing_emails_send_due() == 1
    assert outgoing_emails_send_due() == 0
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).status == "sent"


class RefusingBackend(LocmemBackend):
    error: Exception = smtplib.SMTPRecipientsRefused({"ana@example.com": (550, b"No such user")})

    def send_messages(self, messages):
        raise self.error


class DroppingBackend(RefusingBackend):
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_refused_address_fails_for_good_and_a_dropped_connection_is_tried_again_later(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    refused = owe()
    assert outgoing_emails_send_due() == 0
    refused.refresh_from_db()
    assert (refused.status, refused.claimed_at) == ("failed", None)
    assert refused.last_error.startswith("SMTPRecipientsRefused")

    settings.EMAIL_BACKEND = f"{__name__}.DroppingBackend"
    dropped = owe("ben@example.com")
    assert outgoing_emails_send_due() == 0
    dropped.refresh_from_db()
    assert (dropped.status, dropped.claimed_at, dropped.attempts) == ("pending", None, 1)
    assert dropped.next_attempt_at > timezone.now() + timedelta(seconds=50)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.filter(pk=dropped.pk).update(next_attempt_at=timezone.now())  # its time has come
    assert outgoing_emails_send_due() == 1
    assert [message.to for message in mail.outbox] == [["ben@example.com"]]


def test_sent_emails_are_purged_after_a_month():
    old, recent, pending = owe(), owe(), owe()
    OutgoingEmail.objects.filter(pk=old.pk).update(status="sent", sent_at=timezone.now() - timedelta(days=31))
    OutgoingEmail.objects.filter(pk=recent.pk).update(status="sent", sent_at=timezone.now() - timedelta(days=1))

    assert outgoing_emails_purge() == 1
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}


@pytest.fixture
def broker_away():
    """Tasks are queued through a real broker that cannot be reached, as when Redis is down."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = NOBODY_LISTENS, False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_away_the_change_commits_and_the_sweep_sends_its_email_later(broker_away):
    started = time.monotonic()
    with transaction.atomic():
        email = owe()  # queueing on commit fails, quietly
    waited = time.monotonic() - started

    assert OutgoingEmail.objects.get(pk=email.pk).status == "pending"
    assert mail.outbox == []
    assert waited < 5, "a request must not wait long for a broker that is away"

    assert outgoing_emails_send_due() == 1
    assert [message.to for message in mail.outbox] == [["ana@example.com"]]


def test_the_cache_fails_open_when_redis_is_away(monkeypatch):
    monkeypatch.setattr("jobboard.caching._redis_down_until", 0.0)
    cache = FailOpenRedisCache(NOBODY_LISTENS, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    started = time.monotonic()

    assert cache.get("page", "missed") == "missed"
    assert cache.get_or_set("count", lambda: 42) == 42
    assert cache.add("lock", True) is True  # a lock taken in the cache is granted, not waited for
    assert cache.incr("limit") == 1  # a limit counted in the cache lets the request through
    cache.set("page", "html")
    assert cache.get_many(["a", "b"]) == {}
    assert time.monotonic() - started < 2


def test_staff_find_an_email_in_the_outbox_by_address(admin_client):
    owe("ana@example.com")
    owe("ben@example.com")

    response = admin_client.get("/admin/jobboard/outgoingemail/", {"q": "ana@"})

    assert response.status_code == 200
    assert "ana@example.com" in response.text
    assert "ben@example.com" not in response.text
