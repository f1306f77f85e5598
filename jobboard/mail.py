"""Every email the board sends goes through here: rendered from templates, sent by the Celery worker."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """Render `email/<template>_subject.txt`, `.txt` and `.html` into (subject, text, html)."""
    context = {"SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    return subject, text, html


def email_send(*, to: list[str], template: str, context: dict, headers: dict | None = None) -> None:
    """Render now (so the worker needs no request state), send from the worker once the transaction commits."""
    subject, text, html = email_render(template=template, context=context)
    email_queue(to=to, subject=subject, text=text, html=html, headers=headers)


def email_queue(*, to: list[str], subject: str, text: str, html: str, headers: dict | None = None) -> None:
    """Hand an already rendered message to the worker once the transaction commits (allauth renders its own)."""
    from .tasks import email_send_task

    transaction.on_commit(
        lambda: email_send_task.delay(to=to, subject=subject, text=text, html=html, headers=headers or {})
    )
