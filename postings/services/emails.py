"""Who hears from the board about a posting, and the dashboard link the email carries."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from employers.models import EmployerMember
from jobboard.mail import email_send
from postings.models import Posting


def posting_owner_emails(posting: Posting) -> list[str]:
    return list(
        EmployerMember.objects.for_employer(posting.employer_id)
        .owners()
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def posting_poster_emails(posting: Posting) -> list[str]:
    """Who hears about a moderator's decision: whoever created the posting, else the employer's owners."""
    if posting.created_by_id and posting.created_by.email:
        return [posting.created_by.email]
    return posting_owner_emails(posting)


def posting_dashboard_url(posting: Posting) -> str:
    return settings.SITE_URL + reverse("dashboard:posting", kwargs={"slug": posting.employer.slug, "pk": posting.pk})


def poster_email_send(*, posting: Posting, template: str, context: dict) -> None:
    recipients = posting_poster_emails(posting)
    if recipients:
        email_send(
            to=recipients,
            template=template,
            context={"posting": posting, "url": posting_dashboard_url(posting), **context},
        )
