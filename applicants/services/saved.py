"""Saved jobs: an applicant's short list of postings."""

from __future__ import annotations

from django.db import transaction

from applicants.models import ApplicantProfile, SavedJob
from postings.models import Posting


def saved_job_add(*, profile: ApplicantProfile, posting: Posting) -> SavedJob:
    """Idempotent: saving twice (two tabs, a double click) keeps one row."""
    saved, _ = SavedJob.objects.get_or_create(profile=profile, posting=posting)
    return saved


@transaction.atomic
def saved_job_remove(*, profile: ApplicantProfile, posting: Posting) -> None:
    SavedJob.objects.filter(profile=profile, posting=posting).delete()
