"""The "still open?" reminder: sent once per posting and expiry date; its links work once, without sign-in."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from employers.models import EmployerMember
from postings.models import ExpiryReminder, Posting
from postings.services.reminders import expiry_reminder_token, postings_remind_expiring
from postings.services.workflow import posting_renew
from tests.factories import (
    EmployerFactory,
    EmployerMemberFactory,
    ExpiryReminderFactory,
    PublishedPostingFactory,
    RecruiterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Posting.Status


@pytest.fixture
def employer():
    employer = EmployerFactory(name="Mercy Hospital")
    EmployerMemberFactory(
        employer=employer, user=UserFactory(email="owner@example.com"), role=EmployerMember.Role.OWNER
    )
    RecruiterFactory(employer=employer, user=UserFactory(email="recruiter@example.com"))
    return employer


def expiring(employer, days: float, **kwargs) -> Posting:
    now = timezone.now()
    return PublishedPostingFactory(
        employer=employer, published_at=now - timedelta(days=20), expires_at=now + timedelta(days=days), **kwargs
    )


def remind(capture) -> int:
    with capture(execute=True):
        return postings_remind_expiring()


def links(message) -> dict[str, str]:
    return {
        "renew": re.search(r"Keep it open for \d+ more days:\n(\S+)", message.body).group(1),
        "fill": re.search(r"Mark it filled:\n(\S+)", message.body).group(1),
    }


def test_owners_are_reminded_three_days_before_expiry_once(employer, django_capture_on_commit_callbacks):
    due = expiring(employer, 2.5, title="IV Technician")
    expiring(employer, 5)  # not yet
    expiring(employer, -1)  # past its date: expiry's business, not the reminder's

    assert remind(django_capture_on_commit_callbacks) == 1
    assert remind(django_capture_on_commit_callbacks) == 0

    [message] = mail.outbox
    assert message.to == ["owner@example.com"]  # owners only
    assert message.subject.startswith('Still hiring? "IV Technician" closes')
    assert ExpiryReminder.objects.get().posting == due


def test_the_html_email_offers_the_same_two_links_as_buttons(employer, django_capture_on_commit_callbacks):
    expiring(employer, 2)
    remind(django_capture_on_commit_callbacks)

    [message] = mail.outbox
    html, _ = message.alternatives[0]
    buttons = re.findall(r'<a href="([^"]+)" style="display:inline-block;[^"]*">([^<]+)</a>', html)
    days = re.search(r"Keep it open for (\d+) more days", message.body).group(1)
    assert buttons == [
        (links(message)["renew"], f"Still hiring: keep it open {days} more days"),
        (links(message)["fill"], "We found someone: mark it filled"),
    ]


def test_a_renewed_posting_is_reminded_again_before_its_new_date(employer, django_capture_on_commit_callbacks):
    posting = expiring(employer, 2)
    remind(django_capture_on_commit_callbacks)

    posting_renew(posting=posting, by=None, days=1)  # still inside the window, with a new date
    remind(django_capture_on_commit_callbacks)

    assert ExpiryReminder.objects.filter(posting=posting).count() == 2
    assert len(mail.outbox) == 2


def test_the_ledger_refuses_a_second_reminder_for_the_same_date(employer):
    from django.db import IntegrityError, transaction

    reminder = ExpiryReminderFactory(posting=expiring(employer, 2))

    with pytest.raises(IntegrityError), transaction.atomic():
        ExpiryReminder.objects.create(posting=reminder.posting, expires_at=reminder.expires_at)


def test_the_renew_link_works_once_without_sign_in(client, employer, django_capture_on_commit_callbacks):
    posting = expiring(employer, 2)
    old_expiry = posting.expires_at
    remind(django_capture_on_commit_callbacks)
    url = links(mail.outbox[0])["renew"].replace(settings.SITE_URL, "")

    question = client.get(url)
    done = client.post(url)
    again = client.post(url)
    fill_after = client.post(links(mail.outbox[0])["fill"].replace(settings.SITE_URL, ""))

    assert question.status_code == 200
    assert "Keep “" in question.content.decode()
    assert "Renewed" in done.content.decode()
    assert "Already done" in again.content.decode()
    assert "Already done" in fill_after.content.decode()
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert posting.expires_at > old_expiry
    assert posting.events.filter(reason="Renewed").count() == 1
    reminder = ExpiryReminder.objects.get()
    assert reminder.used_action == "renew"


def test_the_filled_link_marks_the_posting_filled(client, employer, django_capture_on_commit_callbacks):
    posting = expiring(employer, 2)
    remind(django_capture_on_commit_callbacks)

    response = client.post(links(mail.outbox[0])["fill"].replace(settings.SITE_URL, ""))

    posting.refresh_from_db()
    assert posting.status == Status.FILLED
    assert "Marked filled" in response.content.decode()
    assert posting.events.get().by is None


def test_a_get_never_acts(client, employer, django_capture_on_commit_callbacks):
    """Mail scanners follow links: only the button on the page (a POST) renews or fills."""
    posting = expiring(employer, 2)
    remind(django_capture_on_commit_callbacks)

    client.get(links(mail.outbox[0])["fill"].replace(settings.SITE_URL, ""))

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: "garbage",
        lambda token: token.split(":")[0] + ":abc:def",
    ],
    ids=["signature", "payload", "garbage", "timestamp"],
)
def test_a_tampered_link_gets_a_clear_400_page(client, employer, tamper, django_capture_on_commit_callbacks):
    posting = expiring(employer, 2)
    remind(django_capture_on_commit_callbacks)
    token = links(mail.outbox[0])["fill"].rstrip("/").rsplit("/", 1)[1]

    get = client.get(f"/employer/still-open/{tamper(token)}/")
    post = client.post(f"/employer/still-open/{tamper(token)}/")

    assert (get.status_code, post.status_code) == (400, 400)
    assert "This link does not work" in post.content.decode()
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED


def test_a_link_signed_for_something_else_is_refused(client):
    from django.core import signing

    reminder = ExpiryReminderFactory()
    forged = signing.dumps({"r": reminder.pk, "a": "fill"}, salt="employers.invitation")

    assert client.post(f"/employer/still-open/{forged}/").status_code == 400
    reminder.posting.refresh_from_db()
    assert reminder.posting.status == Status.PUBLISHED


def test_an_old_link_is_refused(client, employer, monkeypatch):
    import time

    reminder = ExpiryReminderFactory(posting=expiring(employer, 2))
    token = expiry_reminder_token(reminder=reminder, action="renew")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + (settings.POSTING_REMINDER_LINK_DAYS + 1) * 86400)

    assert client.post(f"/employer/still-open/{token}/").status_code == 400


def test_the_beat_schedule_runs_the_reminder():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "postings.tasks.postings_remind_expiring_task" in tasks
