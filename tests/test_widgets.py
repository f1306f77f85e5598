"""The form controls written in Python (jobboard/widgets.py) are the ones Django's widget templates write: the same
elements, attributes (ids, aria-describedby, aria-invalid, required, checked, selected) and text, for every field
of our forms, empty, filled and with errors."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.http import QueryDict

from applicants.forms import CredentialForm, NoteForm, ProfileForm
from employers.forms import EmployerForm, InvitationForm
from jobboard import widgets
from postings.filters import PostingFilter
from postings.forms import PostingForm, ReportForm

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Each element as (tag, {attribute: value}) and each text, whatever the order of the attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.items: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("/", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(data.strip())


def search_form(**params):
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return PostingFilter(data).form


FORMS = {
    "search, empty": lambda: PostingFilter().form,
    "search, filled": lambda: search_form(
        q="iv room", region="US-TX", setting=["hospital", "compounding"], training="1", sort="pay", pay_min="22"
    ),
    "search, errors": lambda: search_form(
        near="Qwxyz",
        pay_min="lots",
        setting="moon-base",
        radius="0",
        sort="distance",
        region="US-XX",
        posted_within="2",
    ),
    "posting, empty": lambda: PostingForm(),
    "posting, errors": lambda: PostingForm(data={"title": "", "pay_min": "x", "duties": ["nope"], "arrangement": "?"}),
    "profile, errors": lambda: ProfileForm(data={"full_name": "", "region": "US-XX", "years_experience": "-3"}),
    "credential": lambda: CredentialForm(data={"jurisdiction": "US-TX", "expires_on": "not a date"}),
    "employer": lambda: EmployerForm(data={"name": "", "website": "ftp://x", "description": "<b>hi</b>"}),
    "invitation": lambda: InvitationForm(data={"email": "no", "role": "owner"}),
    "note": lambda: NoteForm(data={"text": "Called & left a message <b>"}),
    "report": lambda: ReportForm(data={"reason": "", "details": '"quoted"'}),
}


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_each_control_is_what_django_writes(make):
    form = make()
    form.is_valid() if form.is_bound else None
    for field in form:
        if field.field.widget.use_fieldset and not field.is_hidden and hasattr(field.field, "choices"):
            # A group: its boxes, as Django's subwidgets give them.
            django = [(sub.data["attrs"]["id"], str(sub.data["value"]), str(sub.choice_label), sub.data["selected"])
                      for sub in field.subwidgets]  # fmt: skip
            ours = [(i, value, str(label), checked) for i, value, label, checked in widgets.choice_options(field)]
            assert ours == django, field.name
            html = Elements(str(widgets.choices(field)))
            inputs = [item[1] for item in html.items if isinstance(item, tuple) and item[0] == "input"]
            expected = [sub.data["attrs"] for sub in field.subwidgets]
            for attrs, want in zip(inputs, expected, strict=True):
                assert attrs.pop("type") == field.field.widget.input_type
                assert attrs.pop("name") == field.html_name
                attrs.pop("value")
                wanted = {k: None if v is True else str(v) for k, v in want.items() if v is not False}
                assert attrs == wanted, field.name
        else:
            assert Elements(widgets.control(field)).items == Elements(str(field)).items, field.name


def test_counts_beside_choices_and_their_out_of_band_copies_share_ids():
    form = search_form(setting="hospital")
    counts = {"hospital": 1234, "compounding": 0}

    capped = str(widgets.choices(form["setting"], counts, True))
    exact = str(widgets.choices(form["setting"], counts, False))
    swap = str(widgets.counts_swap(form["setting"], counts, True))

    assert '<span class="check__count" id="id_setting_1_count">(1,234+)</span>' in capped
    assert '<span class="check__count" id="id_setting_1_count">(1,234)</span>' in exact
    assert '<span class="check__count" id="id_setting_1_count" data-hx-swap-oob="true">(1,234+)</span>' in swap
    # A capped count of none says nothing; an exact one says (0).
    compounding = next(i for i, value, *_ in widgets.choice_options(form["setting"]) if value == "compounding")
    assert f'id="{compounding}_count"></span>' in capped
    assert f'id="{compounding}_count">(0)</span>' in exact
