from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.services.guard import ALLOW_FLAG, demo_password, demo_require_allowed
from postings.models import Posting

ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@rxtech.example"
ADMIN_PASSWORD = "pharmacy-demo"  # Development only, printed on every start; elsewhere a password of its own.


class Command(BaseCommand):
    help = (
        "First start of `make run`: load demo data once and make sure the demo admin exists. Development "
        f"settings only, unless {ALLOW_FLAG} is given (then with a password from $DEMO_PASSWORD or a random one)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            ALLOW_FLAG, action="store_true", help="Run under settings that are not for development (not advised)."
        )

    def handle(self, *args, **options):
        forced = options["allow_production"]
        demo_require_allowed(forced=forced, command="demo_setup")
        password, generated = demo_password(development_password=ADMIN_PASSWORD)
        if not Posting.objects.exists():
            self.stdout.write("Loading demo data (first start only) ...")
            call_command("seed_demo", allow_production=forced, stdout=self.stdout, stderr=self.stderr)
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"email": ADMIN_EMAIL, "is_staff": True, "is_superuser": True}
        )
        # Staff sign in through allauth's form (jobboard.views.admin_login), by a verified email address.
        EmailAddress.objects.get_or_create(user=admin, email=admin.email, defaults={"verified": True, "primary": True})
        # An admin left with the development password (a database once run under development settings) gets
        # the new one too: outside development no account keeps a password printed in the README.
        if created or (password != ADMIN_PASSWORD and admin.check_password(ADMIN_PASSWORD)):
            admin.set_password(password)
            admin.save(update_fields=["password"])
        if password == ADMIN_PASSWORD:
            login = f"user {ADMIN_EMAIL}, password {ADMIN_PASSWORD}"
        elif generated and admin.check_password(password):
            login = f"user {ADMIN_EMAIL}, password {password}: shown this once, keep it"
        else:
            login = f"user {ADMIN_EMAIL}"
        self.stdout.write(
            self.style.SUCCESS(
                "\n  The board:  http://127.0.0.1:8000/\n"
                f"  Admin:      http://127.0.0.1:8000/admin/  ({login})\n"
                "  Emails are written to .local/mail/\n"
            )
        )
