import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from applicants.models import Application, ApplicationEvent, ApplyClick, DecisionMessage, SavedJob
from applicants.services.applications import (
    AlreadyApplied,
    ApplicationError,
    ResumeChoice,
    application_decisions_send_due,
    application_mark_viewed,
    application_note_add,
    application_status_change,
    application_submit,
    application_withdraw,
    applications_not_selected,
    applications_not_selected_undo,
    applications_notify_pending,
    apply_click_record,
    decision_message_reset,
    decision_message_save,
    decision_text,
    employer_applications_notify,
)
from applicants.services.privacy import application_resumes_purge
from applicants.services.profiles import profile_resume_set
from applicants.services.saved import saved_job_add, saved_job_remove
from postings.models import Posting, PostingEvent
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    ClosedPostingFactory,
    EmployerMemberFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    PublishedPostingFactory,
    UserFactory,
)

from .conftest import pdf_upload, private_files

pytestmark = pytest.mark.django_db
Status = Application.Status


# -- Applying ---------------------------------------------------------------------------------------------


def test_applying_records_the_application_its_history_and_emails_a_confirmation(
    applicant, posting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(profile=applicant, posting=posting, cover_note="  Hello  ")

    assert application.status == Status.SUBMITTED
    assert application.cover_note == "Hello"
    assert [event.to_status for event in application.events.all()] == [Status.SUBMITTED]
    confirmation = next(message for message in mail.outbox if message.to == ["jane@example.com"])
    assert (
        confirmation.subject == f"RxTech Jobs: you applied for Hospital Pharmacy Technician at {posting.employer.name}"
    )
    assert f"/me/applications/{application.pk}/" in confirmation.body


def test_a_second_application_to_the_same_posting_is_refused(applicant, posting):
    first = application_submit(profile=applicant, posting=posting)

    with pytest.raises(AlreadyApplied) as refused:
        application_submit(profile=applicant, posting=posting)

    assert refused.value.application == first
    assert "You already applied for this job on" in refused.value.messages[0]
    assert Application.objects.count() == 1


def test_the_unique_constraint_holds_even_when_the_check_is_raced(applicant, posting, monkeypatch):
    ApplicationFactory(profile=applicant, posting=posting)
    # As if a second request passed the "already applied?" check before the first one committed.
    monkeypatch.setattr(
        Application.objects.__class__, "filter", lambda self, *a, **k: Application.objects.none(), raising=False
    )
    with pytest.raises(AlreadyApplied):
        application_submit(profile=applicant, posting=posting, resume_choice=ResumeChoice.UPLOAD, upload=pdf_upload())
    assert private_files() == []  # the resume stored for the failed attempt is gone


@pytest.mark.parametrize(
    "make_posting",
    [
        lambda: ExpiredPostingFactory(),
        lambda: FilledPostingFactory(),
        lambda: PublishedPostingFactory(apply_method="url", apply_url="https://jobs.example.com/1"),
        lambda: PublishedPostingFactory(apply_method="email", apply_email="jobs@example.com"),
    ],
    ids=["expired", "filled", "external", "by email"],
)
def test_only_open_board_postings_take_applications(applicant, make_posting):
    with pytest.raises(ApplicationError):
        application_submit(profile=applicant, posting=make_posting())
    assert not Application.objects.exists()


def test_the_profile_resume_is_copied_so_later_changes_do_not_touch_what_was_sent(applicant, posting):
    profile_resume_set(profile=applicant, upload=pdf_upload("Jane CV.pdf"))

    application = application_submit(profile=applicant, posting=posting, resume_choice=ResumeChoice.PROFILE)

    assert application.resume.name != applicant.resume.name
    assert application.resume_name == "Jane CV.pdf"
    assert application.resume.read().startswith(b"%PDF-")
    assert len(private_files()) == 2


def test_an_application_without_a_resume(applicant, posting):
    profile_resume_set(profile=applicant, upload=pdf_upload())

    application = application_submit(profile=applicant, posting=posting, resume_choice=ResumeChoice.NONE)

    assert not application.resume


def test_a_click_out_is_recorded_with_the_user_when_signed_in(posting, applicant):
    apply_click_record(posting=posting, user=applicant.user)
    apply_click_record(posting=posting, user=None)

    assert list(ApplyClick.objects.values_list("user", flat=True).order_by("id")) == [applicant.user.pk, None]


def test_withdrawing_is_recorded_and_final(applicant, posting):
    application = ApplicationFactory(profile=applicant, posting=posting)

    application_withdraw(application=application, by=applicant.user)

    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    with pytest.raises(ApplicationError):
        application_withdraw(application=application, by=applicant.user)


# -- The team's digest ----------------------------------------------------------------------------------------


def test_several_applications_make_one_digest_per_team_member(posting, settings, django_capture_on_commit_callbacks):
    EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="owner@example.com"))
    EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="recruiter@example.com"))
    other_job = PublishedPostingFactory(employer=posting.employer, title="Night Shift Technician")
    applications = [
        ApplicationFactory(posting=posting, profile__full_name="Ana Lopez"),
        ApplicationFactory(posting=posting, profile__full_name="Ben Okafor"),
        ApplicationFactory(posting=other_job, profile__full_name="Chloe Martin"),
    ]
    elsewhere = ApplicationFactory()  # another employer's: not in this digest

    with django_capture_on_commit_callbacks(execute=True):
        sent = employer_applications_notify(employer_id=posting.employer_id)

    assert sent == 3
    assert sorted(message.to[0] for message in mail.outbox) == ["owner@example.com", "recruiter@example.com"]
    digest = mail.outbox[0]
    assert digest.subject == f"RxTech Jobs: 3 new applicants for {posting.employer.name}"
    for application in applications:
        assert application.applicant_name in digest.body
        assert f"/employer/{posting.employer.slug}/applicants/{application.pk}/" in digest.body
    assert f"All your applicants: {settings.SITE_URL}/employer/{posting.employer.slug}/applicants/\n" in digest.body
    elsewhere.refresh_from_db()
    assert elsewhere.employer_notified_at is None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert employer_applications_notify(employer_id=posting.employer_id) == 0
    assert mail.outbox == []  # a second run (a retry, the next countdown task) sends nothing


