"""Application emails through the real Celery worker and a real SMTP server: the applicant's confirmation, the
team's digest (several applications within the batching delay: one email per team member), a decision."""

import time

import pytest

from applicants.services.applications import application_status_change, application_submit
from tests.factories import (
    ApplicantProfileFactory,
    EmployerMemberFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The three applications below must all be committed within this delay, even on a busy CI machine.
BATCH_SECONDS = 6


def _by_recipient(messages):
    grouped = {}
    for message in messages:
        grouped.setdefault(message["X-Envelope-To"], []).append(message)
    return grouped


def test_confirmations_and_one_digest_per_team_member(celery_worker, smtp_sink, settings):
    settings.APPLICATION_NOTIFY_DELAY_SECONDS = BATCH_SECONDS
    posting = PublishedPostingFactory(title="IV Room Technician")
    second_job = PublishedPostingFactory(employer=posting.employer, title="Night Technician")
    for address in ("owner@pharmacy.example", "recruiter@pharmacy.example"):
        EmployerMemberFactory(employer=posting.employer, user=UserFactory(email=address))
    applicants = [
        ApplicantProfileFactory(full_name=name, user=UserFactory(email=email))
        for name, email in [
            ("Ana Lopez", "ana@example.com"),
            ("Ben Okafor", "ben@example.com"),
            ("Chloe Martin", "chloe@example.com"),
        ]
    ]

    # Each call commits on its own, as three requests would; each schedules a digest BATCH_SECONDS out.
    applications = [
        application_submit(profile=applicants[0], posting=posting, cover_note="Nights suit me."),
        application_submit(profile=applicants[1], posting=posting),
        application_submit(profile=applicants[2], posting=second_job),
    ]

    messages = smtp_sink.wait_for(5, timeout=60)
    time.sleep(BATCH_SECONDS + 3)  # the later countdown tasks run too, and must find nothing left to send
    grouped = _by_recipient(smtp_sink.messages)

    assert sorted(grouped) == sorted(
        [
            "ana@example.com",
            "ben@example.com",
            "chloe@example.com",
            "owner@pharmacy.example",
            "recruiter@pharmacy.example",
        ]
    )
    subjects = {address: [message["Subject"] for message in received] for address, received in grouped.items()}
    assert all(len(received) == 1 for received in grouped.values()), subjects

    [confirmation] = grouped["ana@example.com"]
    assert confirmation["Subject"] == f"RxTech Jobs: you applied for IV Room Technician at {posting.employer.name}"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert f"/me/applications/{applications[0].pk}/" in text
    assert "Track your application" in confirmation.get_body(preferencelist=("html",)).get_content()

    for address in ("owner@pharmacy.example", "recruiter@pharmacy.example"):
        [digest] = grouped[address]
        assert digest["To"] == address  # one message each: the team's addresses are not shared
        assert digest["Subject"] == f"RxTech Jobs: 3 new applicants for {posting.employer.name}"
        body = digest.get_body(preferencelist=("plain",)).get_content()
        for application, name in zip(applications, ["Ana Lopez", "Ben Okafor", "Chloe Martin"], strict=True):
            assert name in body
            assert f"/employer/{posting.employer.slug}/applicants/{application.pk}/" in body
    for application in applications:
        application.refresh_from_db()
        assert application.employer_notified_at is not None

    # A decision goes out through the worker too, in the employer's words.
    application_status_change(
        application=applications[1], status="not-selected", by=posting.employer.memberships.first().user
    )
    decision = smtp_sink.wait_for(len(messages) + 1, timeout=30)[-1]
    assert decision["X-Envelope-To"] == "ben@example.com"
    assert decision["Subject"] == f"Your application for IV Room Technician at {posting.employer.name}"
    assert decision.get_body(preferencelist=("plain",)).get_content().startswith("Dear Ben Okafor,")
