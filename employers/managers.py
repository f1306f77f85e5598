from __future__ import annotations

from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


class EmployerQuerySet(models.QuerySet):
    def for_user(self, user) -> EmployerQuerySet:
        """Organisations the user is a member of: the one place employer access is scoped."""
        if not user.is_authenticated:
            return self.none()
        # The annotation reads the membership row the filter joined: the user's role in each organisation.
        return self.filter(memberships__user=user).annotate(member_role=models.F("memberships__role"))

    def with_open_posting_count(self) -> EmployerQuerySet:
        # Postings build on employers, so their rule for "open" is reached through the relation, not imported.
        postings = self.model._meta.get_field("postings").related_model.objects.open()
        counts = postings.filter(employer=OuterRef("pk")).order_by().values("employer").annotate(n=Count("pk"))
        return self.annotate(open_posting_count=Coalesce(Subquery(counts.values("n")), 0))

    def hiring(self) -> EmployerQuerySet:
        """Employers with at least one open posting, each with `open_posting_count`."""
        return self.with_open_posting_count().filter(open_posting_count__gt=0)


class EmployerMemberQuerySet(models.QuerySet):
    def owners(self) -> EmployerMemberQuerySet:
        return self.filter(role=self.model.Role.OWNER)

    def for_employer(self, employer) -> EmployerMemberQuerySet:
        return self.filter(employer=employer)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True)
