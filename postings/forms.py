"""The posting form, its credential requirements formset and the report form: validation only.

The dashboard and the import command validate through the same classes, so a posting is judged the
same way whether it was typed or imported.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pycountry
from django import forms
from django.core.validators import URLValidator

from jobboard.forms import CleanTextForm

from .models import (
    Arrangement,
    CredentialRequirement,
    CredentialType,
    Currency,
    Duty,
    EmploymentType,
    Experience,
    PayPeriod,
    Posting,
    Report,
    Setting,
    Shift,
)
from .search.criteria import CHOICE_CRITERIA

COUNTRY_CHOICES = [("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom")]
GB_NATIONS = ["GB-ENG", "GB-NIR", "GB-SCT", "GB-WLS"]
# What a plausible ad pays, per period; outside these it is almost always a typo (18000 an hour, 18 a year).
PAY_BOUNDS = {
    PayPeriod.HOUR: (Decimal(7), Decimal(150)),
    PayPeriod.YEAR: (Decimal(15_000), Decimal(300_000)),
}
POSTAL_CODE_FORMATS = {
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "a 5-digit ZIP code such as 78701 or 78701-1234"),
    "CA": (
        re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$"),
        "a postal code such as M5V 2T6",
    ),
    "GB": (re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$"), "a postcode such as SW1A 1AA"),
}
MAX_SYSTEMS = 20
MAX_REQUIREMENTS = 10
MARKDOWN_HELP = (
    "Plain text or simple Markdown: **bold**, *italic*, lists starting with - and links. "
    "Headings become sub-headings; anything else is removed."
)
CHOOSE = {"invalid_choice": "Choose one of the listed options."}


@cache
def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """States, provinces and territories grouped by country; the four nations for the United Kingdom."""
    groups = []
    for country, label in COUNTRY_CHOICES:
        codes = GB_NATIONS if country == "GB" else [s.code for s in pycountry.subdivisions.get(country_code=country)]
        options = sorted(
            ((code, pycountry.subdivisions.get(code=code).name.split(" [")[0]) for code in codes if code != "US-UM"),
            key=lambda option: option[1],
        )
        groups.append((label, options))
    return groups


def region_country(code: str) -> str | None:
    subdivision = pycountry.subdivisions.get(code=code) if code else None
    return subdivision.country_code if subdivision else None


class HttpUrlField(forms.URLField):
    """Only http(s): an apply link must open a web page, never ftp:, javascript: or a file."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": "Enter a web address starting with https:// (or http://)."}

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class TagsField(forms.CharField):
    """A comma-separated list of short free tags ("Epic Willow, Pyxis")."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        if isinstance(value, list | tuple):
            text = ",".join(str(item) for item in value)
        tags = [tag.strip() for tag in text.split(",") if tag.strip()]
        return list(dict.fromkeys(tags))

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_SYSTEMS:
            raise forms.ValidationError(f"List at most {MAX_SYSTEMS} systems.")
        if too_long := [tag for tag in value if len(tag) > 40]:
            raise forms.ValidationError(f"Keep each system under 40 characters ({too_long[0][:20]}... is longer).")

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


# Grouped the way a pharmacy manager describes a job; the template renders one <fieldset> per group.
FIELDSETS = [
    ("role", "The role", ["title", "setting", "experience", "duties", "systems", "description", "reference"]),
    ("place", "The place", ["arrangement", "country", "region", "city", "postal_code"]),
    ("pay", "Pay", ["pay_min", "pay_max", "pay_period", "pay_currency", "sign_on_bonus"]),
    ("schedule", "Schedule", ["employment_types", "shifts", "shift_differential"]),
    ("benefits", "Benefits", ["training_provided", "exam_fee_paid", "tuition_reimbursement"]),
    ("apply", "How to apply", ["apply_method", "apply_url", "apply_email"]),
]
# A choice criterion of the search registry that the fieldsets above do not place (one added there, such as
# languages) joins the role, as checkboxes of its choices (see PostingForm below).
_PLACED = {name for _, _, names in FIELDSETS for name in names}
_UNPLACED = [criterion for criterion in CHOICE_CRITERIA if criterion.column not in _PLACED]
FIELDSETS[0][2][-2:-2] = [criterion.column for criterion in _UNPLACED]  # before the description


class PostingForm(CleanTextForm, forms.ModelForm):
    FIELDSETS = FIELDSETS

    title = forms.CharField(
        label="Job title", max_length=150, min_length=3, help_text='e.g. "IV Room Pharmacy Technician"'
    )
    setting = forms.ChoiceField(label="Practice setting", choices=Setting.choices, error_messages=CHOOSE)
    experience = forms.ChoiceField(label="Experience level", choices=Experience.choices, error_messages=CHOOSE)
    duties = forms.MultipleChoiceField(
        label="Duties", choices=Duty.choices, required=False, widget=forms.CheckboxSelectMultiple, error_messages=CHOOSE
    )
    systems = TagsField(
        label="Systems used", required=False, max_length=1000, help_text="Separate with commas: Epic Willow, Pyxis"
    )
    description = forms.CharField(
        label="Description", max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}), help_text=MARKDOWN_HELP
    )
    reference = forms.CharField(
        label="Your reference",
        max_length=100,
        required=False,
        help_text="Your requisition number; imports use it to update this posting instead of adding another.",
    )
    arrangement = forms.ChoiceField(
        label="Work arrangement", choices=Arrangement.choices, widget=forms.RadioSelect, error_messages=CHOOSE
    )
    country = forms.ChoiceField(label="Country", choices=COUNTRY_CHOICES, error_messages=CHOOSE)
    region = forms.ChoiceField(
        label="State or province",
        choices=[("", "Choose a state or province"), *region_choices()],
        error_messages=CHOOSE,
    )
    city = forms.CharField(label="City", max_length=100, required=False)
    postal_code = forms.CharField(label="ZIP or postal code", max_length=10, required=False)
    pay_min = forms.DecimalField(label="Pay from", max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    pay_max = forms.DecimalField(label="Pay up to", max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    pay_period = forms.ChoiceField(label="Paid", choices=PayPeriod.choices, error_messages=CHOOSE)
    pay_currency = forms.ChoiceField(label="Currency", choices=Currency.choices, error_messages=CHOOSE)
    sign_on_bonus = forms.DecimalField(
        label="Sign-on bonus", max_digits=8, decimal_places=2, min_value=Decimal(0), required=False
    )
    employment_types = forms.MultipleChoiceField(
        label="Employment type",
        choices=EmploymentType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOOSE,
    )
    shifts = forms.MultipleChoiceField(
        label="Shifts",
        choices=Shift.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOOSE,
    )
    shift_differential = forms.CharField(
        label="Shift differential", max_length=120, required=False, help_text='e.g. "+$2.00/h nights and weekends"'
    )
    training_provided = forms.BooleanField(label="Training provided", required=False)
    exam_fee_paid = forms.BooleanField(label="Certification exam fee paid", required=False)
    tuition_reimbursement = forms.BooleanField(label="Tuition or CE reimbursement", required=False)
    apply_method = forms.ChoiceField(
        label="Candidates apply", choices=Posting.ApplyMethod.choices, widget=forms.RadioSelect, error_messages=CHOOSE
    )
    apply_url = HttpUrlField(label="Application web address", max_length=200, required=False)
    apply_email = forms.EmailField(label="Application email", required=False)

    class Meta:
        model = Posting
        fields = [field for _, _, names in FIELDSETS for field in names]

    def __init__(self, *args, employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employer is not None:
            self.instance.employer = employer
        for name in ("city", "postal_code"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def fieldsets(self):
        return [(key, legend, [self[name] for name in names]) for key, legend, names in self.FIELDSETS]

    def clean_postal_code(self) -> str:
        return " ".join(self.cleaned_data["postal_code"].upper().split())

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        employer_id = self.instance.employer_id
        if reference and employer_id:
            taken = Posting.objects.filter(employer_id=employer_id, reference=reference).exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError("Another of your postings already has this reference.")
        return reference

    def clean(self):
        data = super().clean()
        country, region = data.get("country"), data.get("region")
        if country and region and region_country(region) != country:
            self.add_error("region", "Choose a state or province of the country above.")
        postal_code = data.get("postal_code")
        if country and postal_code and country in POSTAL_CODE_FORMATS:
            pattern, example = POSTAL_CODE_FORMATS[country]
            if country == "CA" and len(postal_code) == 6:
                postal_code = data["postal_code"] = f"{postal_code[:3]} {postal_code[3:]}"
            if not pattern.match(postal_code):
                self.add_error("postal_code", f"Enter {example}.")
        if data.get("arrangement") != Arrangement.REMOTE and not data.get("city") and "city" not in self.errors:
            self.add_error("city", "Say in which city the job is (remote jobs may leave it empty).")
        self._clean_pay(data)
        # A missing apply address is reported by Posting.clean(), which ModelForm runs after this.
        method = data.get("apply_method")
        if method != Posting.ApplyMethod.URL:
            data["apply_url"] = ""
        if method != Posting.ApplyMethod.EMAIL:
            data["apply_email"] = ""
        return data

    def _clean_pay(self, data) -> None:
        low, high, period = data.get("pay_min"), data.get("pay_max"), data.get("pay_period")
        if period not in PAY_BOUNDS:
            return
        floor, ceiling = PAY_BOUNDS[period]
        unit = "an hour" if period == PayPeriod.HOUR else "a year"
        for name, value in (("pay_min", low), ("pay_max", high)):
            if value is not None and not floor <= value <= ceiling:
                self.add_error(
                    name, f"Pay {unit} should be between {floor:,} and {ceiling:,}. Check the amount and the period."
                )
        if low is not None and high is not None and low > high and "pay_max" not in self.errors:
            self.add_error("pay_max", "The top of the range must not be below the bottom.")


def _choice_field(criterion) -> forms.Field:
    label = criterion.posting_label or criterion.label
    if criterion.many:
        return forms.MultipleChoiceField(label=label, choices=criterion.choices.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple, error_messages=CHOOSE)  # fmt: skip
    return forms.ChoiceField(label=label, choices=criterion.choices.choices, error_messages=CHOOSE)


_UNPLACED_FIELDS = {criterion.column: _choice_field(criterion) for criterion in _UNPLACED}
PostingForm.base_fields.update(_UNPLACED_FIELDS)
PostingForm.declared_fields.update(_UNPLACED_FIELDS)  # so that a subclass's fields are these too


class PostingDraftForm(PostingForm):
    """ "Save draft": keeps whatever is typed, so a half-written ad can be parked. Nothing is required; only what
    cannot be stored at all (a word in a pay box, a region of another country, a range upside down) is refused.
    Submission checks that the posting is complete (`Posting.require_complete`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self):
        data = self.cleaned_data
        country, region = data.get("country"), data.get("region")
        if region and not country:
            data["country"] = region_country(region)
        elif country and region and region_country(region) != country:
            self.add_error("region", "Choose a state or province of the country above.")
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is not None and high is not None and low > high:
            self.add_error("pay_max", "The top of the range must not be below the bottom.")
        data["postal_code"] = data.get("postal_code") or ""
        return data

    def _post_clean(self):
        # The model's own clean() asks for a complete posting; a draft need not be one yet.
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class RequirementForm(CleanTextForm, forms.Form):
    """One requirement: any one of the chosen credentials meets it ("PTCB CPhT or NHA ExCPT")."""

    level = forms.ChoiceField(
        label="Level",
        choices=CredentialRequirement.Level.choices,
        initial=CredentialRequirement.Level.REQUIRED,
        error_messages=CHOOSE,
    )
    within_days = forms.IntegerField(
        label="Days to obtain it",
        min_value=1,
        max_value=730,
        required=False,
        help_text='Only for "obtain after hire".',
    )
    credential_types = forms.ModelMultipleChoiceField(
        label="Any one of these credentials",
        queryset=CredentialType.objects.filter(active=True).order_by("country", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Choose credentials from the list.",
            "invalid_pk_value": "Choose credentials from the list.",
        },
    )
    jurisdiction = forms.ChoiceField(
        label="State or province of state credentials",
        choices=[("", "Same as the job"), *region_choices()],
        required=False,
        error_messages=CHOOSE,
    )

    def __init__(self, *args, posting_region: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.posting_region = posting_region if region_country(posting_region) else ""

    def clean(self):
        data = super().clean()
        level, days, types = data.get("level"), data.get("within_days"), data.get("credential_types")
        # A saved row emptied by the user is a row removed, as an untouched extra row is skipped.
        self.is_blank = not self.errors and not types and days is None and not data.get("jurisdiction")
        if self.is_blank:
            return data
        if "credential_types" not in self.errors and not types:
            self.add_error("credential_types", "Choose at least one credential, or leave the whole row empty.")
        if level == CredentialRequirement.Level.WITHIN and days is None and "within_days" not in self.errors:
            self.add_error("within_days", "Say within how many days of hire.")
        if level != CredentialRequirement.Level.WITHIN and days is not None:
            self.add_error("within_days", 'Days apply only to "obtain after hire": clear them or change the level.')
        jurisdiction = data.get("jurisdiction") or self.posting_region
        for credential_type in types or []:
            if credential_type.jurisdictional and region_country(jurisdiction) != credential_type.country:
                self.add_error(
                    "jurisdiction",
                    f"{credential_type.name} is issued in {credential_type.country}: choose where it must be held.",
                )
                break
        return data

    @property
    def requirement(self) -> dict:
        """What `posting_create`/`posting_update` take: state credentials carry their jurisdiction."""
        jurisdiction = self.cleaned_data.get("jurisdiction") or self.posting_region
        return {
            "level": self.cleaned_data["level"],
            "within_days": self.cleaned_data.get("within_days"),
            "options": [
                (credential_type, jurisdiction if credential_type.jurisdictional else "")
                for credential_type in self.cleaned_data["credential_types"]
            ],
        }


class BaseRequirementFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this requirement"

    @property
    def requirements(self) -> list[dict]:
        return [
            form.requirement
            for form in self.forms
            if form.has_changed()
            and not self._should_delete_form(form)
            and form.cleaned_data
            and not getattr(form, "is_blank", False)
        ]


RequirementFormSet = forms.formset_factory(
    RequirementForm,
    formset=BaseRequirementFormSet,
    extra=2,
    max_num=MAX_REQUIREMENTS,
    validate_max=True,
    absolute_max=MAX_REQUIREMENTS + 5,
    can_delete=True,
    can_delete_extra=False,
)
REQUIREMENTS_PREFIX = "credentials"


def requirement_formset(*, data=None, posting: Posting | None = None, revision=None) -> BaseRequirementFormSet:
    """The formset bound to a POST, or prefilled from a posting's requirements, or from those of its pending edit
    (plus empty rows to add more)."""
    region = (data.get("region") if data is not None else None) or (posting.region if posting else "")
    initial = None
    if data is None and revision is not None and revision.requirements is not None:
        types = CredentialType.objects.in_bulk({t for _, _, options in revision.requirements for t, _ in options})
        initial = [
            {
                "level": level,
                "within_days": days,
                "credential_types": [types[t] for t, _ in options if t in types],
                "jurisdiction": next((j for _, j in options if j), ""),
            }
            for level, days, options in revision.requirements
        ]
    elif data is None and posting is not None and posting.pk:
        initial = [
            {
                "level": requirement.level,
                "within_days": requirement.within_days,
                "credential_types": [option.credential_type for option in requirement.options.all()],
                "jurisdiction": next((o.jurisdiction for o in requirement.options.all() if o.jurisdiction), ""),
            }
            for requirement in posting.requirements.prefetch_related("options__credential_type")
        ]
    return RequirementFormSet(
        data=data,
        initial=initial,
        prefix=REQUIREMENTS_PREFIX,
        form_kwargs={"posting_region": region if isinstance(region, str) else ""},
    )


class ReportForm(CleanTextForm, forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this job?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
    )
    details = forms.CharField(
        label="Details",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Anything that helps a moderator check (no personal information, please).",
    )
