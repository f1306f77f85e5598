"""Validation only: each form checks input and hands clean data to a service."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from jobboard.forms import CleanTextForm
from postings.filters import COUNTRY_CHOICES, region_choices
from postings.models import CredentialType, Setting, Shift

from .decisions import PLACEHOLDERS, unknown_placeholders
from .models import ApplicantProfile, Application, DecisionMessage, jurisdiction_error
from .resumes import ACCEPT, resume_validate
from .services.applications import ResumeChoice

INVALID_CHOICE = {"invalid_choice": "Choose one of the listed options."}


def _region_options(blank: str) -> list:
    return [("", blank), *region_choices()]


class ResumeField(forms.FileField):
    """A PDF or .docx of at most RESUME_MAX_BYTES, checked by its content; the message says what to fix."""

    default_error_messages = {
        "empty": "The file is empty. Choose the resume file itself.",
        "missing": "Choose a file.",
        "invalid": "No file was received. Choose the file again.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            resume_validate(value)


class ProfileForm(CleanTextForm, forms.ModelForm):
    country = forms.ChoiceField(
        label="Country",
        choices=[("", "Choose a country"), *COUNTRY_CHOICES],
        required=False,
        error_messages=INVALID_CHOICE,
    )
    region = forms.ChoiceField(label="State or province", choices=(), required=False, error_messages=INVALID_CHOICE)
    years_experience = forms.IntegerField(
        label="Years of experience as a technician",
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        widget=forms.NumberInput(attrs={"min": 0, "max": 60, "inputmode": "numeric"}),
    )
    desired_settings = forms.MultipleChoiceField(
        label="Settings you want to work in",
        choices=Setting.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=INVALID_CHOICE,
    )
    desired_shifts = forms.MultipleChoiceField(
        label="Shifts you can work",
        choices=Shift.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=INVALID_CHOICE,
    )

    class Meta:
        model = ApplicantProfile
        fields = [
            "full_name",
            "headline",
            "country",
            "region",
            "city",
            "years_experience",
            "desired_settings",
            "desired_shifts",
            "status_emails",
        ]
        labels = {
            "full_name": "Your name",
            "headline": "Headline",
            "city": "City",
            "status_emails": "Email me about my applications",
        }
        help_texts = {"full_name": "Employers see it when you apply.", "headline": "One line employers see first."}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_options("Choose a state or province")
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["headline"].widget.attrs["placeholder"] = 'e.g. "CPhT, 4 years in hospital IV room"'

    def clean(self):
        cleaned = super().clean()
        country, region = cleaned.get("country") or "", cleaned.get("region") or ""
        if region:
            if not country:
                cleaned["country"] = region[:2]
            elif not region.startswith(f"{country}-"):
                self.add_error("region", "This state or province is not in the country you chose.")
        return cleaned


class CredentialForm(CleanTextForm, forms.Form):
    credential_type = forms.ModelChoiceField(
        label="Credential",
        queryset=CredentialType.objects.filter(active=True).order_by("country", "name"),
        empty_label="Choose a credential",
        error_messages=INVALID_CHOICE,
    )
    jurisdiction = forms.ChoiceField(
        label="State or province",
        choices=(),
        required=False,
        help_text="For a state or provincial registration, licence or permit. "
        "Leave empty for a national certification.",
        error_messages=INVALID_CHOICE,
    )
    number = forms.CharField(label="Number", max_length=50, required=False)
    expires_on = forms.DateField(
        label="Expiry date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if it does not expire. "
        "An expired credential does not count towards a job's requirements.",
        error_messages={"invalid": "Enter a date, e.g. 2027-06-30."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = _region_options("None (a national credential)")

    def clean(self):
        cleaned = super().clean()
        credential_type = cleaned.get("credential_type")
        if credential_type is not None and "jurisdiction" in cleaned:
            error = jurisdiction_error(credential_type, cleaned["jurisdiction"])
            if error:
                self.add_error("jurisdiction", error)
        return cleaned


class ResumeForm(CleanTextForm, forms.Form):
    resume = ResumeField(label="Resume file", help_text="PDF or Word (.docx), at most 5 MB.")


class ApplicationForm(CleanTextForm, forms.Form):
    full_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    cover_note = forms.CharField(
        label="Cover note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A few lines on why this job, and when you could start.",
    )
    resume_choice = forms.ChoiceField(
        label="Resume", widget=forms.RadioSelect, choices=(), error_messages=INVALID_CHOICE
    )
    resume = ResumeField(
        label="Resume file",
        required=False,
        help_text="For “Upload a resume for this application”: PDF or Word (.docx), at most 5 MB.",
    )

    def __init__(self, *args, profile: ApplicantProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        choices = []
        if profile.resume:
            choices.append((ResumeChoice.PROFILE, f"Send the resume on my profile ({profile.resume_name})"))
        choices += [
            (ResumeChoice.UPLOAD, "Upload a resume for this application"),
            (ResumeChoice.NONE, "Apply without a resume"),
        ]
        self.fields["resume_choice"].choices = choices
        self.fields["resume_choice"].initial = choices[0][0]
        if profile.full_name:
            del self.fields["full_name"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("resume_choice") == ResumeChoice.UPLOAD
            and not cleaned.get("resume")
            and "resume" not in self.errors
        ):
            self.add_error("resume", "Choose the resume file to upload, or pick another option.")
        return cleaned


class WithdrawForm(CleanTextForm, forms.Form):
    confirm = forms.BooleanField(label="Yes, withdraw my application", required=True)


class SaveForm(CleanTextForm, forms.Form):
    action = forms.ChoiceField(choices=[("save", "Save"), ("unsave", "Remove")], error_messages=INVALID_CHOICE)
    next = forms.CharField(required=False, max_length=500)


class AccountDeleteForm(CleanTextForm, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )
    confirm = forms.BooleanField(label="I understand that this cannot be undone", required=True)

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


# -- The employer's review -----------------------------------------------------------------------------


class StatusForm(CleanTextForm, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[(status.value, status.label) for status in Application.EMPLOYER_STATUSES],
        error_messages=INVALID_CHOICE,
    )


class NoteForm(CleanTextForm, forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by your team only, never by the applicant.",
    )


class BulkForm(CleanTextForm, forms.Form):
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one applicant.",
            "invalid_choice": "Select applicants from this list.",
            "invalid_pk_value": "Select applicants from this list.",
        },
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications


class DecisionMessageForm(CleanTextForm, forms.ModelForm):
    class Meta:
        model = DecisionMessage
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "body": "Placeholders: " + ", ".join(f"{{{name}}} ({meaning})" for name, meaning in PLACEHOLDERS.items()),
        }

    def _placeholders_check(self, field: str) -> str:
        value = self.cleaned_data[field]
        unknown = unknown_placeholders(value)
        if unknown:
            plural = "s" if len(unknown) > 1 else ""
            named = ", ".join(f"{{{name}}}" for name in unknown)
            allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise forms.ValidationError(f"Unknown placeholder{plural}: {named}. Use {allowed}.")
        return value

    def clean_subject(self):
        return self._placeholders_check("subject")

    def clean_body(self):
        return self._placeholders_check("body")
