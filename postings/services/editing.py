"""A posting's content, written from the dashboard form or the import: create, update, duplicate.

Callers hand in a posting or employer they took from `Employer.objects.for_user(user)`: object access
is checked there, once, and these functions trust it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from jobboard.slugs import first_free_slug
from postings.models import (
    CredentialOption,
    CredentialRequirement,
    CredentialType,
    InvalidTransition,
    Place,
    Posting,
    PostingEvent,
    PostingRevision,
)

Status = Posting.Status

# Fields copied by posting_duplicate: the content of the ad, not its identity or life cycle.
CONTENT_FIELDS = [
    "title",
    "description",
    "setting",
    "employment_types",
    "shifts",
    "experience",
    "arrangement",
    "duties",
    "systems",
    "country",
    "region",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "pay_min",
    "pay_max",
    "pay_period",
    "pay_currency",
    "sign_on_bonus",
    "shift_differential",
    "training_provided",
    "exam_fee_paid",
    "tuition_reimbursement",
    "apply_method",
    "apply_url",
    "apply_email",
]


def _unique_slug(*, employer, title: str) -> str:
    """The title's slug, numbered when the employer already has one like it (slugs are unique per employer)."""
    base = slugify(title)[:150] or "job"
    taken = set(Posting.objects.filter(employer=employer, slug__startswith=base).values_list("slug", flat=True))
    return first_free_slug(base, taken)


def _posting_geocode(posting: Posting) -> None:
    """Coordinates for distance search, from the ZIP code or else the city; left empty when neither is known."""
    place = None
    if posting.postal_code:
        place = Place.objects.resolve(posting.postal_code)
    if (place is None or place.country != posting.country) and posting.city:
        place = Place.objects.resolve(f"{posting.city}, {posting.region}")
    if place is not None and place.country == posting.country:
        posting.latitude, posting.longitude = place.latitude, place.longitude
    else:
        posting.latitude = posting.longitude = None


def _requirements_snapshot(posting: Posting) -> list:
    return [
        (r.level, r.within_days, sorted((o.credential_type_id, o.jurisdiction) for o in r.options.all()))
        for r in posting.requirements.prefetch_related("options")
    ]


def _requirements_given(requirements: list[dict]) -> list:
    """The snapshot of requirements as the form gives them, to compare with a stored posting's."""
    return [
        (
            r["level"],
            r.get("within_days") if r["level"] == CredentialRequirement.Level.WITHIN else None,
            sorted((getattr(t, "pk", t), j) for t, j in r["options"]),
        )
        for r in requirements
    ]


def requirements_from_json(rows: list) -> list[dict]:
    """A revision's stored requirements in the form `_requirements_replace` takes (credential types loaded once)."""
    types = CredentialType.objects.in_bulk({type_id for _, _, options in rows for type_id, _ in options})
    return [
        {"level": level, "within_days": days, "options": [(types[t], j) for t, j in options if t in types]}
        for level, days, options in rows
    ]


def _requirements_replace(*, posting: Posting, requirements: list[dict]) -> None:
    """Requirements are small and edited as a whole: replace them rather than diff them."""
    posting.requirements.all().delete()
    for position, requirement in enumerate(requirements):
        within = requirement["level"] == CredentialRequirement.Level.WITHIN
        row = CredentialRequirement.objects.create(
            posting=posting,
            level=requirement["level"],
            within_days=requirement.get("within_days") if within else None,
            position=position,
        )
        CredentialOption.objects.bulk_create(
            CredentialOption(requirement=row, credential_type=credential_type, jurisdiction=jurisdiction)
            for credential_type, jurisdiction in requirement["options"]
        )


@transaction.atomic
def posting_create(*, employer, by, data: dict, requirements: list[dict]) -> Posting:
    """A new draft from validated form data (`PostingForm.cleaned_data`, `RequirementFormSet.requirements`)."""
    posting = Posting(employer=employer, created_by=by, status=Status.DRAFT)
    for field, value in data.items():
        setattr(posting, field, value)
    posting.title = posting.title or Posting.UNTITLED
    posting.slug = _unique_slug(employer=employer, title=posting.title)
    _posting_geocode(posting)
    posting.save()
    _requirements_replace(posting=posting, requirements=requirements)
    PostingEvent.objects.create(posting=posting, from_status="", to_status=Status.DRAFT, by=by, reason="Created")
    return posting


