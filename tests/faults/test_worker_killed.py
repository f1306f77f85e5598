"""A Celery worker SIGKILLed in the middle of a batch: every email still arrives, exactly once, within a minute.

The worker dies while the SMTP server holds a message open (before it said yes) and with the next task
reserved but unacknowledged. A replacement worker runs beat with the sweeps and timeouts shortened by
environment (conftest.py): claims left by the dead worker go stale and are sent again, and nothing waits for
Redis's visibility timeout.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from alerts.models import AlertDelivery
from alerts.services.ledger import alerts_match_posting
from alerts.tasks import alerts_deliver_task
from jobboard.mail import email_send
from tests.factories import PublishedPostingFactory
from tests.integration.conftest import SmtpSink

from .conftest import alerts_alike, broker, recipients, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class GatedSink(SmtpSink):
    """Accepts messages until `stop_at`, then holds the next one open until released, and refuses it: the
    worker dies while that message is in flight, before the server said yes."""

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


def emails(first: int, count: int) -> list[str]:
    addresses = [f"applicant{number:02}@example.com" for number in range(first, first + count)]
    with transaction.atomic():  # as a request would: the emails are owed once this commits
        for address in addresses:
            email_send(to=[address], template="test", context={"recipient": address})
    return addresses


def test_a_worker_killed_mid_batch_leaves_every_email_sent_exactly_once_within_a_minute(services, gated_sink):
    alerts = alerts_alike({"region": "US-TX"}, addresses=[f"seeker{number:02}@example.com" for number in range(30)])
    posting = PublishedPostingFactory(region="US-TX", published_at=timezone.now())
    alerts_match_posting(posting_id=posting.pk, enqueue=False)
    with broker(services.redis.url):
        # Ten emails, one batch of thirty alert emails over one SMTP connection, ten more emails.
        owed = emails(0, 10)
        alerts_deliver_task.delay(alert_ids=[alert.pk for alert in alerts])
        owed += emails(10, 10)
    worker = services.worker(concurrency=1, beat=False, smtp_port=gated_sink.port)

    assert gated_sink.holding.wait(60), "the worker never reached the middle of the batch"
    os.killpg(worker.pid, signal.SIGKILL)  # the pool process too
    worker.wait(timeout=10)
    gated_sink.release.set()
    killed_at = time.monotonic()
    assert len(gated_sink.messages) == 12

    services.worker(concurrency=2, beat=True, smtp_port=gated_sink.port)
    expected = dict.fromkeys([*owed, *(alert.email for alert in alerts)], 1)
    wait_until(lambda: len(gated_sink.messages) >= len(expected), timeout=60,
               message=f"{len(expected) - len(gated_sink.messages)} emails missing after a minute")  # fmt: skip
    recovered = time.monotonic() - killed_at
    time.sleep(6)  # a stale claim's second copy, or a redelivered task's, would arrive now

    assert recipients(gated_sink) == expected
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert recovered < 60
