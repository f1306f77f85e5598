import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


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