@pytest.mark.django_db(transaction=True)
def test_digest_tasks_starting_together_send_the_team_one_email_per_batch():
    # Each application schedules its own digest task, so several start at the same moment on a busy worker.
    # They once split one batch between them (each locked what the other had not reached yet).
    employer_posting = PublishedPostingFactory()
    EmployerMemberFactory(employer=employer_posting.employer, user=UserFactory(email="owner@example.com"))
    errors = []
    for batch in range(3):
        # Enough rows that locking them takes a while, as it does on a busy machine.
        ApplicationFactory.create_batch(120, posting=employer_posting)
        start = threading.Barrier(3)

        def digest(start=start):
            try:
                start.wait()
                employer_applications_notify(employer_id=employer_posting.employer_id)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=digest) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert [message.subject for message in mail.outbox] == [
            f"RxTech Jobs: 120 new applicants for {employer_posting.employer.name}"
        ], f"batch {batch}"
        mail.outbox.clear()


def test_the_beat_safety_net_sends_only_applications_older_than_the_batching_delay(
    posting, member, settings, django_capture_on_commit_callbacks
):
    settings.APPLICATION_NOTIFY_DELAY_SECONDS = 300
    old = ApplicationFactory(posting=posting, submitted_at=timezone.now() - timedelta(minutes=10))
    fresh_employer_job = PublishedPostingFactory()
    EmployerMemberFactory(employer=fresh_employer_job.employer)
    ApplicationFactory(posting=fresh_employer_job)

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_notify_pending() == 1

    assert [message.to for message in mail.outbox] == [["recruiter@example.com"]]
    old.refresh_from_db()
    assert old.employer_notified_at is not None


def test_a_withdrawn_application_is_not_announced(posting, member, django_capture_on_commit_callbacks):
    ApplicationFactory(posting=posting, status=Status.WITHDRAWN)

    with django_capture_on_commit_callbacks(execute=True):
        assert employer_applications_notify(employer_id=posting.employer_id) == 0

    assert mail.outbox == []


# -- Review -------------------------------------------------------------------------------------------------


def test_viewing_marks_a_submitted_application_viewed_once(posting, member):
    application = ApplicationFactory(posting=posting)

    assert application_mark_viewed(application=application, by=member) is True
    assert application_mark_viewed(application=application, by=member) is False

    assert list(application.events.values_list("to_status", flat=True)) == [Status.SUBMITTED, Status.VIEWED]


