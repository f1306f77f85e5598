from django.core.management.base import BaseCommand

from jobboard.mail import email_send


class Command(BaseCommand):
    help = "Send a test email through the Celery worker (check the worker and the mail settings)."

    def add_arguments(self, parser):
        parser.add_argument("to", help="recipient address")

    def handle(self, *args, to, **options):
        email_send(to=[to], template="test", context={"recipient": to})
        self.stdout.write(f"Queued a test email to {to}; the Celery worker sends it.")
