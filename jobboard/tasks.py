import smtplib

from celery import shared_task
from celery.result import AsyncResult
from django.core.mail import EmailMultiAlternatives

from .celery import app


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


@shared_task(
    autoretry_for=(smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def email_send_task(*, to: list[str], subject: str, text: str, html: str, headers: dict) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
    if html:  # some of allauth's messages are plain text only
        message.attach_alternative(html, "text/html")
    message.send()
