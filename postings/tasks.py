from celery import shared_task

from . import services


@shared_task(acks_late=True)
def postings_expire_task() -> int:
    return services.postings_expire()


@shared_task(acks_late=True)
def postings_remind_expiring_task() -> int:
    """Idempotent (one reminder per posting and expiry date), so a redelivered run sends nothing twice."""
    return services.postings_remind_expiring()


@shared_task(acks_late=True)
def posting_views_flush_task() -> int:
    return services.posting_views_flush()
