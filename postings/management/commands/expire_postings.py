from django.core.management.base import BaseCommand

from postings.services.workflow import postings_expire


class Command(BaseCommand):
    help = "Expire published postings past their expiry date (what Celery beat runs every 15 minutes)."

    def handle(self, *args, **options):
        count = postings_expire()
        self.stdout.write(f"Expired {count} posting{'s' if count != 1 else ''}.")
