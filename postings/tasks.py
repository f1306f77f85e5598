from celery import shared_task

from .search.suggestions import search_words_refresh
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


@shared_task(acks_late=True)
def search_words_refresh_task() -> int:
    """Beat: the words of open postings, which "did you mean" suggests from."""
    return search_words_refresh()
