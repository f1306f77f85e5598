"""Thin Celery wrappers: each loads by id and calls one idempotent service."""

from celery import shared_task
from django.db import OperationalError

from .services.applications import (
    application_decisions_send_due,
    applications_notify_pending,
    applications_posting_filled,
    employer_applications_notify,
)
from .services.privacy import application_resumes_purge, user_sessions_delete


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def applications_notify_employer_task(*, employer_id: int) -> int:
    return employer_applications_notify(employer_id=employer_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def applications_posting_filled_task(*, posting_id: int) -> int:
    return applications_posting_filled(posting_id=posting_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def application_decisions_send_due_task() -> int:
    return application_decisions_send_due()


@shared_task(acks_late=True)
def applications_notify_pending_task() -> int:
    return applications_notify_pending()


@shared_task(acks_late=True)
def application_resumes_purge_task() -> int:
    return application_resumes_purge()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def user_sessions_delete_task(*, user_id: int) -> int:
    return user_sessions_delete(user_id=user_id)
