"""The web server's database connections terminated (`pg_terminate_backend`), between requests and in the middle
of one: visitors get their page, or a page saying that nothing was saved and to send it again; nothing is lost
or saved by halves, and the email a retried application owes goes out once."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest
from django.db import connection

from applicants.models import Application, ApplicationEvent
from tests.factories import ApplicantProfileFactory, PublishedPostingFactory, UserFactory

from .conftest import form_token, recipients, signed_in, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def other_backends() -> list[int]:
    """The server's and worker's connections to the test database (every one but this test's own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def terminate(pids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM unnest(%s::int[]) AS pid WHERE pg_terminate_backend(pid)", [pids])
        return cursor.fetchone()[0]


def test_terminated_connections_give_pages_or_a_clear_retry_and_lose_nothing(services, sink):
    posting = PublishedPostingFactory(title="IV Room Technician")
    ana = ApplicantProfileFactory(full_name="Ana Lopez", user=UserFactory(email="ana@example.com")).user
    services.worker(beat=False)
    web = services.web()
    pages = ["/", "/jobs/", posting.get_absolute_url(), "/me/", "/me/applications/"]
    applicant = signed_in(ana)  # signed in, so no page comes from the cache: each needs the database

    # Between requests: the server's persistent connections (CONN_MAX_AGE) are killed while idle.
    terminated = []
    for _ in range(3):
        for path in pages:
            assert applicant.get(web + path, timeout=30).status_code == 200, path
        terminated.append(terminate(other_backends()))
    assert all(terminated), terminated  # each round killed at least one connection the server was keeping
    answers = [applicant.get(web + path, timeout=30).status_code for path in pages * 2]
    assert answers == [200] * len(answers)

    # In the middle of a request: the application's INSERT waits on a lock this test holds, and its
    # connection is terminated while it waits.
    apply_url = f"{web}/jobs/{posting.pk}/apply/"
    form = {"full_name": "Ana Lopez", "cover_note": "Nights suit me.", "resume_choice": "none"}
    token = form_token(applicant.get(apply_url, timeout=30))
    blocker = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"] or "postgres",
        host=connection.settings_dict["HOST"] or None,
        port=connection.settings_dict["PORT"] or None,
    )
    answer = {}
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE applicants_application IN SHARE MODE")  # held until rollback below
        request = threading.Thread(
            target=lambda: answer.update(
                response=applicant.post(apply_url, data={"csrfmiddlewaretoken": token, **form}, timeout=60)
            )
        )
        request.start()
        waiting = []

        def insert_waits() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query LIKE 'INSERT INTO \"applicants_application\"%%'"
                )
                waiting[:] = [pid for (pid,) in cursor.fetchall()]
            return bool(waiting)

        wait_until(insert_waits, timeout=30, message="the application never reached its INSERT")
        assert terminate(waiting) == 1
    finally:
        blocker.rollback()
        blocker.close()
    request.join(timeout=60)

    response = answer["response"]
    assert response.status_code == 503
    assert "We lost our connection to the database" in response.text
    assert "send it again" in response.text
    assert response.headers["Retry-After"] == "5"
    assert not Application.objects.exists()  # nothing saved by halves: no application, no event
    assert not ApplicationEvent.objects.exists()

    # Sent again, as the page asks: saved, and confirmed by one email.
    token = form_token(applicant.get(apply_url, timeout=30))
    response = applicant.post(apply_url, data={"csrfmiddlewaretoken": token, **form}, timeout=30)
    [application] = Application.objects.filter(posting=posting, profile__user=ana)
    assert response.url == web + application.get_absolute_url()
    wait_until(lambda: recipients(sink)["ana@example.com"] >= 1, timeout=30, message="no confirmation arrived")
    time.sleep(2)
    assert recipients(sink) == {"ana@example.com": 1}
