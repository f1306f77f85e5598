import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from employers.models import Employer
from postings.importing import postings_import

# Below this many lines the import is quick enough that a progress bar is only noise.
PROGRESS_FROM_LINES = 500


class Command(BaseCommand):
    help = (
        "Import postings from a JSON Lines file (docs/import-format.md). A file with any bad line imports "
        "nothing unless --skip-invalid; re-importing updates postings by their reference."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines file, or - for standard input")
        parser.add_argument("--employer", help="slug of the employer every line belongs to")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; save nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid lines, report the others")

    def handle(self, *args, file, employer, dry_run, skip_invalid, **options):
        employer_obj = None
        if employer:
            employer_obj = Employer.objects.filter(slug=employer).first()
            if employer_obj is None:
                raise CommandError(f"No employer with the slug {employer!r}.")
        lines = self._read(file)
        bar = tqdm(
            total=len(lines), unit="line", file=self.stderr._out, disable=len(lines) < PROGRESS_FROM_LINES, leave=False
        )
        result = postings_import(
            lines=lines,
            employer=employer_obj,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            progress=lambda number: bar.update(1),
        )
        bar.close()
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors and not skip_invalid:
            raise CommandError(
                f"{len(result.errors)} bad line{'s' if len(result.errors) != 1 else ''}: nothing was imported "
                "(fix them, or use --skip-invalid to import the others)."
            )
        verb = "Would import" if dry_run else "Imported"
        skipped = (
            f", skipped {len(result.errors)} bad line{'s' if len(result.errors) != 1 else ''}" if result.errors else ""
        )
        self.stdout.write(f"{verb} {result.valid} postings: {result.created} new, {result.updated} updated{skipped}.")

    def _read(self, path: str) -> list[bytes]:
        if path == "-":
            return sys.stdin.buffer.read().splitlines()
        try:
            with open(path, "rb") as handle:
                return handle.read().splitlines()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
