"""Accounts: allauth, adapted so its mail leaves through the Celery worker like every other email."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives

from .mail import email_queue
from .ratelimits import client_address


def user_display(user) -> str:
    """Users know themselves by their email address; the generated username is never shown."""
    return user.email or user.get_full_name() or "your account"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render with allauth's templates (ours override them), then queue for the worker instead of sending."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
        email_queue(to=list(message.to), subject=message.subject, text=message.body, html=html or "")

    def get_client_ip(self, request) -> str:
        """The one notion of the client's address (trusted proxies counted), for allauth's limits too."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins count per account *and* address: allauth's default counts per account alone, so five
        wrong passwords from anywhere would lock the owner out too, for as long as someone keeps trying.
        allauth uses this key for the "key" rate of `login_failed` and clears it after a password reset."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"
