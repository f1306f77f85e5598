"""Every dashboard, review and public form fed garbage through hypothesis: never a 500, never a half-save."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from employers.models import Employer, EmployerMember, Invitation
from postings.models import Posting, Report
from tests.factories import ApplicationFactory, EmployerMemberFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db

garbage = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["\x00", "-1", "1e400", "NaN", "owner", "recruiter", "close", "renew", "scam", "a@b", "http://", "hired"]
    ),
    st.integers().map(str),
)
values = st.one_of(garbage, st.lists(garbage, max_size=3))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def owner_client(client):
    membership = EmployerMemberFactory(role=EmployerMember.Role.OWNER)
    client.force_login(membership.user)
    client.employer = membership.employer
    return client


def counts():
    return (
        Employer.objects.count(),
        EmployerMember.objects.count(),
        Invitation.objects.count(),
        Posting.objects.count(),
    )


@SETTINGS
@given(
    data=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["name", "type", "website", "description", "locations"], values)
    )
)
def test_the_organisation_forms(owner_client, data):
    before = counts()

    created = owner_client.post(reverse("dashboard:employer-new"), data)
    edited = owner_client.post(reverse("dashboard:employer-edit", args=[owner_client.employer.slug]), data)

    assert created.status_code in (200, 302)
    assert edited.status_code in (200, 302)
    if created.status_code == 200:
        assert counts()[:2] == before[:2]


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional={"email": values, "role": values}))
def test_the_invitation_form(owner_client, data, django_capture_on_commit_callbacks):
    before = Invitation.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("dashboard:team", args=[owner_client.employer.slug]), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Invitation.objects.count() == before


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional={"action": values, "postings": values, "role": values}))
def test_bulk_and_team_actions(owner_client, data):
    slug = owner_client.employer.slug
    member = EmployerMember.objects.get(employer=owner_client.employer)

    bulk = owner_client.post(reverse("dashboard:posting-bulk", args=[slug]), data)
    role = owner_client.post(reverse("dashboard:member-role", args=[slug, member.pk]), data)

    assert bulk.status_code == 302
    assert role.status_code == 302
    member.refresh_from_db()
    assert member.role == EmployerMember.Role.OWNER  # the last owner stays an owner whatever is sent


@SETTINGS
@given(params=st.fixed_dictionaries({}, optional={"q": garbage, "status": garbage, "page": garbage}))
def test_the_dashboard_filters(owner_client, params):
    response = owner_client.get(reverse("dashboard:postings", args=[owner_client.employer.slug]), params)

    assert response.status_code == 200


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional={"reason": values, "details": values}))
def test_the_report_form(client, data):
    posting = PublishedPostingFactory()
    before = Report.objects.count()

    response = client.post(f"/jobs/{posting.pk}/report/", data)

    assert response.status_code in (200, 302, 429)  # 429: more than ten valid reports from this visitor
    if response.status_code != 302:
        assert Report.objects.count() == before


# -- The review of applicants ---------------------------------------------------------------------------

REVIEW_FORMS = {
    "status": ("review-application-status", "application", ["status"]),
    "note": ("review-application-note", "application", ["text"]),
    "bulk": ("review-posting-bulk", "posting", ["applications"]),
    "messages": (
        "review-messages",
        None,
        ["kind", "reset", "hired-subject", "hired-body", "not-selected-subject", "not-selected-body"],
    ),
}


@pytest.fixture
def received(owner_client):
    return ApplicationFactory(posting=PublishedPostingFactory(employer=owner_client.employer))


def _review_url(client, received, name, whose):
    ids = {"application": [received.pk], "posting": [received.posting_id], None: []}[whose]
    return reverse(f"dashboard:{name}", args=[client.employer.slug, *ids])


@pytest.mark.parametrize("name", REVIEW_FORMS)
@SETTINGS
@given(data=st.data())
def test_the_review_forms(owner_client, received, name, data):
    url_name, whose, fields = REVIEW_FORMS[name]
    owner_client.raise_request_exception = False
    payload = {field: data.draw(values, label=field) for field in fields if data.draw(st.booleans())}

    with transaction.atomic():
        response = owner_client.post(_review_url(owner_client, received, url_name, whose), payload)
        transaction.set_rollback(True)

    assert response.status_code < 500, (name, payload)


@SETTINGS
@given(status=values, pk=st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_the_review_query_strings_and_ids(owner_client, received, status, pk):
    owner_client.raise_request_exception = False
    slug = owner_client.employer.slug

    response = owner_client.get(_review_url(owner_client, received, "review-posting", "posting"), {"status": status})

    assert response.status_code == 200
    for url in (f"/employer/{slug}/applicants/{abs(pk)}/", f"/employer/applicants/{abs(pk)}/"):
        assert owner_client.get(url).status_code < 500, url


def test_the_fuzzed_review_endpoints_do_work_with_good_input(owner_client, received):
    """The other side of the garbage tests: the same endpoints accept a sensible request."""
    response = owner_client.post(
        _review_url(owner_client, received, "review-application-note", "application"), {"text": "Fine"}
    )

    assert response.status_code == 302
    assert received.notes.get().text == "Fine"


# -- The account forms (allauth's, drawn by our templates) ------------------------------------------------


@SETTINGS
@given(
    path=st.sampled_from(["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]),
    data=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["login", "email", "password", "password1", "password2", "remember"], values)
    ),
)
@example(path="/accounts/signup/", data={"email": "a\x00@example.com", "password1": "x\x00" * 8})
@example(path="/accounts/login/", data={"login": "\x00", "password": "\x00"})
def test_the_account_forms(client, path, data):
    from django.core.cache import cache

    cache.clear()  # the sign-in limits would otherwise answer 429 before the form is read
    users = get_user_model().objects.count()

    response = client.post(path, data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert get_user_model().objects.count() == users
