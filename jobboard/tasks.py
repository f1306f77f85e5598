import logging

from celery import Task, shared_task
from celery.result import AsyncResult
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from .celery import app
from .mail import outgoing_email_send, outgoing_emails_purge, outgoing_emails_send_due

logger = logging.getLogger(__name__)


def enqueue(name: str, /, *args, **kwargs) -> AsyncResult:
    """Queue the task registered under `name` without importing it.

    An app starts work that belongs to an app above it (a publication wakes the job alerts) by the task's
    name, so the import graph keeps pointing one way. With CELERY_TASK_ALWAYS_EAGER (the tests) the task
    runs here and now, as `.delay()` would run it: `send_task` ignores that setting.
    """
    if not app.conf.task_always_eager:
        return app.send_task(name, args=args, kwargs=kwargs)
    if name not in app.tasks:
        app.loader.import_default_modules()  # what a worker imports at start: CELERY_IMPORTS, autodiscovery
    return app.tasks[name].delay(*args, **kwargs)


def enqueue_on_commit(task: Task | str, /, *, countdown: int | None = None, **kwargs) -> None:
    """Queue `task` (or the task of that name) with `kwargs` once the current transaction commits.

    A nudge, never a duty: what the task must do is recorded in PostgreSQL (an outbox row, a ledger row,
    an unannounced application) and a beat sweep finds it. So when the broker cannot be reached the request
    that committed still succeeds; the work waits for the sweep once Redis is back.
    """

    def send() -> None:
        try:
            if isinstance(task, str):
                enqueue(task, **kwargs)
            else:
                task.apply_async(kwargs=kwargs, countdown=countdown)
        except (BrokerError, RedisError, ConnectionError) as error:
            logger.warning("could not queue %s (%s): beat's sweep will do it", getattr(task, "name", task), error)

    transaction.on_commit(send)


# Delivery failures are handled by the outbox (backoff, then a final state), not by Celery retries.
@shared_task(acks_late=True)
def email_send_task(*, email_id: int) -> bool:
    return outgoing_email_send(email_id=email_id)


@shared_task(acks_late=True)
def emails_send_due_task() -> int:
    """Beat, every minute: what the outbox still owes."""
    return outgoing_emails_send_due()


@shared_task(acks_late=True)
def emails_purge_task() -> int:
    return outgoing_emails_purge()
