"""Edits of live postings: held as a pending revision while the published version stays up; a moderator sees
what changed, on the posting's admin page beside the posting as the public will see it, and decides there."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applicants.services.applications import application_submit
from postings.models import Posting, PostingRevision
from postings.services.editing import posting_update
from postings.services.moderation import posting_preview_url, posting_revision_approve, posting_revision_reject
from tests.factories import (
    ApplicantProfileFactory,
    EmployerFactory,
    EmployerMemberFactory,
    ModeratorFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    TrustedEmployerFactory,
    UserFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db

Status = Posting.Status
QUEUE = reverse("admin:postings_pendingposting_changelist")


@pytest.fixture
def poster():
    return UserFactory(email="poster@example.com")


@pytest.fixture
def live(poster):
    employer = EmployerFactory(trusted=False)
    EmployerMemberFactory(employer=employer, user=poster)
    return PublishedPostingFactory(employer=employer, created_by=poster, pay_min=Decimal(27), pay_max=Decimal(29))


def raise_pay(posting, by, **extra):
    return posting_update(
        posting=posting, by=by, data={"pay_min": Decimal(29), "pay_max": Decimal(31), **extra}, requirements=[]
    )


def test_an_edit_of_a_live_posting_is_held_and_the_published_version_stays_up(client, live, poster):
    raise_pay(live, poster)

    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    assert (live.pay_min, live.pay_max) == (Decimal(27), Decimal(29))
    revision = live.revisions.get()
    assert revision.status == PostingRevision.Status.PENDING
    assert revision.data == {"pay_min": "29", "pay_max": "31"}
    assert revision.requirements is None
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    assert b"$27.00" in response.content
    # Applications go on while the edit waits.
    application_submit(profile=ApplicantProfileFactory(), posting=live)


def test_a_second_edit_replaces_the_pending_one_and_an_edit_back_withdraws_it(live, poster):
    raise_pay(live, poster)
    raise_pay(live, poster, title="Senior Pharmacy Technician")

    assert live.revisions.filter(status=PostingRevision.Status.PENDING).get().data["title"] == (
        "Senior Pharmacy Technician"
    )
    assert live.revisions.filter(status=PostingRevision.Status.WITHDRAWN).count() == 1

    posting_update(posting=live, by=poster, data={"pay_min": Decimal(27), "title": live.title}, requirements=[])
    assert not live.revisions.filter(status=PostingRevision.Status.PENDING).exists()


def test_a_trusted_employers_edit_replaces_the_live_version_at_once(poster):
    posting = PublishedPostingFactory(employer=TrustedEmployerFactory(), pay_min=Decimal(27), pay_max=Decimal(29))

    raise_pay(posting, poster)

    posting.refresh_from_db()
    assert (posting.status, posting.pay_max) == (Status.PUBLISHED, Decimal(31))
    assert not posting.revisions.exists()


def test_approving_the_revision_puts_it_live_without_taking_the_posting_down(live, poster):
    option = {"level": "required", "within_days": None, "options": [(credential_type("ptcb-cpht"), "")]}
    posting_update(posting=live, by=poster, data={"pay_max": Decimal(31)}, requirements=[option])
    revision = live.revisions.get()
    assert not live.requirements.exists()

    posting_revision_approve(revision=revision, by=ModeratorFactory())

    live.refresh_from_db()
    revision.refresh_from_db()
    assert (live.status, live.pay_max, revision.status) == (Status.PUBLISHED, Decimal(31), "approved")
    assert [o.credential_type.code for o in live.requirements.get().options.all()] == ["ptcb-cpht"]
    assert live.events.last().reason == "Edit approved"


def test_rejecting_the_revision_keeps_the_live_version_and_emails_the_reason(
    live, poster, django_capture_on_commit_callbacks
):
    raise_pay(live, poster)

    with django_capture_on_commit_callbacks(execute=True):
        posting_revision_reject(
            revision=live.revisions.get(), by=ModeratorFactory(), reason="Pay must match the offer."
        )

    live.refresh_from_db()
    assert (live.status, live.pay_max) == (Status.PUBLISHED, Decimal(29))
    [message] = mail.outbox
    assert message.to == ["poster@example.com"]
    assert "edit" in message.subject
    assert "Pay must match the offer." in message.body
    assert "stays online" in message.alternatives[0][0]


def test_the_queue_lists_pending_postings_and_pending_edits_longest_waiting_first(client, live, poster):
    old = PendingPostingFactory(title="Waiting longest")
    Posting.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    PendingPostingFactory(title="Waiting least")
    raise_pay(live, poster)
    PostingRevision.objects.update(created_at=timezone.now() - timedelta(days=1))
    client.force_login(ModeratorFactory())

    response = client.get(QUEUE)

    titles = [posting.title for posting in response.context["cl"].result_list]
    assert titles == ["Waiting longest", live.title, "Waiting least"]
    assert "An edit of a live posting" in response.content.decode()


def test_the_admin_page_shows_what_the_edit_changes_and_approves_it_with_a_button(client, live, poster):
    raise_pay(live, poster, title="Lead Technician")
    client.force_login(ModeratorFactory())
    page = reverse("admin:postings_posting_change", args=[live.pk])

    response = client.get(page)

    html = response.content.decode()
    assert "What the edit changes" in html
    assert "<del>Pharmacy Technician</del>" in html
    assert "<ins>Lead Technician</ins>" in html
    assert "<del>27.00</del>" in html
    assert "<ins>29</ins>" in html
    assert 'value="approve"' in html
    response = client.post(reverse("admin:postings_posting_moderate", args=[live.pk]), {"decision": "approve"})
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "Lead Technician"


@pytest.mark.parametrize(
    ("decision", "status"), [("approve", Status.PUBLISHED), ("reject", Status.REJECTED), ("request_changes", "draft")]
)
def test_the_buttons_on_a_pending_postings_admin_page(client, decision, status):
    posting = PendingPostingFactory(created_by=UserFactory(email="p@example.com"))
    client.force_login(ModeratorFactory())
    page = client.get(reverse("admin:postings_pendingposting_change", args=[posting.pk])).content.decode()
    assert 'value="reject"' in page
    assert 'value="request_changes"' in page

    response = client.post(
        reverse("admin:postings_posting_moderate", args=[posting.pk]), {"decision": decision, "reason": "Add pay."}
    )

    assert response.url == QUEUE
    posting.refresh_from_db()
    assert posting.status == status


def test_rejecting_without_a_reason_is_refused_with_a_message(client):
    posting = PendingPostingFactory()
    client.force_login(ModeratorFactory())

    response = client.post(
        reverse("admin:postings_posting_moderate", args=[posting.pk]), {"decision": "reject"}, follow=True
    )

    assert "Say why" in response.content.decode()
    posting.refresh_from_db()
    assert posting.status == Status.PENDING


def test_staff_without_the_moderate_permission_cannot_decide(client):
    posting = PendingPostingFactory()
    client.force_login(UserFactory(is_staff=True))

    response = client.post(reverse("admin:postings_posting_moderate", args=[posting.pk]), {"decision": "approve"})

    assert response.status_code == 403
    posting.refresh_from_db()
    assert posting.status == Status.PENDING


def test_view_on_site_of_a_pending_posting_is_a_signed_preview_that_works_for_staff(client):
    posting = PendingPostingFactory(title="Night IV Technician")
    client.force_login(ModeratorFactory())
    change = client.get(reverse("admin:postings_pendingposting_change", args=[posting.pk])).content.decode()
    preview = posting_preview_url(posting=posting)
    assert preview.split("/preview/")[0] in change

    response = client.get(preview)

    assert response.status_code == 200
    assert b"Night IV Technician" in response.content
    assert b"Moderator preview" in response.content
    assert b"noindex" in response.content
    assert client.get(posting.get_absolute_url()).status_code == 404  # still not public


def test_the_preview_shows_a_pending_edit_applied(client, live, poster):
    raise_pay(live, poster, title="Lead Technician")
    client.force_login(ModeratorFactory())

    response = client.get(posting_preview_url(posting=live, revision=live.revisions.get()))

    assert b"Lead Technician" in response.content
    assert b"$29.00" in response.content


def test_the_preview_link_refuses_non_staff_forged_tokens_and_anonymous_visitors(client):
    posting = PendingPostingFactory()
    preview = posting_preview_url(posting=posting)

    assert client.get(preview).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(preview).status_code == 403
    client.force_login(ModeratorFactory())
    other = PendingPostingFactory()
    forged = preview.replace(f"/jobs/{posting.pk}/", f"/jobs/{other.pk}/")
    assert client.get(forged).status_code == 403
    assert client.get(f"/jobs/{posting.pk}/preview/garbage/").status_code == 403


def test_the_admin_index_counts_pending_postings_and_open_reports(client, live, poster):
    from tests.factories import ReportFactory

    PendingPostingFactory.create_batch(2)
    raise_pay(live, poster)
    ReportFactory(posting=live)
    client.force_login(ModeratorFactory())

    html = client.get(reverse("admin:index")).content.decode()

    assert "3 postings to review" in html
    assert "1 open report" in html