@transaction.atomic
def posting_update(*, posting: Posting, by, data: dict, requirements: list[dict]) -> Posting:
    """Save an edit. An edit to a live posting of an employer that is not trusted is held as a pending revision:
    the published version stays up, unchanged, until a moderator approves it (`revisions.posting_revision_approve`).
    """
    # Compared with the stored row: a ModelForm has already copied its data onto the instance it validated.
    # The row is locked, and its life cycle taken from it, so a moderator's decision meanwhile is not overwritten.
    stored = Posting.objects.select_for_update().get(pk=posting.pk)
    if stored.status in (Status.FILLED, Status.CLOSED):
        raise InvalidTransition(f"A {stored.get_status_display().lower()} posting cannot be edited; duplicate it.")
    if stored.status == Status.PUBLISHED and not stored.employer.trusted:
        return _posting_revision_hold(posting=stored, by=by, data=data, requirements=requirements)
    posting.status, posting.published_at, posting.expires_at = stored.status, stored.published_at, stored.expires_at
    before = ({field: getattr(stored, field) for field in data}, _requirements_snapshot(stored))
    for field, value in data.items():
        setattr(posting, field, value)
    posting.title = posting.title or Posting.UNTITLED
    _posting_geocode(posting)
    posting.save()
    _requirements_replace(posting=posting, requirements=requirements)
    after = ({field: getattr(posting, field) for field in data}, _requirements_snapshot(posting))
    if before != after and posting.status in (Status.PUBLISHED, Status.EXPIRED):
        PostingEvent.objects.create(
            posting=posting, from_status=posting.status, to_status=posting.status, by=by, reason="Edited"
        )
    return posting


def _posting_revision_hold(*, posting: Posting, by, data: dict, requirements: list[dict]) -> Posting:
    """Keep the edit of a live posting as its one pending revision (replacing an earlier one); the posting's row is
    not written. An edit that leaves it as published withdraws the pending revision."""
    changed = {field: value for field, value in data.items() if getattr(posting, field) != value}
    given = _requirements_given(requirements)
    new_requirements = given if given != _requirements_snapshot(posting) else None
    pending = PostingRevision.objects.select_for_update().filter(posting=posting, status=PostingRevision.Status.PENDING)
    pending.update(status=PostingRevision.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now())
    if changed or new_requirements is not None:
        PostingRevision.objects.create(posting=posting, data=changed, requirements=new_requirements, created_by=by)
    return posting


def posting_revision_apply(*, revision: PostingRevision, by) -> Posting:
    """Write a pending revision onto its posting (the caller, a moderator's approval, holds the lock)."""
    posting = Posting.objects.select_for_update().select_related("employer").get(pk=revision.posting_id)
    revision.apply_to(posting)
    _posting_geocode(posting)
    posting.save()
    if revision.requirements is not None:
        _requirements_replace(posting=posting, requirements=requirements_from_json(revision.requirements))
    revision.status, revision.decided_by, revision.decided_at = PostingRevision.Status.APPROVED, by, timezone.now()
    revision.save(update_fields=["status", "decided_by", "decided_at"])
    return posting


@transaction.atomic
def posting_duplicate(*, posting: Posting, by) -> Posting:
    """A new draft with the same content and requirements: the quick way to post the same role again."""
    copy = Posting(employer=posting.employer, created_by=by, status=Status.DRAFT)
    for field in CONTENT_FIELDS:
        setattr(copy, field, getattr(posting, field))
    copy.slug = _unique_slug(employer=posting.employer, title=posting.title)
    copy.save()
    requirements = [
        {
            "level": requirement.level,
            "within_days": requirement.within_days,
            "options": [(option.credential_type, option.jurisdiction) for option in requirement.options.all()],
        }
        for requirement in posting.requirements.prefetch_related("options__credential_type")
    ]
    _requirements_replace(posting=copy, requirements=requirements)
    PostingEvent.objects.create(
        posting=copy, from_status="", to_status=Status.DRAFT, by=by, reason=f"Duplicated from posting {posting.pk}"
    )
    return copy
