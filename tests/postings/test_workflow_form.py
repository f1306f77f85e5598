"""The posting form: every field, understandable errors, and garbage never causing a 500 or a half-save."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from employers.models import EmployerMember
from postings.forms import FIELDSETS, PostingForm, requirement_formset
from postings.models import CredentialRequirement, CredentialType, Posting
from tests.factories import DraftPostingFactory, EmployerFactory, EmployerMemberFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db


def valid_data(**overrides) -> dict:
    data = {
        "title": "Pharmacy Technician",
        "setting": "community-retail",
        "experience": "entry",
        "duties": ["dispensing"],
        "systems": "PioneerRx, QS/1",
        "description": "Fill prescriptions.\n\n- Count\n- Label",
        "reference": "",
        "arrangement": "on-site",
        "country": "US",
        "region": "US-TX",
        "city": "Austin",
        "postal_code": "78701",
        "pay_min": "17.50",
        "pay_max": "21",
        "pay_period": "hour",
        "pay_currency": "USD",
        "sign_on_bonus": "",
        "employment_types": ["full-time", "part-time"],
        "shifts": ["day"],
        "shift_differential": "",
        "apply_method": "board",
        "apply_url": "",
        "apply_email": "",
        "credentials-TOTAL_FORMS": "2",
        "credentials-INITIAL_FORMS": "0",
        "credentials-0-level": "required",
        "credentials-0-within_days": "",
        "credentials-0-jurisdiction": "",
        "credentials-1-level": "required",
    }
    return {**data, **overrides}


def validate(data, employer=None):
    form = PostingForm(data=data, employer=employer or EmployerFactory())
    formset = requirement_formset(data=data)
    return form, formset, form.is_valid() & formset.is_valid()


def test_every_model_field_an_employer_sets_is_on_the_form():
    on_form = {name for _, _, names in FIELDSETS for name in names}
    managed = {"id", "employer", "created_by", "slug", "latitude", "longitude", "pay_max_hourly"}
    managed |= {"search_vector", "search_head", "facets", "requires_no_credential"}
    managed |= {"status", "published_at", "expires_at", "created_at", "updated_at", "view_count"}
    model_fields = {f.name for f in Posting._meta.get_fields() if f.concrete}
    assert model_fields - managed == on_form


def test_the_fieldsets_follow_how_a_manager_describes_a_job():
    assert [legend for _, legend, _ in FIELDSETS] == [
        "The role",
        "The place",
        "Pay",
        "Schedule",
        "Benefits",
        "How to apply",
    ]


def test_a_valid_posting_and_its_cleaned_values():
    form, formset, valid = validate(valid_data())

    assert valid, (form.errors, formset.errors)
    assert form.cleaned_data["systems"] == ["PioneerRx", "QS/1"]
    assert form.cleaned_data["pay_min"] == Decimal("17.50")
    assert formset.requirements == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pay_min": "", "pay_max": ""}, "pay_min", "This field is required."),
        ({"pay_min": "5"}, "pay_min", "between 7 and 150"),
        ({"pay_max": "1800"}, "pay_max", "between 7 and 150"),
        ({"pay_period": "year", "pay_min": "19", "pay_max": "22"}, "pay_min", "between 15,000 and 300,000"),
        ({"pay_min": "25", "pay_max": "20"}, "pay_max", "must not be below the bottom"),
        ({"region": "CA-ON"}, "region", "of the country above"),
        ({"region": "XX-YY"}, "region", "Choose one of the listed options."),
        ({"postal_code": "7870"}, "postal_code", "5-digit ZIP code"),
        ({"country": "CA", "region": "CA-ON", "postal_code": "12345", "pay_currency": "CAD"}, "postal_code", "M5V 2T6"),
        ({"apply_method": "url", "apply_url": "ftp://jobs.example.com/apply"}, "apply_url", "starting with https://"),
        ({"apply_method": "url", "apply_url": "javascript:alert(1)"}, "apply_url", "starting with https://"),
        ({"apply_method": "url", "apply_url": ""}, "apply_url", "Give the address"),
        ({"apply_method": "email", "apply_email": ""}, "apply_email", "Give the address candidates"),
        ({"employment_types": []}, "employment_types", "This field is required."),
        ({"city": ""}, "city", "remote jobs may leave it empty"),
        ({"title": "x" * 151}, "title", "at most 150 characters"),
        ({"systems": ",".join(f"s{n}" for n in range(21))}, "systems", "at most 20 systems"),
        ({"setting": "pharmacy"}, "setting", "Choose one of the listed options."),
    ],
)
def test_errors_say_what_to_fix(overrides, field, message):
    form, _, valid = validate(valid_data(**overrides))

    assert not valid
    assert message in " ".join(form.errors[field]), form.errors


def test_postal_codes_are_normalised_per_country():
    us, _, _ = validate(valid_data(postal_code="78701-1234"))
    ca, _, ca_valid = validate(
        valid_data(country="CA", region="CA-ON", city="Toronto", postal_code="m5v2t6", pay_currency="CAD")
    )

    assert us.cleaned_data["postal_code"] == "78701-1234"
    assert ca_valid
    assert ca.cleaned_data["postal_code"] == "M5V 2T6"


def test_a_remote_job_needs_no_city():
    _, _, valid = validate(valid_data(arrangement="remote", city="", postal_code=""))
    assert valid


def test_the_reference_is_unique_per_employer_with_a_clear_message():
    posting = DraftPostingFactory(reference="REQ-1")

    form, _, valid = validate(valid_data(reference="REQ-1"), employer=posting.employer)
    _, _, valid_elsewhere = validate(valid_data(reference="REQ-1"))

    assert not valid
    assert form.errors["reference"] == ["Another of your postings already has this reference."]
    assert valid_elsewhere


def test_credentials_any_of_groups_with_levels():
    cpht, excpt, registration = (
        CredentialType.objects.get(code=c) for c in ("ptcb-cpht", "nha-excpt", "state-registration")
    )
    data = valid_data(
        **{
            "credentials-0-credential_types": [str(cpht.pk), str(excpt.pk)],
            "credentials-1-level": "within",
            "credentials-1-within_days": "90",
            "credentials-1-credential_types": [str(registration.pk)],
        }
    )

    _, formset, valid = validate(data)

    assert valid, formset.errors
    assert formset.requirements == [
        {"level": "required", "within_days": None, "options": [(excpt, ""), (cpht, "")]},  # by name
        {"level": "within", "within_days": 90, "options": [(registration, "US-TX")]},  # the job's state by default
    ]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"level": "within", "credential_types": "cpht"}, "within_days", "within how many days"),
        ({"level": "required", "within_days": "30", "credential_types": "cpht"}, "within_days", "only to"),
        ({"level": "preferred", "jurisdiction": "CA-ON"}, "credential_types", "at least one credential"),
        (
            {"level": "required", "credential_types": "registration", "jurisdiction": "CA-ON"},
            "jurisdiction",
            "issued in US",
        ),
        ({"level": "required", "credential_types": "999999"}, "credential_types", "from the list"),
    ],
)
def test_credential_rows_explain_their_errors(row, field, message):
    codes = {"cpht": "ptcb-cpht", "registration": "state-registration"}
    types = row.get("credential_types")
    if types in codes:
        types = str(CredentialType.objects.get(code=codes[types]).pk)
    data = valid_data(**{f"credentials-0-{key}": value for key, value in row.items() if key != "credential_types"})
    if types:
        data["credentials-0-credential_types"] = [types]

    _, formset, valid = validate(data)

    assert not valid
    assert message in " ".join(formset.forms[0].errors[field]), formset.errors


def test_a_saved_credential_row_emptied_is_removed():
    data = valid_data(**{"credentials-INITIAL_FORMS": "1", "credentials-0-level": "preferred"})

    _, formset, valid = validate(data)

    assert valid, formset.errors
    assert formset.requirements == []


def test_an_empty_credential_row_is_ignored_and_a_saved_row_can_be_removed():
    cpht = CredentialType.objects.get(code="ptcb-cpht")
    data = valid_data(
        **{
            "credentials-INITIAL_FORMS": "1",  # row 0 was saved before: it offers "Remove this requirement"
            "credentials-0-credential_types": [str(cpht.pk)],
            "credentials-0-DELETE": "on",
        },
    )

    _, formset, valid = validate(data)

    assert valid
    assert formset.requirements == []


# -- Through the dashboard ------------------------------------------------------------------------


@pytest.fixture
def member_client(client):
    membership = EmployerMemberFactory(role=EmployerMember.Role.OWNER)
    client.force_login(membership.user)
    client.employer = membership.employer
    return client


def test_posting_a_job_then_previewing_it(member_client):
    employer = member_client.employer
    cpht = CredentialType.objects.get(code="ptcb-cpht")

    response = member_client.post(
        reverse("dashboard:posting-new", args=[employer.slug]),
        valid_data(**{"credentials-0-credential_types": [str(cpht.pk)], "preview": ""}),
    )

    posting = Posting.objects.get(employer=employer)
    assert response.url == reverse("dashboard:posting-preview", args=[employer.slug, posting.pk])
    assert posting.status == Posting.Status.DRAFT
    assert posting.requirements.get().options.get().credential_type == cpht
    preview = member_client.get(response.url)
    assert "PTCB CPhT" in preview.content.decode()


def test_errors_are_linked_to_their_fields_on_the_page(member_client):
    response = member_client.post(
        reverse("dashboard:posting-new", args=[member_client.employer.slug]), valid_data(pay_min="3")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'aria-describedby="id_pay_min_error"' in html
        or 'aria-describedby="id_pay_min_helptext id_pay_min_error"' in html
    )
    assert 'id="id_pay_min_error"' in html
    assert 'aria-invalid="true"' in html
    assert not Posting.objects.exists()


def test_editing_a_live_posting_from_the_dashboard_keeps_it_live_until_the_edit_is_approved(member_client):
    employer = member_client.employer
    posting = PublishedPostingFactory(employer=employer, title="Technician")

    response = member_client.post(
        reverse("dashboard:posting-edit", args=[employer.slug, posting.pk]),
        valid_data(title="Senior Technician"),
        follow=True,
    )

    posting.refresh_from_db()
    assert (posting.title, posting.status) == ("Technician", Posting.Status.PUBLISHED)
    assert "waits for a moderator" in response.content.decode()
    assert member_client.get(posting.get_absolute_url()).status_code == 200
    # Editing again starts from the edit that waits, not from the live version.
    form = member_client.get(reverse("dashboard:posting-edit", args=[employer.slug, posting.pk])).content.decode()
    assert 'value="Senior Technician"' in form


# -- Drafts -------------------------------------------------------------------------------------

FIELD_NAMES_ = [name for _, _, names in FIELDSETS for name in names]


def test_save_draft_keeps_whatever_is_typed(member_client):
    employer = member_client.employer
    data = dict.fromkeys(valid_data(), "") | {
        "title": "Weekend tech",
        "pay_min": "19",
        "credentials-TOTAL_FORMS": "2",
        "credentials-INITIAL_FORMS": "0",
        "credentials-0-level": "required",
        "credentials-1-level": "required",
        "save": "",
    }
    for name in ("employment_types", "shifts", "duties"):
        data.pop(name)

    response = member_client.post(reverse("dashboard:posting-new", args=[employer.slug]), data, follow=True)

    posting = Posting.objects.get(employer=employer)
    assert (posting.status, posting.title, posting.pay_min, posting.pay_max) == ("draft", "Weekend tech", 19, None)
    assert "Draft saved." in response.content.decode()


def test_an_empty_draft_can_be_saved_and_shows_as_untitled(member_client):
    employer = member_client.employer

    response = member_client.post(
        reverse("dashboard:posting-new", args=[employer.slug]),
        {"credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0", "save": ""},
        follow=True,
    )

    assert Posting.objects.get(employer=employer).title == Posting.UNTITLED
    assert response.status_code == 200


def test_submitting_a_half_written_draft_says_what_it_lacks(member_client):
    employer = member_client.employer
    member_client.post(
        reverse("dashboard:posting-new", args=[employer.slug]),
        {"title": "Weekend tech", "credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0", "save": ""},
    )
    posting = Posting.objects.get(employer=employer)

    response = member_client.post(
        reverse("dashboard:posting-action", args=[employer.slug, posting.pk, "submit"]), follow=True
    )

    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT
    html = response.content.decode()
    assert "needs a description" in html
    assert "an employment type" in html
    preview = member_client.get(reverse("dashboard:posting-preview", args=[employer.slug, posting.pk]))
    assert preview.url == reverse("dashboard:posting-edit", args=[employer.slug, posting.pk])


def test_save_and_preview_still_validates_every_field(member_client):
    response = member_client.post(
        reverse("dashboard:posting-new", args=[member_client.employer.slug]),
        {"title": "Weekend tech", "credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0", "preview": ""},
    )

    assert response.status_code == 200
    assert "Some answers need another look" in response.content.decode()
    assert not Posting.objects.exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(FIELD_NAMES_), st.one_of(st.just(""), st.text(max_size=40)), min_size=1))
@example(changes={"languages": "%1"})  # the draft form once missed the registry's fields: a 500
def test_garbage_in_a_draft_never_500s(member_client, changes):
    data = valid_data(**changes, save="")

    response = member_client.post(reverse("dashboard:posting-new", args=[member_client.employer.slug]), data)

    assert response.status_code in (200, 302)


# -- Garbage ------------------------------------------------------------------------------------


FIELD_NAMES = [name for _, _, names in FIELDSETS for name in names] + [
    "credentials-TOTAL_FORMS",
    "credentials-INITIAL_FORMS",
    "credentials-0-level",
    "credentials-0-within_days",
    "credentials-0-credential_types",
    "credentials-0-jurisdiction",
    "credentials-0-DELETE",
]
garbage = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        ["\x00", "-1", "1e400", "NaN", "99999999999999999999", "0", "US-TX", "hour", "https://", "<script>"]
    ),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(garbage, st.lists(garbage, max_size=3)), min_size=1)
)
@example(changes={"systems": "\x00"})  # found by hypothesis: a 500 (PostgreSQL refuses NUL)
@example(changes={"systems": ["Pyxis", "\x00"]})
def test_garbage_in_any_field_never_500s_and_saves_nothing_half_way(member_client, changes):
    data = valid_data(**changes)
    before = (Posting.objects.count(), CredentialRequirement.objects.count())

    response = member_client.post(reverse("dashboard:posting-new", args=[member_client.employer.slug]), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (Posting.objects.count(), CredentialRequirement.objects.count()) == before
        assert "Some answers need another look" in response.content.decode()
    else:
        posting = Posting.objects.order_by("-pk").first()
        assert posting.title
        assert posting.pay_min <= posting.pay_max


def test_a_nul_character_in_systems_is_refused_beside_the_field(member_client):
    response = member_client.post(
        reverse("dashboard:posting-new", args=[member_client.employer.slug]), valid_data(systems="Pyxis\x00")
    )

    assert response.status_code == 200
    assert "Remove the control or broken character" in response.content.decode()
    assert not Posting.objects.exists()
