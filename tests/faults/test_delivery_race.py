"""Several delivery tasks over the same pending alert emails at once, as when beat's sweep runs while a slow batch
is still sending: every subscriber gets one email."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.utils import timezone

from alerts.models import AlertDelivery
from alerts.services.ledger import alerts_match_posting
from alerts.tasks import alerts_deliver_pending_task, alerts_deliver_task
from tests.factories import PublishedPostingFactory
from tests.integration.conftest import SmtpSink, smtp_serving

from .conftest import alerts_alike, broker, recipients, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 300


class SlowSink(SmtpSink):
    """A little slow to say yes, as a real server under load: the racing tasks overlap on every alert."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_sink():
    with smtp_serving(SlowSink()) as sink:
        yield sink


def test_delivery_tasks_racing_over_the_same_alerts_send_each_subscriber_one_email(services, slow_sink):
    alerts = alerts_alike(
        {"region": "US-TX"}, addresses=[f"seeker{number:03}@example.com" for number in range(SUBSCRIBERS)]
    )
    posting = PublishedPostingFactory(region="US-TX", published_at=timezone.now())
    alerts_match_posting(posting_id=posting.pk, enqueue=False)
    ids = [alert.pk for alert in alerts]
    with broker(services.redis.url):
        # The batch, the same batch again (a redelivered message), the sweep; and in reverse order, so the
        # racers meet in the middle rather than trailing one another.
        alerts_deliver_task.delay(alert_ids=ids)
        alerts_deliver_task.delay(alert_ids=ids[::-1])
        alerts_deliver_pending_task.delay()
        alerts_deliver_task.delay(alert_ids=ids)
    services.worker(concurrency=4, beat=True, smtp_port=slow_sink.port)

    wait_until(lambda: len(slow_sink.messages) >= SUBSCRIBERS, timeout=90,
               message=f"only {len(slow_sink.messages)} of {SUBSCRIBERS} alert emails arrived")  # fmt: skip
    wait_until(lambda: not AlertDelivery.objects.filter(status="pending").exists(), timeout=30,
               message="deliveries left pending")  # fmt: skip
    time.sleep(3)  # the racers' last messages

    assert recipients(slow_sink) == {alert.email: 1 for alert in alerts}
