"""Every form links its help texts and errors to its inputs, for screen readers.

Each page is parsed: every id that an aria-describedby names exists on the page (once), every help text and
every field's error list is named by the input or group it describes, and an input with errors says
aria-invalid. Each form is seen empty and with errors, as the errors add ids of their own.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from employers.models import EmployerMember
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    EmployerMemberFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


class FormPage(HTMLParser):
    """The ids on a page, who describes what, and the help texts and error lists that must be described."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.described: list[tuple[str, list[str], bool]] = []  # (tag#id, ids it names, aria-invalid)
        self.descriptions: list[str] = []  # ids of help texts and of field error lists
        self.unnamed_help = 0
        self.fieldsets: list[list[str]] = []  # what each open <fieldset> is described by
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        element_id = attrs.get("id", "")
        if element_id:
            self.ids[element_id] += 1
        classes = attrs.get("class", "").split()
        names = attrs.get("aria-describedby", "").split()
        if tag == "fieldset":
            self.fieldsets.append(names)
        invalid = attrs.get("aria-invalid") == "true"
        if invalid and not names and self.fieldsets:
            # A choice in a group: Django marks each box invalid and describes the <fieldset> around them.
            names = self.fieldsets[-1]
        if names or invalid:
            self.described.append((f"{tag}#{element_id}", names, invalid))
        if "field__help" in classes:
            if element_id:
                self.descriptions.append(element_id)
            else:
                self.unnamed_help += 1
        if "errorlist" in classes and element_id.endswith("_error"):
            self.descriptions.append(element_id)

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()


def assert_accessible_form(response, *, with_errors: bool) -> FormPage:
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert "<form" in html
    page = FormPage(html)

    twice = sorted(i for i, n in page.ids.items() if n > 1)
    assert not twice, f"ids used more than once: {twice}"
    missing = sorted({f"{who} -> {i}" for who, names, _ in page.described for i in names if i not in page.ids})
    assert not missing, f"aria-describedby names ids that are not on the page: {missing}"
    named = {i for _, names, _ in page.described for i in names}
    orphans = sorted(set(page.descriptions) - named)
    assert not orphans, f"help texts or errors no input is described by: {orphans}"
    assert not page.unnamed_help, "a help text without an id cannot be linked to its input"
    for who, names, invalid in page.described:
        if invalid:
            assert any(i.endswith("_error") for i in names), f"{who} is invalid but not described by its error"

    errors = [i for i in page.descriptions if i.endswith("_error")]
    if with_errors:
        assert errors, "the form was sent with errors but shows none next to a field"
        assert any(invalid for _, _, invalid in page.described), "no input is marked aria-invalid"
    else:
        assert not errors
    return page


@pytest.fixture
def user(db):
    """One account that applies for jobs and hires: it sees every form."""
    user = UserFactory(email="tech@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    ApplicantProfileFactory(user=user, full_name="Jane Doe")
    return user


@pytest.fixture
def employer(user):
    return EmployerMemberFactory(user=user, role=EmployerMember.Role.OWNER).employer


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


# -- The search -----------------------------------------------------------------------------------------


def test_the_search_form_links_its_help_texts(client):
    PublishedPostingFactory(title="IV Room Technician")

    page = assert_accessible_form(client.get("/jobs/"), with_errors=False)

    # The texts under "Near", "Minimum pay" and, for a visitor, "Only jobs I qualify for".
    assert {"id_near_helptext", "id_pay_min_helptext", "id_qualified_helptext"} <= set(page.descriptions)


def test_the_search_form_links_its_errors(client):
    params = {"near": "Qwxyz", "pay_min": "lots", "setting": "moon-base", "sort": "distance", "radius": "0"}

    page = assert_accessible_form(client.get("/jobs/", params), with_errors=True)

    assert {"id_near_error", "id_pay_min_error", "id_setting_error", "id_radius_error"} <= set(page.descriptions)


def test_the_search_region_htmx_swaps_in_is_linked_the_same_way(client):
    response = client.get("/jobs/", {"pay_min": "lots"}, headers={"HX-Request": "true"})

    assert "<html" not in response.content.decode()
    assert_accessible_form(response, with_errors=True)


def test_a_signed_in_search_form_has_no_sign_in_hint(signed_in):
    page = assert_accessible_form(signed_in.get("/jobs/"), with_errors=False)

    assert "id_qualified_helptext" not in page.ids


# -- Forms of applicants, employers, alerts and accounts -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "invalid"),
    [
        ("/me/profile/", {"full_name": "", "years_experience": "400", "desired_settings": ["moon-base"]}),
        ("/me/credentials/new/", {"credential_type": "", "expires_on": "someday"}),
        ("/me/resume/", {"resume": ""}),
        ("/me/privacy/delete/", {"password": "wrong"}),
    ],
)
def test_applicant_forms(signed_in, path, invalid):
    assert_accessible_form(signed_in.get(path), with_errors=False)
    assert_accessible_form(signed_in.post(path, invalid), with_errors=True)