@pytest.mark.parametrize("status", [Status.SHORTLISTED, Status.INTERVIEWING, Status.OFFERED])
def test_pipeline_steps_do_not_email_an_applicant_who_chose_no_status_emails(
    posting, member, status, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(posting=posting, profile__status_emails=False)

    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=application, status=status, by=member)

    application.refresh_from_db()
    assert application.status == status
    assert mail.outbox == []


def test_not_selected_emails_the_default_message_and_is_final(posting, member, django_capture_on_commit_callbacks):
    application = ApplicationFactory(posting=posting, profile__full_name="Ana Lopez")

    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=application, status=Status.NOT_SELECTED, by=member)

    [message] = mail.outbox
    assert message.to == [application.profile.user.email]
    assert message.subject == f"Your application for Hospital Pharmacy Technician at {posting.employer.name}"
    assert message.body.startswith("Dear Ana Lopez,")
    event = application.events.get(to_status=Status.NOT_SELECTED)
    assert event.message.startswith("Dear Ana Lopez,")  # the applicant sees it on their application too
    with pytest.raises(ApplicationError):
        application_status_change(application=application, status=Status.SHORTLISTED, by=member)


def test_hired_uses_the_employers_own_wording(posting, member, django_capture_on_commit_callbacks):
    decision_message_save(
        employer=posting.employer,
        kind="hired",
        subject="You're in, {applicant_name}!",
        body="Welcome aboard as {job_title} at {employer_name}. Unknown {stays} as written.",
        by=member,
    )
    application = ApplicationFactory(posting=posting, profile__full_name="Ben Okafor")

    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=application, status=Status.HIRED, by=member)

    [message] = mail.outbox
    assert message.subject == "You're in, Ben Okafor!"
    assert message.body.startswith(
        f"Welcome aboard as Hospital Pharmacy Technician at {posting.employer.name}. Unknown {{stays}} as written."
    )


def test_decision_message_reset_goes_back_to_the_default(posting, member):
    decision_message_save(employer=posting.employer, kind="hired", subject="S", body="B", by=member)
    decision_message_reset(employer=posting.employer, kind="hired")

    assert not DecisionMessage.objects.exists()
    assert decision_text(employer_id=posting.employer_id, kind="hired").subject.startswith("Welcome to")


def test_bulk_not_selected_skips_final_applications(posting, member, django_capture_on_commit_callbacks):
    open_ones = ApplicationFactory.create_batch(3, posting=posting)
    hired = ApplicationFactory(posting=posting, status=Status.HIRED)

    with django_capture_on_commit_callbacks(execute=True):
        changed = applications_not_selected(applications=[*open_ones, hired], by=member)

    assert changed == 3
    assert set(Application.objects.values_list("status", flat=True)) == {Status.NOT_SELECTED, Status.HIRED}
    assert mail.outbox == []  # not before the undo window is over
    with django_capture_on_commit_callbacks(execute=True):
        application_decisions_send_due(now=timezone.now() + timedelta(seconds=settings.DECISION_UNDO_SECONDS))
    assert len(mail.outbox) == 3


