from __future__ import annotations

from django.db import models


class EmployerQuerySet(models.QuerySet):
    def for_user(self, user) -> EmployerQuerySet:
        """Organisations the user is a member of: the one place employer access is scoped."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def with_open_posting_count(self) -> EmployerQuerySet:
        from postings.managers import open_q

        return self.annotate(open_posting_count=models.Count("postings", filter=open_q("postings__")))
