from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from postings.models import Posting

ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@rxtech.example"
ADMIN_PASSWORD = "pharmacy-demo"  # A demo-only login, printed on every start; never created in production.


class Command(BaseCommand):
    help = "First start of `make run`: load demo data once and make sure the demo admin exists."

    def handle(self, *args, **options):
        if not Posting.objects.exists():
            self.stdout.write("Loading demo data (first start only) ...")
            call_command("seed_demo", stdout=self.stdout, stderr=self.stderr)
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"email": ADMIN_EMAIL, "is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(ADMIN_PASSWORD)
            admin.save(update_fields=["password"])
        self.stdout.write(
            self.style.SUCCESS(
                "\n  The board:  http://127.0.0.1:8000/\n"
                f"  Admin:      http://127.0.0.1:8000/admin/  (user {ADMIN_USERNAME}, password {ADMIN_PASSWORD})\n"
                "  Emails are written to .local/mail/\n"
            )
        )
