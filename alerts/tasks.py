"""Job alert tasks: thin wrappers that each call one idempotent service (the ledger makes retries harmless).

Listed in CELERY_IMPORTS. Late acknowledgement and reject-on-worker-lost are set globally: a task whose
worker dies is run again, and the ledger keeps that from sending anything twice.
"""

from celery import shared_task
from django.db import OperationalError

from .services.delivery import alerts_deliver, alerts_deliver_pending
from .services.ledger import alerts_match_due, alerts_match_posting
from .services.subscriptions import alert_keyword_queries_refresh, alerts_purge

# Connection-level trouble only (SMTP refusals are handled per message by the service). smtplib's errors
# are OSErrors, like refused connections and timeouts.
RETRY_ON = (OSError, OperationalError)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def alerts_match_posting_task(*, posting_id: int) -> int:
    """Enqueued on commit by posting_publish: the instant alerts this posting matches."""
    return len(alerts_match_posting(posting_id=posting_id))


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def alerts_match_due_task(*, frequency: str) -> int:
    """Beat: daily and weekly digests that are due, and the instant safety net."""
    return len(alerts_match_due(frequency=frequency))


@shared_task(
    acks_late=True, autoretry_for=RETRY_ON, retry_backoff=30, retry_backoff_max=30 * 60, retry_jitter=True,
    max_retries=10,
)  # fmt: skip
def alerts_deliver_task(*, alert_ids: list[int]) -> int:
    return alerts_deliver(alert_ids=alert_ids).messages


@shared_task(acks_late=True)
def alerts_deliver_pending_task() -> int:
    """Beat: what is still pending (a temporary failure's retry is due, a lost worker's leftovers)."""
    return alerts_deliver_pending()


@shared_task(acks_late=True)
def alerts_purge_task() -> int:
    return alerts_purge()


@shared_task(acks_late=True)
def alert_keyword_queries_refresh_task() -> int:
    """Beat, daily: saved keywords read as the search reads them today."""
    return alert_keyword_queries_refresh()
