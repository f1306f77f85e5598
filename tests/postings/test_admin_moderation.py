"""Moderation in the Django admin: the queue, its actions (the same services), reports, the Moderators group."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from postings.models import PendingPosting, Posting, Report
from tests.factories import (
    DraftPostingFactory,
    EmployerFactory,
    ModeratorFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    ReportFactory,
    TrustedEmployerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:postings_pendingposting_changelist")
REPORTS = reverse("admin:postings_report_changelist")


@pytest.fixture
def moderator_client(client):
    client.force_login(ModeratorFactory())
    return client


def test_the_moderators_group_has_exactly_what_moderation_needs():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))

    assert codenames == {
        "view_pendingposting",
        "view_posting",
        "moderate_posting",
        "view_postingevent",
        "view_credentialrequirement",
        "view_credentialtype",
        "view_report",
        "change_report",
        "view_employer",
        "change_employer",
        "view_employermember",
    }


def test_the_queue_lists_pending_postings_oldest_first(moderator_client):
    newer = PendingPostingFactory(title="Newer")
    older = PendingPostingFactory(title="Older")
    Posting.objects.filter(pk=older.pk).update(updated_at=newer.updated_at.replace(year=2020))
    DraftPostingFactory(title="A draft")

    response = moderator_client.get(QUEUE)

    assert response.status_code == 200
    assert [p.title for p in response.context["cl"].result_list] == ["Older", "Newer"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"employer__verified__exact": "1"}, ["Verified"]),
        ({"employer__trusted__exact": "1"}, ["Verified"]),
        ({"setting": "hospital"}, ["Hospital"]),
        ({"region": "US-CA"}, ["Hospital"]),
        ({"employer_status": "unverified"}, ["Hospital"]),
    ],
)
def test_the_queue_filters(moderator_client, query, expected):
    PendingPostingFactory(title="Verified", employer=TrustedEmployerFactory())
    PendingPostingFactory(title="Hospital", setting="hospital", region="US-CA", employer=EmployerFactory())

    response = moderator_client.get(QUEUE, query)

    assert [p.title for p in response.context["cl"].result_list] == expected


def test_bulk_approve_from_the_queue(moderator_client):
    postings = PendingPostingFactory.create_batch(3)

    moderator_client.post(QUEUE, {"action": "approve", "_selected_action": [p.pk for p in postings]})

    assert set(Posting.objects.values_list("status", flat=True)) == {Posting.Status.PUBLISHED}
    assert not PendingPosting.objects.pending_review().exists()


def test_reject_asks_for_the_reason_then_rejects_and_emails(moderator_client, django_capture_on_commit_callbacks):
    posting = PendingPostingFactory(created_by=UserFactory(email="poster@example.com"))
    data = {"action": "reject", "_selected_action": [posting.pk]}

    ask = moderator_client.post(QUEUE, data)
    empty = moderator_client.post(QUEUE, {**data, "apply": "1", "reason": ""})
    with django_capture_on_commit_callbacks(execute=True):
        done = moderator_client.post(QUEUE, {**data, "apply": "1", "reason": "Pay range missing."})

    assert ask.status_code == 200
    assert "Message to the employer" in ask.content.decode()
    assert empty.status_code == 200  # asked again
    assert done.status_code == 302
    posting.refresh_from_db()
    assert posting.status == Posting.Status.REJECTED
    assert posting.events.get().reason == "Pay range missing."
    [message] = mail.outbox
    assert message.to == ["poster@example.com"]


def test_request_changes_from_the_queue(moderator_client, django_capture_on_commit_callbacks):
    posting = PendingPostingFactory()
    data = {"action": "request_changes", "_selected_action": [posting.pk], "apply": "1", "reason": "Add shifts."}

    moderator_client.post(QUEUE, data)

    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT
    assert posting.events.get().reason == "Add shifts."


def test_a_staff_user_outside_the_group_cannot_see_the_queue_or_approve(client):
    posting = PendingPostingFactory()
    client.force_login(UserFactory(is_staff=True))

    assert client.get(QUEUE).status_code == 403
    client.post(QUEUE, {"action": "approve", "_selected_action": [posting.pk]})

    posting.refresh_from_db()
    assert posting.status == Posting.Status.PENDING


def test_the_queue_page_of_a_posting_shows_its_history(moderator_client):
    posting = PendingPostingFactory()
    posting.events.create(from_status=Posting.Status.DRAFT, to_status=Posting.Status.PENDING, reason="Submitted")

    response = moderator_client.get(reverse("admin:postings_pendingposting_change", args=[posting.pk]))

    assert response.status_code == 200
    assert "Submitted" in response.content.decode()


def test_moderators_verify_and_trust_employers(moderator_client):
    employer = EmployerFactory()

    response = moderator_client.get(reverse("admin:employers_employer_changelist"))

    assert response.status_code == 200
    assert 'name="form-0-verified"' in response.content.decode()
    assert employer.name in response.content.decode()


def test_reports_queue_closes_the_posting(moderator_client):
    report = ReportFactory(posting=PublishedPostingFactory())

    moderator_client.post(REPORTS, {"action": "close_posting", "_selected_action": [report.pk]})

    report.refresh_from_db()
    assert report.status == Report.Status.ACTED
    assert report.posting.status == Posting.Status.CLOSED


def test_reports_queue_dismisses(moderator_client):
    report = ReportFactory()

    moderator_client.post(REPORTS, {"action": "dismiss", "_selected_action": [report.pk]})

    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    assert report.posting.status == Posting.Status.PUBLISHED


def test_reports_queue_lists_open_reports(moderator_client):
    ReportFactory(details="Asks for money")

    response = moderator_client.get(REPORTS, {"status__exact": "open"})

    assert "Asks for money" in response.content.decode()


# -- The public report form ----------------------------------------------------------------------


def test_every_posting_page_links_to_the_report_form(client):
    posting = PublishedPostingFactory()

    html = client.get(posting.get_absolute_url()).content.decode()

    assert f'href="/jobs/{posting.pk}/report/"' in html


def test_reporting_a_job(client):
    posting = PublishedPostingFactory()
    url = f"/jobs/{posting.pk}/report/"

    page = client.get(url)
    invalid = client.post(url, {"reason": "nonsense"})
    sent = client.post(url, {"reason": "scam", "details": "Asks for a fee"})
    again = client.post(url, {"reason": "filled"})

    assert page.status_code == 200
    assert "Choose one of the listed options." in invalid.content.decode()
    assert sent.url == posting.get_absolute_url()
    assert again.status_code == 302
    report = Report.objects.get()  # de-duplicated per visitor
    assert (report.reason, report.details) == ("scam", "Asks for a fee")


def test_reports_are_rate_limited_per_visitor(client, settings):
    from django.core.cache import cache

    cache.clear()
    postings = PublishedPostingFactory.create_batch(12)

    codes = [client.post(f"/jobs/{p.pk}/report/", {"reason": "scam"}).status_code for p in postings]

    assert codes[:10] == [302] * 10
    assert codes[10:] == [429, 429]
    assert Report.objects.count() == 10
    cache.clear()


def test_a_draft_cannot_be_reported(client):
    assert client.get(f"/jobs/{DraftPostingFactory().pk}/report/").status_code == 404
