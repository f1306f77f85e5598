"""Who may see what: every private URL of the applicant, from every side (the employer's review has its own
in tests/employers/test_review.py).

Each URL is tried by its rightful viewer (so the test can fail) and by everyone else, who gets 404: an
id that is someone else's is answered exactly like an id that does not exist.
"""

import pytest
from django.urls import reverse

from applicants.services.applications import application_submit
from applicants.services.profiles import profile_resume_set
from tests.factories import (
    ApplicantProfileFactory,
    EmployerMemberFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    UserFactory,
)

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    posting = PublishedPostingFactory(title="IV Technician")
    other_posting = PublishedPostingFactory(title="Another employer's job")
    alice = ApplicantProfileFactory(full_name="Alice Applicant", user=UserFactory(email="alice@example.com"))
    bob = ApplicantProfileFactory(full_name="Bob Other", user=UserFactory(email="bob@example.com"))
    profile_resume_set(profile=alice, upload=pdf_upload("alice.pdf"))
    credential = HeldCredentialFactory(profile=alice)
    application = application_submit(profile=alice, posting=posting)
    member = EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="member@a.example")).user
    outsider = EmployerMemberFactory(employer=other_posting.employer, user=UserFactory(email="member@b.example")).user
    return {
        "posting": posting,
        "alice": alice,
        "bob": bob,
        "credential": credential,
        "application": application,
        "member": member,
        "outsider": outsider,
    }


# (name, method, url from the world). The applicant's own pages:
APPLICANT_URLS = [
    ("application", "get", lambda w: reverse("applicants:application-detail", args=[w["application"].pk])),
    ("application resume", "get", lambda w: reverse("applicants:application-resume", args=[w["application"].pk])),
    ("withdraw", "post", lambda w: reverse("applicants:application-withdraw", args=[w["application"].pk])),
    ("credential edit", "get", lambda w: reverse("applicants:credential-edit", args=[w["credential"].pk])),
    ("credential edit (post)", "post", lambda w: reverse("applicants:credential-edit", args=[w["credential"].pk])),
    ("credential delete", "post", lambda w: reverse("applicants:credential-delete", args=[w["credential"].pk])),
]
POST_DATA = {"status": "shortlisted", "text": "A note", "applications": [], "confirm": "on"}


def _call(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "method", "url"), APPLICANT_URLS, ids=[u[0] for u in APPLICANT_URLS])
def test_the_applicant_reaches_their_own_pages(client, world, name, method, url):
    client.force_login(world["alice"].user)
    assert _call(client, method, url(world)).status_code in (200, 302)


@pytest.mark.parametrize(("name", "method", "url"), APPLICANT_URLS, ids=[u[0] for u in APPLICANT_URLS])
@pytest.mark.parametrize("who", ["bob", "member", "outsider"])
def test_anyone_else_gets_404_for_an_applicants_pages(client, world, name, method, url, who):
    user = world[who].user if who == "bob" else world[who]
    client.force_login(user)

    assert _call(client, method, url(world)).status_code == 404
    world["application"].refresh_from_db()
    assert world["application"].status == "submitted"
    assert world["alice"].credentials.count() == 1


@pytest.mark.parametrize(("name", "method", "url"), APPLICANT_URLS, ids=[u[0] for u in APPLICANT_URLS])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, method, url):
    response = _call(client, method, url(world))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_applicant_sees_only_their_own_profile_and_resume(client, world):
    client.force_login(world["bob"].user)

    me = client.get(reverse("applicants:me")).content.decode()
    applications = client.get(reverse("applicants:applications")).content.decode()

    assert "Bob Other" in me
    assert "Alice Applicant" not in me
    assert "IV Technician" not in applications
    assert client.get(reverse("applicants:resume-download")).status_code == 404  # Bob has none; never Alice's
