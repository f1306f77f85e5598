"""Job alerts end to end on real parts: a Celery worker process on Redis, PostgreSQL, and an aiosmtpd sink.

Publish postings, run the instant and digest paths, read what the sink received; run the same batch again
and receive nothing new. A worker killed in the middle of a batch: tests/faults/test_worker_killed.py.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from alerts.models import Alert, AlertDelivery
from alerts.tasks import alerts_deliver_pending_task, alerts_deliver_task, alerts_match_due_task
from jobboard.mail import email_send
from postings.services.workflow import posting_publish
from tests.alerts.alerts_support import make_alert
from tests.factories import PendingPostingFactory, PublishedPostingFactory
from tests.integration.conftest import SmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SITE = "https://jobs.example.org"


@pytest.fixture
def https_site(monkeypatch):
    """The worker builds links from SITE_URL: make them https, as in production. (Before the worker starts.)"""
    monkeypatch.setenv("SITE_URL", SITE)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def publish(**kwargs):
    with transaction.atomic():  # posting_publish enqueues the instant match when this commits
        return posting_publish(posting=PendingPostingFactory(**kwargs), by=None)


def drain(sink: SmtpSink, worker) -> None:
    """Wait until the worker has finished what was enqueued before: a sentinel email goes through it last."""
    before = len(sink.messages)
    email_send(to=["sentinel@example.com"], template="test", context={"recipient": "sentinel@example.com"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(message["To"] == "sentinel@example.com" for message in sink.messages[before:]):
            time.sleep(1.0)  # the other pool process may still be finishing its task
            return
        time.sleep(0.05)
    raise AssertionError("the worker did not drain its queue")


def test_instant_alerts_reach_their_subscribers_with_both_parts_headers_and_working_links(
    https_site, celery_worker, smtp_sink
):
    hospital = make_alert({"setting": "hospital", "region": "US-TX"}, email="nurse.tech@example.com")
    retail = make_alert({"setting": "community-retail"}, email="retail@example.com")

    posting = publish(setting="hospital", region="US-TX", title="IV Room Technician")

    [message] = smtp_sink.wait_for(1)
    assert message["X-Envelope-To"] == "nurse.tech@example.com"
    assert message["To"] == "nurse.tech@example.com"
    assert message["Subject"] == f"New job: IV Room Technician at {posting.employer.name}"
    text, html = text_of(message), html_of(message)
    job_url = f"{SITE}/jobs/{posting.pk}/{posting.slug}/"
    assert job_url in text
    assert job_url in html
    assert f"{SITE}/jobs/?region=US-TX&setting=hospital" in text
    unsubscribe_url = message["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")
    assert unsubscribe_url.startswith(f"{SITE}/alerts/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in text
    assert unsubscribe_url in html
    assert f"{SITE}/alerts/manage/" in text

    # The one-click POST a mail provider makes: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(urlsplit(unsubscribe_url).path)
    assert response.status_code == 200
    hospital.refresh_from_db()
    assert hospital.status == "unsubscribed"
    assert AlertDelivery.objects.get(alert=hospital).status == "sent"
    assert not AlertDelivery.objects.filter(alert=retail).exists()

    publish(setting="hospital", region="US-TX", title="Another IV Room Technician")
    drain(smtp_sink, celery_worker)
    assert [m["X-Envelope-To"] for m in smtp_sink.messages] == ["nurse.tech@example.com", "sentinel@example.com"]


def test_digests_are_matched_and_sent_by_the_worker_and_a_second_run_sends_nothing(
    https_site, celery_worker, smtp_sink
):
    texas = make_alert({"region": "US-TX"}, email="texas@example.com", frequency="daily")
    nights = make_alert({"shift": "night"}, email="nights@example.com", frequency="weekly")
    quiet = make_alert({"setting": "nuclear"}, email="quiet@example.com", frequency="daily")
    now = timezone.now()
    for number in range(3):
        PublishedPostingFactory(title=f"Texas job {number}", region="US-TX", published_at=now + timedelta(seconds=1))
    PublishedPostingFactory(title="Night job", region="US-CA", shifts=["night"], published_at=now)
    Alert.objects.update(next_digest_at=now)

    alerts_match_due_task.delay(frequency="daily")
    alerts_match_due_task.delay(frequency="weekly")

    messages = {message["X-Envelope-To"]: message for message in smtp_sink.wait_for(2)}
    assert set(messages) == {"texas@example.com", "nights@example.com"}
    assert messages["texas@example.com"]["Subject"] == f"3 new jobs for “{texas.name}”"
    assert all(f"Texas job {number}" in text_of(messages["texas@example.com"]) for number in range(3))
    assert "Night job" in html_of(messages["nights@example.com"])
    assert messages["nights@example.com"]["Subject"] == "New job: Night job at " + (
        AlertDelivery.objects.get(alert=nights).posting.employer.name
    )
    assert not AlertDelivery.objects.filter(alert=quiet).exists()

    # The same batch again, every way it could come back: beat's next runs, the sweep, a redelivered task.
    Alert.objects.update(next_digest_at=now)
    alerts_match_due_task.delay(frequency="daily")
    alerts_match_due_task.delay(frequency="weekly")
    alerts_deliver_pending_task.delay()
    alerts_deliver_task.delay(alert_ids=[texas.pk, nights.pk, quiet.pk])
    drain(smtp_sink, celery_worker)

    assert Counter(message["X-Envelope-To"] for message in smtp_sink.messages) == {
        "texas@example.com": 1, "nights@example.com": 1, "sentinel@example.com": 1
    }  # fmt: skip
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
