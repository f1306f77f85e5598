"""Employer forms: validation only; the services write."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator

from jobboard.fields import LinesField
from jobboard.forms import CleanTextForm
from postings.models import Posting

from .models import Employer, EmployerMember

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # far above any logo, far below a decompression bomb
MAX_LOCATIONS = 30
CHOOSE = {"invalid_choice": "Choose one of the listed options."}


class EmployerForm(CleanTextForm, forms.ModelForm):
    name = forms.CharField(label="Organisation name", max_length=200, min_length=2)
    type = forms.ChoiceField(label="Type of organisation", choices=Employer.Type.choices, error_messages=CHOOSE)
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    description = forms.CharField(
        label="About the organisation",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown on your public page. Simple Markdown: **bold**, *italic*, lists and links.",
    )
    logo = forms.ImageField(
        label="Logo",
        required=False,
        help_text="PNG or JPEG up to 2 MB; we resize it to fit 400 by 400 pixels.",
        error_messages={"invalid_image": "This file is not an image we can read: upload a PNG or JPEG."},
    )
    locations = LinesField(
        label="Locations",
        required=False,
        max_lines=MAX_LOCATIONS,
        noun="locations",
        help_text="Where you hire, one per line, e.g. Austin, TX",
    )

    class Meta:
        model = Employer
        fields = ["name", "type", "website", "description", "logo", "locations"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        image = getattr(logo, "image", None)  # set by forms.ImageField on a fresh upload only
        if image is not None:
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError("The logo is larger than 2 MB: upload a smaller file.")
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise forms.ValidationError("The logo has too many pixels: upload a smaller image.")
            if image.format not in ("PNG", "JPEG", "GIF", "WEBP"):
                raise forms.ValidationError("Upload the logo as a PNG, JPEG, GIF or WebP image.")
        return logo


class InvitationForm(CleanTextForm, forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        label="Role",
        choices=EmployerMember.Role.choices,
        initial=EmployerMember.Role.RECRUITER,
        error_messages=CHOOSE,
        help_text="Recruiters post jobs; owners also manage the organisation and its team.",
    )


class MemberRoleForm(CleanTextForm, forms.Form):
    role = forms.ChoiceField(label="Role", choices=EmployerMember.Role.choices, error_messages=CHOOSE)


STATUS_FILTER_CHOICES = [("", "Any status"), *Posting.Status.choices]


class DashboardFilterForm(CleanTextForm, forms.Form):
    q = forms.CharField(label="Search your postings", max_length=100, required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTER_CHOICES, required=False, error_messages=CHOOSE)


class BulkActionForm(CleanTextForm, forms.Form):
    ACTIONS = [("close", "Close"), ("renew", "Renew")]

    action = forms.ChoiceField(label="With the selected postings", choices=ACTIONS, error_messages=CHOOSE)
    postings = forms.ModelMultipleChoiceField(
        queryset=Posting.objects.none(),
        error_messages={
            "required": "Select at least one posting.",
            "invalid_choice": "Select postings from the list.",
            "invalid_pk_value": "Select postings from the list.",
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postings"].queryset = queryset


class ImportForm(CleanTextForm, forms.Form):
    file = forms.FileField(
        label="JSON Lines file",
        help_text="One posting per line, in the documented format.",
    )
    dry_run = forms.BooleanField(label="Check only: import nothing", required=False)
    skip_invalid = forms.BooleanField(label="Import the valid lines even if some are wrong", required=False)

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {self.max_bytes // (1024 * 1024)} MB: "
                "split it, or use the import_postings command."
            )
        return upload


class ReasonForm(CleanTextForm, forms.Form):
    """A posting action that may carry a note (closing)."""

    reason = forms.CharField(label="Note", required=False, max_length=500)
