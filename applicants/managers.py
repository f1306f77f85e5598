"""Every read of the applicants app, as chainable QuerySet methods.

Access is scoped here: an applicant reaches rows through `for_user` / `for_applicant`; an employer's team
through `for_employer`, given an organisation the employer area resolved among the user's memberships on
this very request (employers/views/base.py), so a removed team member loses access with their membership row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce


class ApplicantProfileQuerySet(models.QuerySet):
    def for_user(self, user) -> ApplicantProfileQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


# The one rule of a credential's validity: it is still good on its expiry date. As a condition here, in Python
# (HeldCredential.is_valid_on) and in SQL (job alerts match in one statement), all three from this place.
def credential_valid_on(expires_on: date | None, day: date) -> bool:
    return expires_on is None or expires_on >= day


def credential_valid_on_q(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day})


def credential_valid_on_sql(alias: str, day: str) -> str:
    """The rule in SQL, for the held credential `alias` on the date `day` (an SQL expression or parameter)."""
    return f"({alias}.expires_on IS NULL OR {alias}.expires_on >= {day})"


class HeldCredentialQuerySet(models.QuerySet):
    def for_user(self, user) -> HeldCredentialQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(profile__user=user)

    def valid_on(self, day: date) -> HeldCredentialQuerySet:
        """Unexpired on `day` (`credential_valid_on_q`)."""
        return self.filter(credential_valid_on_q(day))

    def for_display(self) -> HeldCredentialQuerySet:
        return self.select_related("credential_type").order_by("credential_type__name", "jurisdiction", "id")


def _credentials_prefetch(prefix: str = "") -> Prefetch:
    from .models import HeldCredential

    return Prefetch(f"{prefix}credentials", queryset=HeldCredential.objects.for_display())


class ApplicationQuerySet(models.QuerySet):
    # -- Scopes: who may see which application -------------------------------------------------

    def for_applicant(self, user) -> ApplicationQuerySet:
        """The applicant's own applications."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(profile__user=user)

    def for_employer(self, employer) -> ApplicationQuerySet:
        """Applications to the employer's postings."""
        return self.filter(posting__employer=employer)

    # -- Filters ---------------------------------------------------------------------------------

    def for_posting(self, posting) -> ApplicationQuerySet:
        return self.filter(posting=posting)

    def with_status(self, *statuses: str) -> ApplicationQuerySet:
        return self.filter(status__in=statuses)

    def decision_email_pending(self) -> ApplicationQuerySet:
        """Applications decided in bulk whose email still waits out its undo window: they can be undone."""
        return self.filter(events__email_due_at__isnull=False).distinct()

    def not_final(self) -> ApplicationQuerySet:
        from .models import Application

        return self.exclude(status__in=Application.FINAL)

    def awaiting_employer_notification(self) -> ApplicationQuerySet:
        return self.filter(employer_notified_at__isnull=True)

    def submitted_before(self, moment: datetime) -> ApplicationQuerySet:
        return self.filter(submitted_at__lte=moment)

    def with_resume(self) -> ApplicationQuerySet:
        return self.exclude(resume="")

    def closed_before(self, moment: datetime) -> ApplicationQuerySet:
        """Applications to postings that stopped taking applications before `moment`.

        A posting closes when it expires, is filled or is closed; the latest such event says when (an
        expired posting may have been renewed and closed again). A published posting past its date that
        the expiry task has not reached yet closed at `expires_at`.
        """
        from postings.models import Posting, PostingEvent

        closing = [Posting.Status.EXPIRED, Posting.Status.FILLED, Posting.Status.CLOSED]
        latest_closing = (
            PostingEvent.objects.filter(posting=OuterRef("pk"), to_status__in=closing)
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        closed = (
            Posting.objects.closed()
            .annotate(
                closed_at=models.Case(
                    models.When(status=Posting.Status.PUBLISHED, then="expires_at"),
                    default=Coalesce(Subquery(latest_closing), "expires_at"),
                )
            )
            .filter(closed_at__lte=moment)
        )
        return self.filter(posting__in=closed.values("pk"))

    def resumes_to_purge(self, *, now: datetime, days: int) -> ApplicationQuerySet:
        return self.with_resume().closed_before(now - timedelta(days=days))

    # -- Shapes for pages --------------------------------------------------------------------------

    def for_tracking(self) -> ApplicationQuerySet:
        """The applicant's list: the posting and employer joined, the history prefetched."""
        return (
            self.select_related("posting__employer")
            .defer("posting__description", "posting__search_vector")
            .prefetch_related("events")
            .order_by("-submitted_at", "-id")
        )

    def for_review(self) -> ApplicationQuerySet:
        """The team's list: the applicant and their credentials (for the match), in a fixed number of queries."""
        return self.select_related("profile__user").prefetch_related(_credentials_prefetch("profile__"))

    def status_counts(self) -> dict[str, int]:
        return dict(self.order_by().values_list("status").annotate(count=Count("id")))


class SavedJobQuerySet(models.QuerySet):
    def for_user(self, user) -> SavedJobQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(profile__user=user)

    def for_list(self) -> SavedJobQuerySet:
        return (
            self.select_related("posting__employer")
            .defer("posting__description", "posting__search_vector")
            .order_by("-created_at", "-id")
        )


class ApplyClickQuerySet(models.QuerySet):
    def for_user(self, user) -> ApplyClickQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


# -- Postings with their applications counted, for the team that reviews them ----------------------------


def postings_for_review(employer):
    """The employer's postings with their applicant counts: the team's entry to reviewing."""
    from postings.models import Posting

    from .models import Application

    active = ~Q(applications__status=Application.Status.WITHDRAWN)
    return (
        Posting.objects.for_employer(employer)
        .for_cards()
        .annotate(
            applicant_count=Count("applications", filter=active),
            new_count=Count("applications", filter=Q(applications__status=Application.Status.SUBMITTED)),
        )
    )
