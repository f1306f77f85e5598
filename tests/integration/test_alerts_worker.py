"""Job alerts end to end on real parts: a Celery worker process on Redis, PostgreSQL, and an aiosmtpd sink.

Publish postings, run the instant and digest paths, read what the sink received; run the same batch again
and receive nothing new; kill the worker with SIGKILL in the middle of a batch and still end with every
email exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from alerts.models import Alert, AlertDelivery
from alerts.services.ledger import alerts_match_posting
from alerts.tasks import alerts_deliver_pending_task, alerts_deliver_task, alerts_match_due_task
from jobboard.celery import app as celery_app
from jobboard.mail import email_send
from postings.services.workflow import posting_publish
from tests.alerts.alerts_support import make_alert
from tests.factories import PendingPostingFactory, PublishedPostingFactory
from tests.integration.conftest import BASE_DIR, SmtpSink, _test_database_url

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


# -- SIGKILL in the middle of a batch -----------------------------------------------------------------------


class GatedSink(SmtpSink):
    """Accepts messages until `stop_at`, then holds the next one open until released, and refuses it:
    the worker dies while that message is in flight, before the server said yes."""

    def __init__(self, stop_at: int) -> None:
        super().__init__()
        self.stop_at = stop_at
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) == self.stop_at and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted: try again"
        return await super().handle_DATA(server, session, envelope)


def start_worker(sink_port: int, *, concurrency: int) -> subprocess.Popen:
    """A worker in a session of its own, so SIGKILL can take its whole process group at once."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings.dev",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool", "prefork", "--concurrency",
               str(concurrency), "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]  # fmt: skip
    return subprocess.Popen(command, cwd=BASE_DIR, env=environment, start_new_session=True)


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def forget_unacknowledged() -> None:
    """Start from a clean broker: no message left unacknowledged by an earlier run's killed worker."""
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


def redeliver_unacknowledged() -> int:
    """What Redis does for a task whose worker vanished once the visibility timeout (an hour) has passed:
    put its message back on the queue. Done now so the test need not wait an hour."""
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        tags = channel.client.hkeys(channel.unacked_key)
        for tag in tags:
            channel.qos.restore_by_tag(tag, leftmost=True)
        return len(tags)


@pytest.fixture
def gated_sink():
    sink = GatedSink(stop_at=12)
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        sink.release.set()
        controller.stop()


def test_a_worker_killed_mid_batch_leaves_every_email_sent_exactly_once(gated_sink):
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    forget_unacknowledged()
    alerts = [make_alert({"region": "US-TX"}, email=f"seeker{number:02}@example.com") for number in range(30)]
    posting = PublishedPostingFactory(region="US-TX", published_at=timezone.now())
    alerts_match_posting(posting_id=posting.pk, enqueue=False)
    alerts_deliver_task.delay(alert_ids=[alert.pk for alert in alerts])  # one batch, one SMTP connection
    worker = start_worker(gated_sink.port, concurrency=1)
    replacement = None
    try:
        assert gated_sink.holding.wait(60), "the worker never reached the middle of the batch"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        gated_sink.release.set()

        sent = AlertDelivery.objects.filter(status="sent").count()
        assert sent == 12, "each message's row is committed right after the server accepted it"
        assert AlertDelivery.objects.filter(status="pending").count() == 18

        replacement = start_worker(gated_sink.port, concurrency=2)
        assert redeliver_unacknowledged() == 1  # the killed batch comes back ...
        alerts_deliver_pending_task.delay()  # ... while beat's sweep also hands out what is pending
        gated_sink.wait_for(30, timeout=60)
        time.sleep(2)  # anything extra would arrive now
    finally:
        celery_app.conf.task_always_eager = True
        stop_worker(worker)
        if replacement is not None:
            stop_worker(replacement)

    received = Counter(message["X-Envelope-To"] for message in gated_sink.messages)
    assert received == {alert.email: 1 for alert in alerts}
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
