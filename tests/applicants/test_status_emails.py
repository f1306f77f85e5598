"""The applicant hears of each step of an application they can see (viewed, shortlisted, interview, offer), if
they chose to in their profile, and when the job is filled; the final decision is emailed either way."""

import pytest
from django.core import mail
from django.urls import reverse

from applicants.models import Application
from applicants.services.applications import (
    application_mark_viewed,
    application_status_change,
    applications_posting_filled,
)
from postings.services.workflow import posting_fill
from tests.factories import ApplicantProfileFactory, ApplicationFactory, PublishedPostingFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Application.Status


@pytest.fixture
def application():
    profile = ApplicantProfileFactory(full_name="Jane Doe", user=UserFactory(email="jane@example.com"))
    posting = PublishedPostingFactory(title="IV Room Technician", employer__name="Mercy Health")
    return ApplicationFactory(profile=profile, posting=posting)


@pytest.mark.parametrize("status", [Status.SHORTLISTED, Status.INTERVIEWING, Status.OFFERED])
def test_each_step_is_emailed_in_html_and_text(application, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=application, status=status, by=UserFactory())

    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    assert message.subject == f"IV Room Technician at Mercy Health: {Status(status).label.lower()}"
    assert Application.STEPS[status] in message.body
    html = message.alternatives[0][0]
    assert application.get_absolute_url() in html
    assert reverse("applicants:profile-edit") in html  # where to stop them


def test_the_first_view_is_emailed_once(application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_mark_viewed(application=application, by=UserFactory())
        application_mark_viewed(application=application, by=UserFactory())

    [message] = mail.outbox
    assert "has opened your application" in message.body


def test_an_applicant_who_chose_no_status_emails_still_hears_the_decision(
    client, application, django_capture_on_commit_callbacks
):
    client.force_login(application.profile.user)
    response = client.post(reverse("applicants:profile-edit"), {"full_name": "Jane Doe"})  # the box left unticked
    assert response.status_code == 302
    application.profile.refresh_from_db()
    assert application.profile.status_emails is False

    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=application, status=Status.SHORTLISTED, by=UserFactory())
        application_status_change(application=application, status=Status.NOT_SELECTED, by=UserFactory())

    [decision] = mail.outbox
    assert "Your application for IV Room Technician at Mercy Health" in decision.subject


def test_the_profile_form_offers_the_choice(client, application):
    client.force_login(application.profile.user)

    html = client.get(reverse("applicants:profile-edit")).content.decode()

    assert "Email me about my applications" in html
    assert 'name="status_emails"' in html


def test_filling_the_job_tells_the_applicants_still_waiting_once(application, django_capture_on_commit_callbacks):
    posting = application.posting
    withdrawn = ApplicationFactory(posting=posting, status=Status.WITHDRAWN)
    quiet = ApplicationFactory(posting=posting, profile__status_emails=False)

    with django_capture_on_commit_callbacks(execute=True):
        posting_fill(posting=posting, by=UserFactory())

    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    assert message.subject == "IV Room Technician at Mercy Health is filled"
    assert "See similar jobs" in message.alternatives[0][0]
    application.refresh_from_db()
    assert application.filled_notified_at is not None
    withdrawn.refresh_from_db()
    quiet.refresh_from_db()
    assert withdrawn.filled_notified_at is None
    assert quiet.filled_notified_at is not None
    # A retried task sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert applications_posting_filled(posting_id=posting.pk) == 0
    assert len(mail.outbox) == 1