def test_the_application_form(signed_in):
    posting = PublishedPostingFactory()
    path = f"/jobs/{posting.pk}/apply/"

    assert_accessible_form(signed_in.get(path), with_errors=False)
    assert_accessible_form(signed_in.post(path, {"full_name": "", "resume_choice": "nonsense"}), with_errors=True)


def test_the_report_form(client):
    path = f"/jobs/{PublishedPostingFactory().pk}/report/"

    assert_accessible_form(client.get(path), with_errors=False)
    assert_accessible_form(client.post(path, {"reason": "nonsense"}), with_errors=True)


@pytest.mark.parametrize(
    ("page", "invalid"),
    [
        ("postings/new/", {"title": "x", "pay_min": "3", "shifts": ["dusk"], "credentials-TOTAL_FORMS": "0",
                           "credentials-INITIAL_FORMS": "0"}),
        ("edit/", {"name": "", "website": "not a url"}),
        ("team/", {"email": "not-an-address", "role": "king"}),
    ],
)  # fmt: skip
def test_employer_forms(signed_in, employer, page, invalid):
    path = f"/employer/{employer.slug}/{page}"

    assert_accessible_form(signed_in.get(path), with_errors=False)
    assert_accessible_form(signed_in.post(path, invalid), with_errors=True)


def test_the_review_of_an_application(signed_in, employer):
    application = ApplicationFactory(posting=PublishedPostingFactory(employer=employer))
    path = f"/employer/{employer.slug}/applicants/{application.pk}/"

    page = assert_accessible_form(signed_in.get(path), with_errors=False)
    assert {"id_status_helptext", "id_text_helptext"} <= set(page.descriptions)
    assert_accessible_form(signed_in.post(f"{path}status/", {"status": "promoted"}), with_errors=True)
    assert_accessible_form(signed_in.post(f"{path}notes/", {"text": ""}), with_errors=True)


def test_the_employer_dashboards_filter(signed_in, employer):
    path = f"/employer/{employer.slug}/"

    assert_accessible_form(signed_in.get(path), with_errors=False)
    assert_accessible_form(signed_in.get(path, {"status": "sunk"}), with_errors=True)


def test_the_alert_form(client):
    path = "/alerts/new/?setting=hospital&region=US-TX"

    assert_accessible_form(client.get(path), with_errors=False)
    assert_accessible_form(client.post(path, {"email": "not-an-address", "frequency": "hourly"}), with_errors=True)


@pytest.mark.parametrize(
    ("path", "invalid"),
    [
        ("/accounts/signup/", {"email": "not-an-address", "password1": "short", "password2": "other"}),
        ("/accounts/login/", {"login": "", "password": ""}),
        ("/accounts/password/reset/", {"email": "not-an-address"}),
    ],
)
def test_account_forms(client, path, invalid):
    cache.clear()  # allauth's rate limits live in the cache

    assert_accessible_form(client.get(path), with_errors=False)
    assert_accessible_form(client.post(path, invalid), with_errors=True)


def test_the_email_addresses_page_drawn_by_allauths_field_element(signed_in):
    assert_accessible_form(signed_in.get("/accounts/email/"), with_errors=False)
    response = signed_in.post("/accounts/email/", {"action_add": "", "email": "not-an-address"})
    assert_accessible_form(response, with_errors=True)


def test_the_checker_finds_a_description_that_is_not_on_the_page():
    """The test above can fail: a search form whose help text has a different id than the input names."""
    html = '<form><input id="id_near" aria-describedby="id_near_helptext"><p class="field__help" id="id_near_hint">'

    class Response:
        status_code = 200
        content = html.encode()

    with pytest.raises(AssertionError, match="not on the page"):
        assert_accessible_form(Response(), with_errors=False)