def test_bulk_not_selected_can_be_undone_until_the_emails_go_out(posting, member, django_capture_on_commit_callbacks):
    viewed = ApplicationFactory(posting=posting, status=Status.VIEWED)
    shortlisted = ApplicationFactory(posting=posting, status=Status.SHORTLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        applications_not_selected(applications=[viewed, shortlisted], by=member)

    assert applications_not_selected_undo(applications=[viewed], by=member) == 1

    viewed.refresh_from_db()
    assert viewed.status == Status.VIEWED
    assert not viewed.events.filter(to_status=Status.NOT_SELECTED).exists()  # as if never decided
    later = timezone.now() + timedelta(seconds=settings.DECISION_UNDO_SECONDS)
    with django_capture_on_commit_callbacks(execute=True):
        assert application_decisions_send_due(now=later) == 1
        assert application_decisions_send_due(now=later) == 0  # a rerun sends nothing more
    [message] = mail.outbox
    assert message.to == [shortlisted.profile.user.email]
    assert shortlisted.events.get(to_status=Status.NOT_SELECTED).message.startswith("Dear ")
    assert applications_not_selected_undo(applications=[shortlisted], by=member) == 0  # too late: it was sent


def test_an_employer_cannot_set_submitted_or_withdrawn(posting, member):
    application = ApplicationFactory(posting=posting)
    for status in (Status.SUBMITTED, Status.WITHDRAWN, "bogus"):
        with pytest.raises(ApplicationError):
            application_status_change(application=application, status=status, by=member)


def test_notes_must_say_something(posting, member):
    application = ApplicationFactory(posting=posting)
    with pytest.raises(Exception, match="Write the note first"):
        application_note_add(application=application, author=member, text="   ")
    note = application_note_add(application=application, author=member, text=" Call Monday ")
    assert note.text == "Call Monday"


# -- Saved jobs --------------------------------------------------------------------------------------------------


def test_saving_is_idempotent_and_unsaving_removes(applicant, posting):
    saved_job_add(profile=applicant, posting=posting)
    saved_job_add(profile=applicant, posting=posting)
    assert SavedJob.objects.count() == 1

    saved_job_remove(profile=applicant, posting=posting)
    assert not SavedJob.objects.exists()


# -- Resume retention --------------------------------------------------------------------------------------------


def _application_with_resume(posting):
    profile = ApplicantProfileFactory()
    profile_resume_set(profile=profile, upload=pdf_upload())
    if posting.status != Posting.Status.PUBLISHED or posting.expires_at <= timezone.now():
        # Apply while it was open, then put the posting back as the test wants it.
        status, expires_at = posting.status, posting.expires_at
        Posting.objects.filter(pk=posting.pk).update(
            status=Posting.Status.PUBLISHED, expires_at=timezone.now() + timedelta(days=1)
        )
        posting.refresh_from_db()
        application = application_submit(profile=profile, posting=posting)
        Posting.objects.filter(pk=posting.pk).update(status=status, expires_at=expires_at)
        return application
    return application_submit(profile=profile, posting=posting)


def test_resumes_are_purged_only_once_the_posting_closed_long_enough_ago(settings, django_capture_on_commit_callbacks):
    settings.APPLICATION_RESUME_RETENTION_DAYS = 180
    now = timezone.now()
    long_expired = ExpiredPostingFactory(published_at=now - timedelta(days=230), expires_at=now - timedelta(days=200))
    recently_expired = ExpiredPostingFactory(published_at=now - timedelta(days=60), expires_at=now - timedelta(days=30))
    filled_long_ago = FilledPostingFactory(published_at=now - timedelta(days=300))
    filled_recently = FilledPostingFactory(published_at=now - timedelta(days=300))
    PostingEvent.objects.create(
        posting=filled_long_ago, to_status=Posting.Status.FILLED, created_at=now - timedelta(days=190)
    )
    PostingEvent.objects.create(
        posting=filled_recently, to_status=Posting.Status.FILLED, created_at=now - timedelta(days=10)
    )
    closed_never_evented = ClosedPostingFactory(
        published_at=now - timedelta(days=400), expires_at=now - timedelta(days=370)
    )
    still_open = PublishedPostingFactory()
    old = [_application_with_resume(p) for p in (long_expired, filled_long_ago, closed_never_evented)]
    kept = [_application_with_resume(p) for p in (recently_expired, filled_recently, still_open)]
    old_files = {application.resume.name for application in old}

    with django_capture_on_commit_callbacks(execute=True):
        assert application_resumes_purge(now=now) == 3

    for application in old:
        application.refresh_from_db()
        assert not application.resume
        assert application.resume_purged_at == now
    for application in kept:
        application.refresh_from_db()
        assert application.resume
    assert not old_files & set(private_files())
    with django_capture_on_commit_callbacks(execute=True):
        assert application_resumes_purge(now=now) == 0


def test_a_renewed_then_expired_posting_counts_from_its_latest_closing(settings, django_capture_on_commit_callbacks):
    settings.APPLICATION_RESUME_RETENTION_DAYS = 180
    now = timezone.now()
    posting = ExpiredPostingFactory(published_at=now - timedelta(days=300), expires_at=now - timedelta(days=20))
    PostingEvent.objects.create(posting=posting, to_status=Posting.Status.EXPIRED, created_at=now - timedelta(days=250))
    PostingEvent.objects.create(
        posting=posting, to_status=Posting.Status.PUBLISHED, created_at=now - timedelta(days=50)
    )
    PostingEvent.objects.create(posting=posting, to_status=Posting.Status.EXPIRED, created_at=now - timedelta(days=20))
    application = _application_with_resume(posting)

    with django_capture_on_commit_callbacks(execute=True):
        assert application_resumes_purge(now=now) == 0

    application.refresh_from_db()
    assert application.resume
    assert ApplicationEvent.objects.filter(application=application).exists()
