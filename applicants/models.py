from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from postings.models import CredentialType, Setting, Shift


class ApplicantProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile")
    headline = models.CharField(max_length=150, blank=True, help_text='e.g. "CPhT, 4 years in hospital IV room"')
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=100, blank=True)
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    desired_settings = ArrayField(models.CharField(max_length=25, choices=Setting.choices), default=list, blank=True)
    desired_shifts = ArrayField(models.CharField(max_length=10, choices=Shift.choices), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(years_experience__isnull=True) | Q(years_experience__lte=60),
                name="profile_years_experience_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class HeldCredential(models.Model):
    """A credential the technician holds. National credentials leave the jurisdiction empty."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="credentials")
    credential_type = models.ForeignKey(CredentialType, on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(max_length=6, blank=True, help_text="ISO 3166-2, e.g. US-TX.")
    number = models.CharField(max_length=50, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
