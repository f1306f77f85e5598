"""Job alert forms: validation only. The search itself is validated by PostingFilter's own form."""

from django import forms

from jobboard.forms import CleanTextForm

from .models import Alert


class AlertForm(CleanTextForm, forms.Form):
    email = forms.EmailField(
        label="Your email address", max_length=254, help_text="We send one email to confirm it before any job."
    )
    name = forms.CharField(
        label="Name this alert", max_length=200, required=False, help_text="Shown in each email's subject."
    )
    frequency = forms.ChoiceField(
        label="How often", choices=Alert.Frequency.choices, initial=Alert.Frequency.DAILY, widget=forms.RadioSelect
    )

    def __init__(self, *args, ask_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_email:
            del self.fields["email"]


class AlertManageForm(CleanTextForm, forms.Form):
    """One action from the manage page or /me/: each button posts its own `action`."""

    ACTIONS = ["pause", "resume", "frequency", "rename", "delete"]

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    frequency = forms.ChoiceField(label="How often", choices=Alert.Frequency.choices, required=False)
    name = forms.CharField(label="Name", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "frequency" and not cleaned.get("frequency"):
            self.add_error("frequency", "Choose how often.")
        if cleaned.get("action") == "rename" and not (cleaned.get("name") or "").strip():
            self.add_error("name", "Give the alert a name.")
        return cleaned
