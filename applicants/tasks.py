"""Thin Celery wrappers: each loads by id and calls one idempotent service."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def applications_notify_employer_task(*, employer_id: int) -> int:
    return services.employer_applications_notify(employer_id=employer_id)


@shared_task(acks_late=True)
def applications_notify_pending_task() -> int:
    return services.applications_notify_pending()


@shared_task(acks_late=True)
def application_resumes_purge_task() -> int:
    return services.application_resumes_purge()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def user_sessions_delete_task(*, user_id: int) -> int:
    return services.user_sessions_delete(user_id=user_id)
