"""Rate limits: one notion of the client's address (trusted proxies counted), sign-in lockout by account and
address together, and a limit on every form that writes or sends mail, answered by a 429 page that keeps what
was typed."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alerts.models import Alert
from applicants.models import Application
from employers.models import EmployerMember, Invitation
from jobboard.ratelimits import client_address
from postings.models import Report
from tests.factories import (
    ApplicantProfileFactory,
    EmployerMemberFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"
OWNER_ADDRESS, ATTACKER_ADDRESS, BALANCER = "198.51.100.7", "203.0.113.66", "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner_account():
    user = UserFactory(email="owner@pharmacy.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, password, address, **extra):
    client.post(
        "/accounts/login/", {"login": "owner@pharmacy.example", "password": password}, REMOTE_ADDR=address, **extra
    )
    return "_auth_user_id" in client.session


# -- The client's address ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "", "192.0.2.1"),
        (0, "6.6.6.6", "192.0.2.1"),  # no proxy trusted: a client's header is ignored
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote the left one: never read
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer hops than proxies: the leftmost, never an error
        (1, "not-an-address", "192.0.2.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_counts_only_trusted_proxies(rf, settings, trusted, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}

    assert client_address(rf.get("/", REMOTE_ADDR="192.0.2.1", **headers)) == expected


# -- Signing in ----------------------------------------------------------------------------------------------


def test_wrong_passwords_from_an_attacker_do_not_lock_the_owner_out(client, owner_account):
    for _ in range(5):
        assert not sign_in(client, "guess", ATTACKER_ADDRESS)

    assert not sign_in(client, PASSWORD, ATTACKER_ADDRESS)  # the attacker's address is stopped, right or wrong
    assert sign_in(client, PASSWORD, OWNER_ADDRESS)  # the owner, from their own address, is not


def test_behind_a_balancer_the_lockout_follows_the_forwarded_address(client, settings, owner_account):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in(client, "guess", BALANCER, HTTP_X_FORWARDED_FOR=ATTACKER_ADDRESS)

    assert not sign_in(client, PASSWORD, BALANCER, HTTP_X_FORWARDED_FOR=ATTACKER_ADDRESS)
    assert sign_in(client, PASSWORD, BALANCER, HTTP_X_FORWARDED_FOR=OWNER_ADDRESS)


def test_the_admin_login_is_the_rate_limited_sign_in(client, owner_account):
    owner_account.is_staff = owner_account.is_superuser = True
    owner_account.save()
    answers = [
        client.post("/admin/login/?next=/admin/", {"username": owner_account.username, "password": f"guess{n}"})
        for n in range(60)
    ]
    # Django's admin form is gone: nothing posted to it is tried, every answer sends to allauth's sign-in.
    assert {answer.status_code for answer in answers} == {302}
    assert {answer.url for answer in answers} == {"/accounts/login/?next=%2Fadmin%2F"}
    right = client.post("/admin/login/?next=/admin/", {"username": owner_account.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert right.status_code == 302

    # There, wrong passwords are limited like everyone's: after five, not even the right one is tried.
    for n in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": owner_account.email, "password": f"guess{n}"})
    blocked = client.post("/accounts/login/?next=/admin/", {"login": owner_account.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many" in blocked.content.decode()


def test_staff_reach_the_admin_through_the_sign_in_form(client, owner_account):
    owner_account.is_staff = owner_account.is_superuser = True
    owner_account.save()

    to_login = client.get("/admin/", follow=True)
    assert to_login.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    signed_in = client.post("/accounts/login/?next=%2Fadmin%2F", {"login": owner_account.email, "password": PASSWORD})

    assert signed_in.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_non_staff_user_gets_a_page_not_a_redirect_loop(client):
    client.force_login(UserFactory(email="tech@example.com"))

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert "has no access to the admin" in response.content.decode()
    assert len(response.redirect_chain) == 1


def test_admin_login_keeps_only_a_local_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")

    assert response.url == "/accounts/login/?next=%2Fadmin%2F"


# -- Forms: a 429 that keeps what was typed ---------------------------------------------------------------------


def test_alert_sign_ups_behind_a_balancer_count_each_visitor(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def subscribe(visitor, number):
        return client.post(
            f"/alerts/new/?q=pharmacy{number}",
            {"email": f"v{number}@example.com", "frequency": "daily", "name": f"My search {number}"},
            REMOTE_ADDR=BALANCER,
            HTTP_X_FORWARDED_FOR=visitor,
        )

    # More visitors than one client may sign up in an hour (20), all through the same balancer.
    visitors = [subscribe(f"198.51.100.{n}", n) for n in range(25)]
    assert {response.status_code for response in visitors} == {200}  # "check your inbox", each of them

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "alert_subscribe": (3, 3600)}
    for n in range(3):
        subscribe(ATTACKER_ADDRESS, 100 + n)
    refused = subscribe(ATTACKER_ADDRESS, 200)

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "many times in the last hour" in html
    assert 'value="v200@example.com"' in html
    assert 'value="My search 200"' in html
    assert Alert.objects.count() == 28


def test_reports_over_the_limit_keep_the_details(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "posting_report": (2, 3600)}
    postings = PublishedPostingFactory.create_batch(3)

    codes = [
        client.post(reverse("postings:report", args=[p.pk]), {"reason": "scam", "details": "Asks for a fee"})
        for p in postings
    ]

    assert [c.status_code for c in codes] == [302, 302, 429]
    assert "Asks for a fee" in codes[2].content.decode()
    assert Report.objects.count() == 2


def test_applications_are_limited_and_keep_the_cover_note(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "application": (2, 3600)}
    profile = ApplicantProfileFactory(full_name="Jane Doe", user=UserFactory(email="jane@example.com"))
    client.force_login(profile.user)
    postings = PublishedPostingFactory.create_batch(3)

    answers = [
        client.post(
            reverse("applicants:apply", args=[p.pk]),
            {"resume_choice": "none", "cover_note": f"I could start Monday ({p.pk})."},
        )
        for p in postings
    ]

    assert [a.status_code for a in answers] == [302, 302, 429]
    html = answers[2].content.decode()
    assert "many times in the last hour" in html
    assert f"I could start Monday ({postings[2].pk})." in html
    assert Application.objects.count() == 2


@pytest.fixture
def owner_client(client):
    membership = EmployerMemberFactory(role=EmployerMember.Role.OWNER)
    client.force_login(membership.user)
    client.employer = membership.employer
    return client


def test_invitations_are_limited_and_keep_the_address(owner_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (2, 3600)}
    url = reverse("dashboard:team", args=[owner_client.employer.slug])

    answers = [owner_client.post(url, {"email": f"new{n}@example.com", "role": "recruiter"}) for n in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert 'value="new2@example.com"' in answers[2].content.decode()
    assert Invitation.objects.count() == 2


def test_imports_are_limited(owner_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "posting_import": (1, 3600)}
    url = reverse("dashboard:posting-import", args=[owner_client.employer.slug])

    def upload():
        file = SimpleUploadedFile("jobs.jsonl", b"{}\n", content_type="application/json")
        return owner_client.post(url, {"file": file, "dry_run": "on"})

    first, second = upload(), upload()

    assert first.status_code == 200
    assert second.status_code == 429
    html = second.content.decode()
    assert "many times in the last hour" in html
    assert 'name="dry_run" checked' in html or "checked" in html
