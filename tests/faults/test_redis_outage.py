"""Redis killed and restarted under a running board (gunicorn, a Celery worker with beat, an SMTP sink).

While Redis is away, what visitors read comes from PostgreSQL and what they write is committed; the emails those
writes owe go out once Redis is back, each exactly once. Only /healthz says something is wrong.
"""

from __future__ import annotations

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from alerts.models import Alert
from applicants.models import Application
from postings.models import Report
from tests.factories import ApplicantProfileFactory, EmployerMemberFactory, PublishedPostingFactory, UserFactory

from .conftest import form_token, recipients, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def public_pages(posting) -> list[str]:
    return [
        "/",
        "/jobs/",
        "/jobs/?setting=hospital&region=US-TX",
        posting.get_absolute_url(),
        "/jobs/feed/",
        "/sitemap.xml",
        f"/employers/{posting.employer.slug}/",
        "/accounts/login/",
        "/alerts/new/?setting=hospital",
        f"/jobs/{posting.pk}/report/",
    ]


def test_with_redis_killed_pages_answer_writes_commit_and_their_emails_go_out_once_it_is_back(services, sink):
    import requests

    posting = PublishedPostingFactory(title="IV Room Technician", setting="hospital", region="US-TX")
    EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="owner@pharmacy.example"))
    ana = ApplicantProfileFactory(full_name="Ana Lopez", user=UserFactory(email="ana@example.com")).user
    EmailAddress.objects.create(user=ana, email=ana.email, verified=True, primary=True)
    # Hashed as the server's settings hash (the tests' own hasher is a fast one the server does not know).
    ana.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    ana.save(update_fields=["password"])
    services.worker()
    web = services.web()
    pages = public_pages(posting)
    for path in pages:  # Redis up: the cache fills
        assert requests.get(web + path, timeout=30).status_code == 200, path

    services.redis.kill()

    answers = {path: requests.get(web + path, timeout=30).status_code for path in pages}
    assert answers == dict.fromkeys(pages, 200)
    assert requests.get(web + "/healthz", timeout=30).status_code == 503

    # Sign in with Redis away (allauth's rate limits are counted in the cache).
    browser = requests.Session()
    token = form_token(browser.get(web + "/accounts/login/", timeout=30))
    response = browser.post(web + "/accounts/login/", data={"csrfmiddlewaretoken": token, "login": ana.email,
                            "password": PASSWORD}, allow_redirects=False, timeout=30)  # fmt: skip
    assert response.status_code == 302
    assert browser.get(web + "/me/", timeout=30).status_code == 200

    # Apply, signed in as above.
    applicant = browser
    apply_url = f"{web}/jobs/{posting.pk}/apply/"
    token = form_token(applicant.get(apply_url, timeout=30))
    response = applicant.post(apply_url, data={"csrfmiddlewaretoken": token, "full_name": "Ana Lopez",
                              "cover_note": "Nights suit me.", "resume_choice": "none"}, timeout=30)  # fmt: skip
    [application] = Application.objects.filter(posting=posting, profile__user=ana)
    assert response.status_code == 200
    assert response.url == web + application.get_absolute_url()  # the applicant's page of it

    # Sign up for an alert, anonymously.
    visitor = requests.Session()
    alert_url = f"{web}/alerts/new/?setting=hospital"
    token = form_token(visitor.get(alert_url, timeout=30))
    response = visitor.post(alert_url, data={"csrfmiddlewaretoken": token, "email": "seeker@example.com",
                            "frequency": "daily", "name": ""}, timeout=30)  # fmt: skip
    assert response.status_code == 200
    assert Alert.objects.filter(email="seeker@example.com", status="unconfirmed").count() == 1

    # Report the posting.
    report_url = f"{web}/jobs/{posting.pk}/report/"
    token = form_token(visitor.get(report_url, timeout=30))
    response = visitor.post(report_url, data={"csrfmiddlewaretoken": token, "reason": "wrong-details",
                            "details": "The pay is per year, not per hour."}, timeout=30)  # fmt: skip
    assert response.status_code == 200
    assert Report.objects.filter(posting=posting).count() == 1

    time.sleep(3)  # beat's sweeps run meanwhile, and fail: nothing may have been sent or lost
    assert sink.messages == []

    services.redis.start()

    expected = {"ana@example.com": 1, "seeker@example.com": 1, "owner@pharmacy.example": 1}
    wait_until(lambda: set(recipients(sink)) >= set(expected), timeout=60,
               message=f"emails owed while Redis was away did not arrive: {recipients(sink)}")  # fmt: skip
    time.sleep(6)  # another sweep or two: a second copy would arrive now
    assert recipients(sink) == expected
    subjects = {message["X-Envelope-To"]: message["Subject"] for message in sink.messages}
    assert "IV Room Technician" in subjects["ana@example.com"]
    assert "confirm" in subjects["seeker@example.com"].lower()
    assert requests.get(web + "/healthz", timeout=30).status_code == 200
    for path in pages:  # and the cache works again
        assert requests.get(web + path, timeout=30).status_code == 200, path
