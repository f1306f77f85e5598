"""Every dashboard and public form fed garbage through hypothesis: never a 500, never a half-save."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from employers.models import Employer, EmployerMember, Invitation
from postings.models import Posting, Report
from tests.factories import EmployerMemberFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db

garbage = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["\x00", "-1", "1e400", "NaN", "owner", "recruiter", "close", "renew", "scam", "a@b", "http://"]),
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
