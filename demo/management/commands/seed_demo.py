from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from demo.services.common import DemoDataExists
from demo.services.guard import ALLOW_FLAG, demo_password, demo_require_allowed
from demo.services.seed import DEMO_PASSWORD, demo_seed


def _raw_stream(stream):
    """The stream under Django's wrappers (demo_setup passes its own): tqdm redraws its bar with carriage
    returns, and OutputWrapper would add a newline (and the error colour) to every redraw."""
    while isinstance(stream, OutputWrapper):
        stream = stream._out
    return stream


class Command(BaseCommand):
    help = (
        "Fill an empty board with realistic demo data: employers (each with an owner, "
        "owner@<employer-slug>.example), postings across US states and Canadian provinces with credential "
        "requirements, and about one applicant per 20 postings (at most 5,000). The same --seed gives the "
        "same data. Refuses to run when the database already has postings or the demo accounts; flush it "
        f"first. Every demo user's password is '{DEMO_PASSWORD}': for development databases only; under other "
        f"settings it refuses unless {ALLOW_FLAG} is given, and then uses $DEMO_PASSWORD or a random password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--postings", type=int, default=2000, help="Postings to create (default 2000).")
        parser.add_argument("--employers", type=int, default=60, help="Employers to create (default 60).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed, the same data.")
        parser.add_argument(
            ALLOW_FLAG, action="store_true", help="Run under settings that are not for development (not advised)."
        )

    def handle(self, *args, **options):
        demo_require_allowed(forced=options["allow_production"], command="seed_demo")
        password, generated = demo_password(development_password=DEMO_PASSWORD)
        progress = _raw_stream(self.stderr) if options["verbosity"] > 0 else None
        try:
            counts = demo_seed(
                postings=options["postings"],
                employers=options["employers"],
                seed=options["seed"],
                password=password,
                stdout=progress,
            )
        except (DemoDataExists, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            summary = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
        if generated:
            # Shown once and stored nowhere in clear: whoever ran the command keeps it or resets it.
            self.stdout.write(f"Every demo account's password: {password}")
