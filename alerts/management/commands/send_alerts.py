"""`send_alerts --frequency instant|daily|weekly`: what Celery beat runs, by hand, in this process."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts.models import Alert, AlertDelivery
from alerts.services.delivery import alerts_deliver
from alerts.services.ledger import alerts_match_due


class Command(BaseCommand):
    help = "Match the alerts of a frequency that are due and send their emails now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=Alert.Frequency.values)

    def handle(self, *args, frequency, **options):
        matched = alerts_match_due(frequency=frequency, enqueue=False)
        # Also whatever of this frequency is still pending from earlier runs (retries, a lost worker).
        pending = AlertDelivery.objects.due_alert_ids(timezone.now(), frequency=frequency)
        alert_ids = sorted(set(matched) | set(pending))
        report = alerts_deliver(alert_ids=alert_ids)
        self.stdout.write(
            f"{len(matched)} {frequency} alert(s) matched new jobs; {report.messages} email(s) sent, "
            f"{report.temporary_failures} to retry, {report.permanent_failures} refused."
        )
