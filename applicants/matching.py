"""Does an applicant meet a posting's credential requirements, and if not, what is missing?

The same rules as the SQL of `PostingQuerySet.qualified_for` (tests hold the two to each other):
- a requirement is met by any one of its options;
- an option is met by a held credential of its type that is unexpired (good through its expiry date)
  and, when the type is issued per state or province and the option names one, from that jurisdiction:
  a national credential satisfies an option in any jurisdiction;
- only "required" requirements block; "preferred" and "obtain within N days of hire" never do.

It reads `posting.requirements.all()` and each option's credential type, so prefetch them
(`Posting.objects.for_detail()`): matching a page of applicants then costs no query per applicant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from postings.geo import region_name
from postings.models import CredentialRequirement

Level = CredentialRequirement.Level


def option_text(option) -> str:
    """ "PTCB CPhT", or "State technician registration (Texas)" for a state credential."""
    name = option.credential_type.name
    return f"{name} ({region_name(option.jurisdiction)})" if option.jurisdiction else name


def option_met_by(option, credential, day: date) -> bool:
    if credential.credential_type_id != option.credential_type_id or not credential.is_valid_on(day):
        return False
    if not option.jurisdiction or not option.credential_type.jurisdictional:
        return True
    return credential.jurisdiction == option.jurisdiction


def requirement_met_by(requirement, credentials: Iterable, day: date) -> bool:
    credentials = list(credentials)
    return any(
        option_met_by(option, credential, day) for option in requirement.options.all() for credential in credentials
    )


@dataclass(frozen=True)
class RequirementOutcome:
    requirement: CredentialRequirement
    met: bool
    text: str

    @property
    def level(self) -> str:
        return self.requirement.level

    @property
    def condition(self) -> str:
        """What the employer asks: "required", "preferred", "can be obtained within 90 days of hire"."""
        if self.level == Level.WITHIN:
            return f"can be obtained within {self.requirement.within_days} days of hire"
        return self.requirement.get_level_display().lower()

    def __str__(self) -> str:
        return f"{self.text} — {self.condition}"


@dataclass(frozen=True)
class Match:
    outcomes: list[RequirementOutcome] = field(default_factory=list)

    @property
    def qualified(self) -> bool:
        """Every required group met: what `qualified=1` filters on."""
        return all(outcome.met for outcome in self.outcomes if outcome.level == Level.REQUIRED)

    @property
    def missing(self) -> list[RequirementOutcome]:
        """Unmet requirements, the blocking ones first: what the posting page lists."""
        order = {Level.REQUIRED: 0, Level.WITHIN: 1, Level.PREFERRED: 2}
        unmet = [outcome for outcome in self.outcomes if not outcome.met]
        return sorted(unmet, key=lambda outcome: order.get(outcome.level, 3))

    @property
    def missing_required(self) -> list[RequirementOutcome]:
        return [outcome for outcome in self.missing if outcome.level == Level.REQUIRED]

    @property
    def met(self) -> list[RequirementOutcome]:
        return [outcome for outcome in self.outcomes if outcome.met]

    @property
    def has_requirements(self) -> bool:
        return bool(self.outcomes)

    @property
    def summary(self) -> str:
        """One line for a list of applicants: "Meets the requirements" or "Missing: PTCB CPhT or NHA ExCPT"."""
        if self.qualified:
            return "Meets the requirements"
        return "Missing: " + "; ".join(outcome.text for outcome in self.missing_required)


def posting_match(posting, credentials: Iterable, *, day: date | None = None) -> Match:
    """Match held credentials against a posting's prefetched requirements (see the module docstring)."""
    day = day or timezone.localdate()
    credentials = list(credentials)
    outcomes = []
    for requirement in posting.requirements.all():
        options = list(requirement.options.all())
        # A group without options (only possible through the admin) can be met by nothing, as in the SQL.
        text = " or ".join(option_text(option) for option in options) or "A credential the employer did not name"
        outcomes.append(
            RequirementOutcome(
                requirement=requirement, met=requirement_met_by(requirement, credentials, day), text=text
            )
        )
    return Match(outcomes=outcomes)


def posting_page_context(*, user, posting) -> dict:
    """What a posting page shows a signed-in applicant: the match, whether they saved it or applied.

    A user without a profile gets no verdict (`match` None): `qualified=1` shows them nothing either, and
    the page invites them to add their credentials instead.
    """
    from .models import ApplicantProfile, Application, SavedJob

    context = {"match": None, "saved": False, "application": None, "has_profile": False}
    if not user.is_authenticated:
        return context
    profile = ApplicantProfile.objects.for_user(user).first()
    if profile is None:
        return context
    context["has_profile"] = True
    context["match"] = posting_match(posting, profile.credentials.all())
    context["saved"] = SavedJob.objects.filter(profile=profile, posting=posting).exists()
    context["application"] = Application.objects.filter(profile=profile, posting=posting).first()
    return context
