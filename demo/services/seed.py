"""`demo_seed` fills an empty board with realistic employers, postings and applicants.

Two promises shape the demo data:

- Determinism. Every random choice comes from `random.Random` instances seeded from `seed`, and every date
  is an offset from one `now` read at the start, so the same seed gives the same rows (with dates moved
  along by the time between runs).
  Employers, postings and applicants draw from separate streams, so `--postings` does not change who the
  employers are.
- Speed with bounded memory. Postings, their requirements and options are generated in chunks and streamed
  to PostgreSQL with COPY (1,000,000 postings load in minutes). Ids are assigned in Python, from a block reserved
  in the table's sequence while the tables are locked, so a requirement can point at its posting without a
  round trip per row. The other tables are small and use `bulk_create`.
"""

from __future__ import annotations

import random
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from postings.models import CredentialType, Posting

from .applicants import applicants_create
from .common import DemoDataExists
from .employers import employers_create
from .postings import postings_create

MAX_APPLICANTS = 5_000
DEMO_PASSWORD = "demo"  # every demo user's password; the data is for development only


def demo_seed(
    *, postings: int, employers: int, seed: int, password: str = DEMO_PASSWORD, stdout: TextIO | None = None
) -> dict[str, int]:
    """Create `employers` employers with owners, `postings` postings and about postings/20 applicants.

    Refuses (DemoDataExists) when the board already has postings or the demo accounts exist. Every demo user
    gets `password`. `stdout` gets a progress bar; None keeps quiet. Dates are relative to the current time,
    read once. Returns the number of rows created per kind.
    """
    if postings < 0 or employers < 1:
        raise ValueError("Seed at least one employer and no negative number of postings.")
    now = timezone.now().replace(microsecond=0)
    applicants = min(postings // 20, MAX_APPLICANTS)
    password = make_password(password, salt=f"seeddemo{seed}")  # hashed once; deterministic per seed

    with transaction.atomic():
        if Posting.objects.exists():
            raise DemoDataExists("The board already has postings; seed_demo only fills an empty board.")
        employer_list = employers_create(
            rng=random.Random(f"{seed}:employers"), count=employers, now=now, password=password
        )
        credential_ids = dict(CredentialType.objects.values_list("code", "id"))
        posting_counts = postings_create(
            rng=random.Random(f"{seed}:postings"),
            languages_rng=random.Random(f"{seed}:languages"),
            count=postings,
            employers=employer_list,
            credential_ids=credential_ids,
            now=now,
            stdout=stdout,
        )
        held = applicants_create(
            rng=random.Random(f"{seed}:applicants"),
            count=applicants,
            credential_ids=credential_ids,
            now=now,
            password=password,
        )
    return {
        "employers": employers,
        "users": employers + applicants,
        "postings": postings,
        "requirements": posting_counts["requirements"],
        "options": posting_counts["options"],
        "applicants": applicants,
        "held_credentials": held,
    }
