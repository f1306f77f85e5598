from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .managers import EmployerMemberQuerySet, EmployerQuerySet, InvitationQuerySet


class Employer(models.Model):
    class Type(models.TextChoices):
        CHAIN = "chain", "Pharmacy chain"
        INDEPENDENT = "independent", "Independent pharmacy"
        HEALTH_SYSTEM = "health-system", "Hospital or health system"
        LONG_TERM_CARE = "long-term-care", "Long-term-care pharmacy"
        MAIL_ORDER = "mail-order", "Mail-order or central fill"
        SPECIALTY = "specialty", "Specialty or infusion pharmacy"
        PBM_INSURER = "pbm-insurer", "Benefit manager or insurer"
        GOVERNMENT = "government", "Government or military"
        STAFFING = "staffing", "Staffing agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.INDEPENDENT)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    locations = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, help_text="Where the employer hires, e.g. cities."
    )
    verified = models.BooleanField(default=False, help_text="A moderator checked that the organisation is real.")
    trusted = models.BooleanField(default=False, help_text="Postings publish without review.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="EmployerMember", related_name="employers")

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", kwargs={"slug": self.slug})


class EmployerMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        RECRUITER = "recruiter", "Recruiter"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmployerMemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employer", "user"], name="employer_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} at {self.employer})"


class Invitation(models.Model):
    """An owner's invitation to join the team. The emailed link is signed and expires; it works once."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=EmployerMember.Role.choices, default=EmployerMember.Role.RECRUITER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and employer: inviting again re-sends it instead.
            models.UniqueConstraint(
                fields=["employer", "email"], condition=Q(accepted_at__isnull=True), name="invitation_open_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.employer}"
