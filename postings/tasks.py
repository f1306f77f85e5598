from celery import shared_task

from .services.counters import posting_views_flush
from .services.reminders import postings_remind_expiring
from .services.workflow import postings_expire


@shared_task(acks_late=True)
def postings_expire_task() -> int:
    return postings_expire()


@shared_task(acks_late=True)
def postings_remind_expiring_task() -> int:
    """Idempotent (one reminder per posting and expiry date), so a redelivered run sends nothing twice."""
    return postings_remind_expiring()


@shared_task(acks_late=True)
def posting_views_flush_task() -> int:
    return posting_views_flush()
