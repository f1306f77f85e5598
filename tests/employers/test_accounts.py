"""Accounts (django-allauth): email sign-in, mandatory verification, reset, rate limits, our design, mail by worker."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts attempts in the shared cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verified_user():
    from allauth.account.models import EmailAddress

    user = UserFactory(email="tech@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def signup(client, capture, email="new@example.com"):
    with capture(execute=True):
        return client.post("/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_the_pages_use_the_site_design_and_ask_for_no_username(client):
    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert 'class="site-header"' in html
        assert "site-main--card" in html
        assert "username" not in html.lower(), path


def test_sign_up_needs_email_verification_before_sign_in(client, django_capture_on_commit_callbacks):
    response = signup(client, django_capture_on_commit_callbacks)

    assert response.url == "/accounts/confirm-email/"
    user = get_user_model().objects.get(email="new@example.com")
    assert user.username  # generated, never shown
    [message] = mail.outbox
    assert message.subject == "RxTech Jobs: Confirm your email address"
    assert "new@example.com" in message.body
    assert message.alternatives  # an HTML part too

    blocked = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert blocked.url == "/accounts/confirm-email/"

    confirm_url = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    path = urlsplit(confirm_url).path
    page = client.get(path)
    assert "Confirm my email address" in page.content.decode()
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert client.get("/employer/").status_code == 200  # signed in


def test_sign_in_by_email_and_sign_out(client, verified_user):
    response = client.post("/accounts/login/", {"login": "tech@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert "Sign out" in client.get("/").content.decode()

    client.post("/accounts/logout/")

    assert "Sign in" in client.get("/").content.decode()


def test_a_wrong_password_is_a_form_error_linked_to_the_form(client, verified_user):
    response = client.post("/accounts/login/", {"login": "tech@example.com", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "not correct" in html


def test_failed_sign_ins_are_rate_limited(client, verified_user):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "tech@example.com", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "tech@example.com", "password": PASSWORD})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()


def test_password_reset_mail_goes_through_the_queue(client, verified_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/accounts/password/reset/", {"email": "tech@example.com"})

    assert response.status_code == 302
    assert len(callbacks) == 1  # queued on commit for the worker, not sent inside the request
    [message] = mail.outbox
    assert message.subject == "RxTech Jobs: Reset your password"
    assert "/accounts/password/reset/key/" in message.body


def test_the_adapter_never_sends_synchronously(rf, settings, monkeypatch):
    """Without a commit, nothing leaves: the mail is handed to the Celery task once the transaction commits."""
    from jobboard.accounts import AccountAdapter

    queued = []
    monkeypatch.setattr("jobboard.accounts.email_queue", lambda **kwargs: queued.append(kwargs))
    request = rf.get("/")
    from allauth.core import context

    with context.request_context(request):
        AccountAdapter(request).send_mail(
            "account/email/password_reset_key",
            "tech@example.com",
            {"password_reset_url": "http://x/reset/", "user": None},
        )

    [message] = queued
    assert message["to"] == ["tech@example.com"]
    assert "http://x/reset/" in message["text"]
    assert "http://x/reset/" in message["html"]
    assert not mail.outbox
