"""Teams: invitations by signed, expiring, one-use links; roles; at least one owner, always."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from employers import services
from employers.models import EmployerMember, Invitation
from tests.factories import EmployerFactory, EmployerMemberFactory, InvitationFactory, RecruiterFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = EmployerMember.Role


@pytest.fixture
def employer():
    return EmployerFactory(name="Mercy Hospital")


@pytest.fixture
def owner(employer):
    return EmployerMemberFactory(employer=employer, role=Role.OWNER, user=UserFactory(email="owner@example.com"))


@pytest.fixture
def recruiter(employer):
    return RecruiterFactory(employer=employer)


def invitee(invitation, *, verified=True, **fields):
    """The person the invitation went to: an account with the invited address, confirmed unless told."""
    from allauth.account.models import EmailAddress

    user = UserFactory(email=invitation.email, **fields)
    EmailAddress.objects.create(user=user, email=invitation.email, verified=verified, primary=True)
    return user


def test_an_owner_invites_by_email_with_a_signed_link(employer, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            employer=employer, by=owner.user, email="New@Example.com", role="recruiter"
        )

    assert invitation.email == "new@example.com"
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert "Mercy Hospital" in message.subject
    [token] = re.findall(r"/employer/invitations/([^/\s]+)/", message.body)
    assert services.invitation_read(token=token) == invitation


def test_inviting_again_resends_the_open_invitation(employer, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invitation_create(employer=employer, by=owner.user, email="new@example.com", role="recruiter")
        again = services.invitation_create(employer=employer, by=owner.user, email="new@example.com", role="owner")

    assert again.pk == first.pk
    assert again.role == "owner"
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_recruiter_cannot_invite(employer, recruiter):
    with pytest.raises(PermissionDenied):
        services.invitation_create(employer=employer, by=recruiter.user, email="x@example.com", role="owner")
    assert not Invitation.objects.exists()


def test_a_member_cannot_be_invited_again(employer, owner, recruiter):
    with pytest.raises(ValidationError, match="already on the team"):
        services.invitation_create(employer=employer, by=owner.user, email=recruiter.user.email, role="owner")


def test_an_invite_link_works_once(employer, owner):
    invitation = InvitationFactory(employer=employer, role=Role.RECRUITER)
    token = services.invitation_token(invitation)
    newcomer, latecomer = invitee(invitation), UserFactory()

    membership = services.invitation_accept(token=token, user=newcomer)

    assert (membership.employer, membership.role) == (employer, Role.RECRUITER)
    with pytest.raises(services.InvitationInvalid, match="already been used"):
        services.invitation_accept(token=token, user=latecomer)
    assert not EmployerMember.objects.filter(user=latecomer).exists()


def test_an_invite_link_expires(employer, settings, freezer_days):
    invitation = InvitationFactory(employer=employer)
    token = services.invitation_token(invitation)

    with (
        freezer_days(settings.EMPLOYER_INVITATION_DAYS + 1),
        pytest.raises(services.InvitationInvalid, match="expired"),
    ):
        services.invitation_accept(token=token, user=UserFactory())

    assert not EmployerMember.objects.filter(role=Role.RECRUITER).exists()


def test_a_tampered_invite_link_is_refused(employer):
    invitation = InvitationFactory(employer=employer)
    token = services.invitation_token(invitation)

    with pytest.raises(services.InvitationInvalid, match="not valid"):
        services.invitation_accept(token=token[:-2] + "xx", user=UserFactory())


def test_the_invitation_page_needs_sign_in_then_joins_once(client, employer):
    invitation = InvitationFactory(employer=employer, role=Role.OWNER)
    url = reverse("dashboard:invitation", args=[services.invitation_token(invitation)])
    user = invitee(invitation)

    assert client.get(url).url.startswith("/accounts/login/?next=")
    client.force_login(user)
    page = client.get(url)
    joined = client.post(url)
    again = client.post(url)

    assert "Join Mercy Hospital" in page.content.decode()
    assert joined.url == reverse("dashboard:postings", args=[employer.slug])
    assert EmployerMember.objects.get(user=user).role == Role.OWNER
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_an_applicant_holding_an_owner_invitation_link_does_not_become_owner(client, employer, owner):
    from allauth.account.models import EmailAddress

    invitation = InvitationFactory(employer=employer, role=Role.OWNER, email="new-owner@example.com")
    url = reverse("dashboard:invitation", args=[services.invitation_token(invitation)])
    applicant = UserFactory(email="applicant@example.com")
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    client.force_login(applicant)

    page = client.get(url)
    accepted = client.post(url)

    for response in (page, accepted):
        html = response.content.decode()
        assert response.status_code == 403
        assert "This invitation is for another address" in html
        assert "new-owner@example.com" in html
        assert "Accept and join" not in html
    assert not EmployerMember.objects.filter(user=applicant).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still there for the person it was sent to
    assert client.get(reverse("dashboard:postings", args=[employer.slug])).status_code == 404


def test_an_unconfirmed_copy_of_the_invited_address_is_not_enough(employer):
    invitation = InvitationFactory(employer=employer, role=Role.OWNER)
    squatter = invitee(invitation, verified=False)

    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(token=services.invitation_token(invitation), user=squatter)

    assert not EmployerMember.objects.filter(user=squatter).exists()


def test_the_invited_address_may_be_a_secondary_one_of_any_case(employer):
    from allauth.account.models import EmailAddress

    invitation = InvitationFactory(employer=employer, email="second@example.com")
    user = UserFactory(email="first@example.com")
    EmailAddress.objects.create(user=user, email="Second@Example.com", verified=True, primary=False)

    membership = services.invitation_accept(token=services.invitation_token(invitation), user=user)

    assert membership.user == user


def test_a_tampered_invitation_link_gets_a_clear_400_page(client):
    client.force_login(UserFactory())

    response = client.get(reverse("dashboard:invitation", args=["not-a-real-token"]))

    assert response.status_code == 400
    assert "This invitation link is not valid." in response.content.decode()


# -- Roles and removal ---------------------------------------------------------------------------


def test_a_recruiter_cannot_remove_the_owner(employer, owner, recruiter):
    with pytest.raises(PermissionDenied):
        services.member_remove(membership=owner, by=recruiter.user)

    assert EmployerMember.objects.filter(pk=owner.pk).exists()


def test_a_recruiter_cannot_remove_another_recruiter_or_change_roles(employer, owner, recruiter):
    other = RecruiterFactory(employer=employer)

    with pytest.raises(PermissionDenied):
        services.member_remove(membership=other, by=recruiter.user)
    with pytest.raises(PermissionDenied):
        services.member_set_role(membership=recruiter, role=Role.OWNER, by=recruiter.user)

    recruiter.refresh_from_db()
    assert recruiter.role == Role.RECRUITER


def test_an_owner_removes_a_recruiter_and_anyone_may_leave(employer, owner, recruiter):
    leaver = RecruiterFactory(employer=employer)

    services.member_remove(membership=recruiter, by=owner.user)
    services.member_remove(membership=leaver, by=leaver.user)

    assert list(EmployerMember.objects.filter(employer=employer)) == [owner]


def test_the_last_owner_can_neither_leave_nor_be_demoted(employer, owner):
    with pytest.raises(ValidationError, match="at least one owner"):
        services.member_remove(membership=owner, by=owner.user)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.member_set_role(membership=owner, role=Role.RECRUITER, by=owner.user)

    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_with_two_owners_one_may_step_down(employer, owner, recruiter):
    services.member_set_role(membership=recruiter, role=Role.OWNER, by=owner.user)
    services.member_set_role(membership=owner, role=Role.RECRUITER, by=owner.user)

    assert list(EmployerMember.objects.filter(employer=employer, role=Role.OWNER)) == [recruiter]


def test_the_team_page_refuses_a_recruiter_removing_the_owner(client, employer, owner, recruiter):
    client.force_login(recruiter.user)

    response = client.post(reverse("dashboard:member-remove", args=[employer.slug, owner.pk]), follow=True)

    assert EmployerMember.objects.filter(pk=owner.pk).exists()
    assert "Only an owner" in response.content.decode()


def test_the_team_page_refuses_a_recruiter_inviting(client, employer, recruiter):
    client.force_login(recruiter.user)

    response = client.post(reverse("dashboard:team", args=[employer.slug]), {"email": "x@example.com", "role": "owner"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_team_page_invites(client, employer, owner, django_capture_on_commit_callbacks):
    client.force_login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard:team", args=[employer.slug]), {"email": "colleague@example.com", "role": "recruiter"}
        )

    assert response.status_code == 302
    assert Invitation.objects.get().email == "colleague@example.com"
    assert len(mail.outbox) == 1


@pytest.fixture
def freezer_days(monkeypatch):
    """Move signing's clock forward by a number of days (the signer reads time.time())."""
    import contextlib
    import time

    @contextlib.contextmanager
    def forward(days: int):
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + timedelta(days=days).total_seconds())
        try:
            yield
        finally:
            monkeypatch.setattr(time, "time", real)

    return forward
