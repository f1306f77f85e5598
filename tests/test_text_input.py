"""Text that can be neither stored nor shown (NUL characters, lone surrogates) is refused by every field of
every form with a message beside the field, never a 500."""

import pytest
from django import forms
from django.urls import get_resolver

from alerts.forms import AlertForm
from applicants.forms import NoteForm, ProfileForm
from jobboard.forms import CleanTextForm
from postings.filters import PostingFilter
from postings.forms import PostingForm, ReportForm
from tests.factories import ApplicantProfileFactory, EmployerFactory

pytestmark = pytest.mark.django_db

APPS = ("jobboard.", "postings.", "employers.", "applicants.", "alerts.", "demo.")
REFUSED = "Remove the control or broken character"


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_form_of_the_board_refuses_unstorable_text():
    get_resolver().url_patterns  # imports every view, and so every form  # noqa: B018
    board_forms = {cls for cls in subclasses(forms.BaseForm) if cls.__module__.startswith(APPS)}

    assert len(board_forms) > 20
    assert [cls.__qualname__ for cls in board_forms if not issubclass(cls, CleanTextForm)] == []


@pytest.mark.parametrize("text", ["Pyxis\x00", "IV \ud800 room", "\udfff"])
@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda data: PostingForm(data=data, employer=EmployerFactory()), "title"),
        (lambda data: PostingForm(data=data, employer=EmployerFactory()), "systems"),
        (lambda data: ReportForm(data=data), "details"),
        (lambda data: ProfileForm(data=data, instance=ApplicantProfileFactory()), "full_name"),
        (lambda data: AlertForm(data=data), "email"),
        (lambda data: NoteForm(data=data), "text"),
        (lambda data: PostingFilter(data).form, "q"),
        (lambda data: PostingFilter(data).form, "city"),
    ],
)
def test_a_field_with_unstorable_text_gets_a_message_and_the_form_can_be_shown_again(make, field, text):
    form = make({field: text})

    assert not form.is_valid()
    assert REFUSED in form.errors[field][0]
    assert field not in form.cleaned_data
    # The form shown again must encode to UTF-8 (a lone surrogate cannot) and hold no NUL.
    html = form.render().encode()
    assert b"\x00" not in html
