from __future__ import annotations

from datetime import datetime

from django.db import models


class OutgoingEmailQuerySet(models.QuerySet):
    def pending(self) -> OutgoingEmailQuerySet:
        return self.filter(status="pending")

    def sent_before(self, moment: datetime) -> OutgoingEmailQuerySet:
        return self.filter(status="sent", sent_at__lt=moment)
