from __future__ import annotations

import pycountry
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from postings.models import CredentialType, Setting, Shift

from .managers import (
    ApplicantProfileQuerySet,
    ApplicationQuerySet,
    ApplyClickQuerySet,
    HeldCredentialQuerySet,
    SavedJobQuerySet,
    credential_valid_on,
)
from .storage import private_storage


class ApplicantProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile")
    full_name = models.CharField(max_length=150, blank=True)
    headline = models.CharField(max_length=150, blank=True, help_text='e.g. "CPhT, 4 years in hospital IV room"')
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=100, blank=True)
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    desired_settings = ArrayField(models.CharField(max_length=25, choices=Setting.choices), default=list, blank=True)
    desired_shifts = ArrayField(models.CharField(max_length=10, choices=Shift.choices), default=list, blank=True)
    # The resume: stored under a random name in private storage; `resume_name` is the cleaned name shown.
    resume = models.FileField(storage=private_storage, max_length=255, blank=True)
    resume_name = models.CharField(max_length=100, blank=True)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True)
    # The applicant's choice: an email at each step of an application they can see, and when the job is filled.
    # The employer's final decision (hired, not selected) is always emailed.
    status_emails = models.BooleanField(
        default=True,
        help_text="Email me when an employer views my application or moves it on, and when the job is filled.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicantProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(years_experience__isnull=True) | Q(years_experience__lte=60),
                name="profile_years_experience_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("applicants:me")

    @property
    def display_name(self) -> str:
        return self.full_name or self.user.get_full_name() or self.user.email or self.user.get_username()

    def get_desired_settings_display(self) -> list[str]:
        return [Setting(value).label for value in self.desired_settings if value in Setting.values]

    def get_desired_shifts_display(self) -> list[str]:
        return [Shift(value).label for value in self.desired_shifts if value in Shift.values]


def jurisdiction_error(credential_type: CredentialType, jurisdiction: str) -> str | None:
    """Why a jurisdiction does not fit a credential type, or None: the rule the form and the model share."""
    if not credential_type.jurisdictional:
        if jurisdiction:
            return f"{credential_type.name} is a national credential: leave the state or province empty."
        return None
    if not jurisdiction:
        return f"{credential_type.name} is issued by a state or province: choose which one."
    subdivision = pycountry.subdivisions.get(code=jurisdiction)
    if subdivision is None or subdivision.country_code != credential_type.country:
        country = pycountry.countries.get(alpha_2=credential_type.country)
        where = country.name if country else credential_type.country
        return f"{credential_type.name} is issued in {where}: choose a state or province there."
    return None


class HeldCredential(models.Model):
    """A credential the technician holds. National credentials leave the jurisdiction empty."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="credentials")
    credential_type = models.ForeignKey(CredentialType, on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(max_length=6, blank=True, help_text="ISO 3166-2, e.g. US-TX.")
    number = models.CharField(max_length=50, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HeldCredentialQuerySet.as_manager()

    class Meta:
        ordering = ["credential_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "credential_type", "jurisdiction"], name="held_credential_unique"
            ),
        ]

    def __str__(self) -> str:
        where = f" ({self.jurisdiction})" if self.jurisdiction else ""
        return f"{self.credential_type}{where}"

    def clean(self):
        if self.credential_type_id is not None:
            error = jurisdiction_error(self.credential_type, self.jurisdiction)
            if error:
                raise ValidationError({"jurisdiction": error})

    def is_valid_on(self, day) -> bool:
        """Unexpired on `day` (`credential_valid_on`)."""
        return credential_valid_on(self.expires_on, day)

    @property
    def is_expired(self) -> bool:
        return not self.is_valid_on(timezone.localdate())


def held_credentials_valid_today(user) -> models.QuerySet | None:
    """What "only jobs I qualify for" counts for a signed-in user (the search asks through
    `postings.search.register_held_credentials`): their credentials valid today, or None without a profile."""
    profile = getattr(user, "applicant_profile", None)
    if profile is None:
        return None
    return HeldCredential.objects.filter(profile=profile).valid_on(timezone.localdate())


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        VIEWED = "viewed", "Viewed"
        SHORTLISTED = "shortlisted", "Shortlisted"
        INTERVIEWING = "interviewing", "Interviewing"
        OFFERED = "offered", "Offered"
        HIRED = "hired", "Hired"
        NOT_SELECTED = "not-selected", "Not selected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Nothing moves an application on once it has one of these: the applicant has been told, or left.
    FINAL = frozenset({Status.HIRED, Status.NOT_SELECTED, Status.WITHDRAWN})
    # What a team member may set (submitted is where every application starts; withdrawing is the applicant's).
    EMPLOYER_STATUSES = (
        Status.VIEWED,
        Status.SHORTLISTED,
        Status.INTERVIEWING,
        Status.OFFERED,
        Status.HIRED,
        Status.NOT_SELECTED,
    )
    # The applicant is emailed, with the employer's editable message, when one of these is set.
    DECISIONS = frozenset({Status.HIRED, Status.NOT_SELECTED})
    # The steps before a decision, each emailed to an applicant who chose status emails (with what it means).
    STEPS = {
        Status.VIEWED: "The employer has opened your application.",
        Status.SHORTLISTED: "You are on the employer's shortlist.",
        Status.INTERVIEWING: "The employer wants to interview you; expect them to contact you.",
        Status.OFFERED: "The employer is making you an offer; expect them to contact you with the details.",
    }

    posting = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="applications")
    # Empty once the applicant deleted their account: the employer keeps an anonymous record.
    profile = models.ForeignKey(
        ApplicantProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    cover_note = models.TextField(blank=True, max_length=5000)
    # A copy of the resume as sent, so editing the profile later never changes what the employer received.
    resume = models.FileField(storage=private_storage, max_length=255, blank=True)
    resume_name = models.CharField(max_length=100, blank=True)
    resume_purged_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Set when the employer's team was emailed about it: the digest's ledger, so no one hears twice.
    employer_notified_at = models.DateTimeField(null=True, blank=True)
    # Set when the applicant was told the job is filled: that email's ledger, so a retried task sends nothing more.
    filled_notified_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "profile"], name="application_once_per_posting"),
        ]
        indexes = [
            models.Index(fields=["posting", "status"], name="application_posting_status"),
            models.Index(fields=["profile", "-submitted_at"], name="application_profile_newest"),
            models.Index(
                fields=["submitted_at"],
                condition=Q(employer_notified_at__isnull=True),
                name="application_unnotified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} for {self.posting_id}"

    def get_absolute_url(self) -> str:
        return reverse("applicants:application-detail", kwargs={"pk": self.pk})

    @property
    def applicant_name(self) -> str:
        return self.profile.display_name if self.profile_id else "Deleted applicant"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    def get_review_url(self) -> str:
        """The team's page of this application (reads the posting's employer: select it with the application)."""
        return reverse("dashboard:review-application", kwargs={"slug": self.posting.employer.slug, "pk": self.pk})


class ApplicationEvent(models.Model):
    """Each status an application reached, when and by whom: the dates the applicant sees."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Application.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The message emailed to the applicant with this change, if any: theirs to see and to export.
    message = models.TextField(blank=True)
    # A decision made in bulk is emailed only after a short undo window: when it goes out (empty once sent).
    email_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["email_due_at"], condition=Q(email_due_at__isnull=False), name="application_event_email_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or 'new'} → {self.to_status}"


class ApplicationNote(models.Model):
    """A team member's note on an applicant: seen by the employer's team only, never by the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.application_id}"


class ApplyClick(models.Model):
    """A click on "apply on the employer's site": the only trace we have of an external application."""

    posting = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="apply_clicks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ApplyClickQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["posting", "created_at"], name="apply_click_posting_created")]

    def __str__(self) -> str:
        return f"Click-out to {self.posting_id}"


class SavedJob(models.Model):
    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="saved_jobs")
    posting = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SavedJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["profile", "posting"], name="saved_job_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id} saved {self.posting_id}"


class DecisionMessage(models.Model):
    """An employer's own wording for the email an applicant gets when hired or not selected.

    Without a row the default in `applicants.messages` is used. Placeholders are plain `{name}` tokens,
    substituted by us (never a template language an employer could use to reach into our objects).
    """

    class Kind(models.TextChoices):
        HIRED = "hired", "Hired"
        NOT_SELECTED = "not-selected", "Not selected"

    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "kind"], name="decision_message_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} message of {self.employer_id}"
