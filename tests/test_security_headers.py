"""Headers every page sends: a Content-Security-Policy without inline script or style, and `Cache-Control:
private` on whatever is made for one visitor, so no shared cache hands it to another."""

import re

import pytest
from allauth.account.models import EmailAddress

from employers.models import EmployerMember
from tests.factories import ApplicantProfileFactory, EmployerMemberFactory, PublishedPostingFactory, UserFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER_OR_STYLE = re.compile(r"<[^>]+\s(?:on[a-z]+|style)=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def posting():
    return PublishedPostingFactory(title="IV Room Technician")


@pytest.fixture
def applicant_client(client):
    client.force_login(ApplicantProfileFactory(full_name="Jane Doe").user)
    return client


@pytest.fixture
def member_client(client):
    membership = EmployerMemberFactory(role=EmployerMember.Role.OWNER)
    client.force_login(membership.user)
    client.employer = membership.employer
    return client


def _assert_strict_policy(response, path):
    assert response.status_code == 200, path
    directives = policy(response)
    assert directives["default-src"] == ["'self'"], path
    assert directives["script-src"] == ["'self'"], path
    assert directives["style-src"] == ["'self'"], path
    assert directives["object-src"] == ["'none'"], path
    assert directives["frame-ancestors"] == ["'none'"], path
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), path
    assert not INLINE_HANDLER_OR_STYLE.search(html), (path, INLINE_HANDLER_OR_STYLE.search(html))


def test_public_pages_have_a_strict_content_security_policy(client, posting):
    for path in [
        "/",
        "/jobs/",
        "/jobs/?q=iv&setting=hospital",
        posting.get_absolute_url(),
        f"/jobs/{posting.pk}/report/",
        f"/employers/{posting.employer.slug}/",
        "/alerts/new/?q=iv",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]:
        _assert_strict_policy(client.get(path), path)


def test_signed_in_pages_have_the_same_policy(applicant_client, member_client, posting):
    for path in ["/me/", "/me/applications/", f"/jobs/{posting.pk}/apply/", "/alerts/"]:
        _assert_strict_policy(applicant_client.get(path), path)


def test_employer_and_admin_pages_have_the_same_policy(member_client):
    slug = member_client.employer.slug
    for path in [
        f"/employer/{slug}/",
        f"/employer/{slug}/team/",
        f"/employer/{slug}/import/",
        f"/employer/{slug}/applicants/",
    ]:
        _assert_strict_policy(member_client.get(path), path)
    staff = UserFactory(is_staff=True, is_superuser=True)
    member_client.force_login(staff)
    for path in ["/admin/", "/admin/alerts/alert/", "/admin/alerts/alertdelivery/", "/admin/postings/posting/"]:
        response = member_client.get(path)
        assert response.status_code == 200, path
        assert policy(response)["script-src"] == ["'self'"]
        assert "style=" not in re.sub(r"<(?:svg|path)[^>]*>", "", response.content.decode().split("<body")[1])


def test_json_ld_is_the_only_script_without_a_file_and_htmx_injects_no_style(client, posting):
    html = client.get(posting.get_absolute_url()).content.decode()

    assert html.count('<script type="application/ld+json">') == 1
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html


def test_signed_in_pages_are_private(applicant_client, posting):
    for path in ["/", "/jobs/", posting.get_absolute_url(), "/me/", "/me/applications/", "/alerts/"]:
        response = applicant_client.get(path)
        assert response.status_code == 200, path
        assert "private" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"], path


def test_employer_pages_are_private(member_client):
    slug = member_client.employer.slug
    for path in ["/employer/", f"/employer/{slug}/", f"/employer/{slug}/team/"]:
        assert "private" in member_client.get(path)["Cache-Control"], path


def test_a_page_that_sets_a_cookie_is_private(client):
    response = client.get("/accounts/login/")  # a CSRF cookie for its form

    assert response.cookies
    assert "private" in response["Cache-Control"]


def test_anonymous_public_pages_stay_shareable(client, posting):
    for path in ["/", "/jobs/", posting.get_absolute_url()]:
        response = client.get(path)
        assert "private" not in response.get("Cache-Control", ""), path
        assert "max-age=" in response["Cache-Control"], path


def test_the_signed_in_sign_out_confirmation_is_private(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)

    assert "private" in client.get("/accounts/logout/")["Cache-Control"]
