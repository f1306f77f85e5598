from celery import shared_task

from . import services


@shared_task(acks_late=True)
def postings_expire_task() -> int:
    return services.postings_expire()
