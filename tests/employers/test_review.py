"""The review of applicants (/employer/<slug>/applicants/...): who may see it, what its pages show and do,
what they cost in queries, and the addresses it had before (/employer/applicants/...), which redirect.

Each URL is tried by its rightful viewer (so the test can fail) and by everyone else, who gets 404: an
id that is someone else's is answered exactly like an id that does not exist.
"""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from applicants.models import Application
from applicants.services.applications import application_submit, decision_text
from applicants.services.profiles import profile_resume_set
from employers.models import EmployerMember
from postings.models import Posting
from tests.applicants.conftest import pdf_upload
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    ApplicationNoteFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    EmployerMemberFactory,
    HeldCredentialFactory,
    PublishedPostingFactory,
    UserFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def world():
    posting = PublishedPostingFactory(title="IV Technician")
    other_posting = PublishedPostingFactory(title="Another employer's job")
    alice = ApplicantProfileFactory(full_name="Alice Applicant", user=UserFactory(email="alice@example.com"))
    bob = ApplicantProfileFactory(full_name="Bob Other", user=UserFactory(email="bob@example.com"))
    profile_resume_set(profile=alice, upload=pdf_upload("alice.pdf"))
    HeldCredentialFactory(profile=alice)
    application = application_submit(profile=alice, posting=posting)
    member = EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="member@a.example")).user
    outsider = EmployerMemberFactory(employer=other_posting.employer, user=UserFactory(email="member@b.example")).user
    return {
        "posting": posting,
        "other_posting": other_posting,
        "alice": alice,
        "bob": bob,
        "application": application,
        "member": member,
        "outsider": outsider,
    }


def _user(world, who):
    return world[who] if who in ("member", "outsider") else world[who].user


# (name, method, url name, whose id) of every page and action about Alice's application to employer A:
REVIEW_URLS = [
    ("applicants of the job", "get", "review-posting", "posting"),
    ("application", "get", "review-application", "application"),
    ("resume", "get", "review-application-resume", "application"),
    ("status", "post", "review-application-status", "application"),
    ("note", "post", "review-application-note", "application"),
    ("bulk not selected", "post", "review-posting-bulk", "posting"),
    ("undo not selected", "post", "review-posting-bulk-undo", "posting"),
    ("mark filled", "post", "review-posting-fill", "posting"),
]
# The pages whose object is the organisation itself:
ORGANISATION_URLS = [
    ("index", "get", "review", None),
    ("messages", "get", "review-messages", None),
]
POST_DATA = {"status": "shortlisted", "text": "A note", "applications": [], "confirm": "on"}
IDS = [u[0] for u in REVIEW_URLS + ORGANISATION_URLS]


def _call(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


def _review_url(world, name, whose, slug):
    return reverse(f"dashboard:{name}", args=[slug, *([world[whose].pk] if whose else [])])


def _a(world):
    return world["posting"].employer.slug


def _nothing_changed(world):
    application = world["application"]
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not application.notes.exists()
    world["posting"].refresh_from_db()
    assert world["posting"].status == "published"


# -- Access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method", "url_name", "whose"), REVIEW_URLS + ORGANISATION_URLS, ids=IDS)
def test_the_employers_team_reaches_the_review(client, world, name, method, url_name, whose):
    client.force_login(world["member"])
    assert _call(client, method, _review_url(world, url_name, whose, _a(world))).status_code in (200, 302)


@pytest.mark.parametrize(("name", "method", "url_name", "whose"), REVIEW_URLS + ORGANISATION_URLS, ids=IDS)
@pytest.mark.parametrize("who", ["outsider", "alice", "bob"])
def test_other_employers_members_and_applicants_get_404_for_the_review(
    client, world, name, method, url_name, whose, who
):
    client.force_login(_user(world, who))

    assert _call(client, method, _review_url(world, url_name, whose, _a(world))).status_code == 404
    _nothing_changed(world)


@pytest.mark.parametrize(("name", "method", "url_name", "whose"), REVIEW_URLS, ids=IDS[: len(REVIEW_URLS)])
def test_another_organisations_posting_or_application_under_ones_own_slug_is_404(
    client, world, name, method, url_name, whose
):
    """The outsider is a member of B: A's posting and application are not found under B's slug."""
    client.force_login(world["outsider"])
    slug_b = world["other_posting"].employer.slug

    assert _call(client, method, _review_url(world, url_name, whose, slug_b)).status_code == 404
    _nothing_changed(world)


@pytest.mark.parametrize(("name", "method", "url_name", "whose"), REVIEW_URLS, ids=IDS[: len(REVIEW_URLS)])
def test_a_member_of_both_organisations_reaches_an_application_only_under_its_own_slug(
    client, world, name, method, url_name, whose
):
    EmployerMemberFactory(employer=world["posting"].employer, user=world["outsider"])
    client.force_login(world["outsider"])
    slug_b = world["other_posting"].employer.slug

    assert _call(client, method, _review_url(world, url_name, whose, slug_b)).status_code == 404
    _nothing_changed(world)
    assert _call(client, method, _review_url(world, url_name, whose, _a(world))).status_code in (200, 302)


@pytest.mark.parametrize(("name", "method", "url_name", "whose"), REVIEW_URLS + ORGANISATION_URLS, ids=IDS)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, method, url_name, whose):
    response = _call(client, method, _review_url(world, url_name, whose, _a(world)))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "method", "url_name", "whose"), REVIEW_URLS + ORGANISATION_URLS, ids=IDS)
def test_a_removed_team_member_loses_access_at_once(client, world, name, method, url_name, whose):
    client.force_login(world["member"])
    assert client.get(world["application"].get_review_url()).status_code == 200

    EmployerMember.objects.filter(user=world["member"]).delete()

    assert _call(client, method, _review_url(world, url_name, whose, _a(world))).status_code == 404


def test_the_review_index_lists_only_its_organisations_jobs(client, world):
    ApplicationFactory(posting=world["other_posting"])
    EmployerMemberFactory(employer=world["posting"].employer, user=world["outsider"])
    client.force_login(world["outsider"])

    page_a = client.get(reverse("dashboard:review", args=[_a(world)])).content.decode()
    page_b = client.get(reverse("dashboard:review", args=[world["other_posting"].employer.slug])).content.decode()

    assert "IV Technician" in page_a
    assert "Another employer" not in page_a
    assert "Another employer" in page_b
    assert "IV Technician" not in page_b


# -- The pages ---------------------------------------------------------------------------------------------


@pytest.fixture
def posting(db):
    return PublishedPostingFactory(title="Hospital Pharmacy Technician")


@pytest.fixture
def member(posting):
    """A member of the posting's employer."""
    return EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="recruiter@example.com")).user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _url(name, posting, *args):
    return reverse(f"dashboard:{name}", args=[posting.employer.slug, *args])


def test_the_dashboard_links_the_review(member_client, posting):
    ApplicationFactory(posting=posting)

    postings = member_client.get(reverse("dashboard:postings", args=[posting.employer.slug])).content.decode()
    detail = member_client.get(_url("posting", posting, posting.pk)).content.decode()

    assert f'href="{_url("review", posting)}"' in postings  # the Applicants tab
    assert f'href="{_url("review-posting", posting, posting.pk)}"' in postings
    assert f'href="{_url("review-posting", posting, posting.pk)}"' in detail


def test_the_index_shows_each_job_with_applicants_and_the_messages_link(member_client, posting):
    ApplicationFactory.create_batch(2, posting=posting)
    PublishedPostingFactory(employer=posting.employer, title="Nobody applied yet")

    response = member_client.get(_url("review", posting))

    page = response.content.decode()
    assert [p.title for p in response.context["postings"]] == ["Hospital Pharmacy Technician"]
    assert "2 new" in page
    assert f'href="{_url("review-messages", posting)}"' in page
    assert 'aria-current="page">Applicants</a>' in page  # the dashboard's tab


def test_the_applicants_list_shows_the_match_and_status(member_client, posting):
    requirement = CredentialRequirementFactory(posting=posting)
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("ptcb-cpht"))
    qualified = ApplicationFactory(posting=posting, profile__full_name="Ana Lopez")
    HeldCredentialFactory(profile=qualified.profile)
    ApplicationFactory(posting=posting, profile__full_name="Ben Okafor")
    ApplicationFactory(posting=posting, profile__full_name="Gone Person", status=Status.WITHDRAWN)

    page = member_client.get(_url("review-posting", posting, posting.pk)).content.decode()

    assert "Ana Lopez" in page
    assert "Ben Okafor" in page
    assert "Gone Person" not in page  # withdrawn ones have their own tab
    assert page.count("Meets requirements") == 1
    assert "Missing: PTCB CPhT" in page
    assert f'href="{qualified.get_review_url()}"' in page
    withdrawn = member_client.get(_url("review-posting", posting, posting.pk), {"status": "withdrawn"})
    assert "Gone Person" in withdrawn.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_applicants_list_query_count_does_not_grow(member_client, posting, django_assert_max_num_queries, rows):
    requirement = CredentialRequirementFactory(posting=posting)
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("ptcb-cpht"))
    for application in ApplicationFactory.create_batch(rows, posting=posting):
        HeldCredentialFactory(profile=application.profile)

    # Session, user, the organisation with the member's role (the access check), the posting and its
    # requirements' three levels, the status counts, the decisions that can still be undone, the applications,
    # their credentials.
    with django_assert_max_num_queries(11):
        response = member_client.get(_url("review-posting", posting, posting.pk))
    assert response.content.decode().count("Meets requirements") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_index_query_count_does_not_grow(member_client, posting, django_assert_max_num_queries, rows):
    for job in PublishedPostingFactory.create_batch(rows, employer=posting.employer):
        ApplicationFactory(posting=job)

    # Session, user, the employer with the member's role, the postings with their counts.
    with django_assert_max_num_queries(4):
        response = member_client.get(_url("review", posting))
    assert len(response.context["postings"]) == rows


def test_opening_an_application_marks_it_viewed_and_shows_notes(member_client, posting):
    application = ApplicationFactory(posting=posting, profile__full_name="Ana Lopez")
    ApplicationNoteFactory(application=application, text="Call her back")

    page = member_client.get(_url("review-application", posting, application.pk)).content.decode()

    application.refresh_from_db()
    assert application.status == Status.VIEWED
    assert "Call her back" in page
    assert "Only your team sees these" in page


def test_changing_the_status_and_hiring_offers_to_fill_the_posting(
    member_client, member, posting, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(posting=posting)
    url = _url("review-application-status", posting, application.pk)

    response = member_client.post(url, {"status": "shortlisted"})
    assert response.url == application.get_review_url()
    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(url, {"status": "hired"}, follow=True)
    page = response.content.decode()
    assert "We emailed them your message." in page
    assert "Mark the posting filled" in page
    assert [message.to for message in mail.outbox] == [[application.profile.user.email]]

    response = member_client.post(_url("review-posting-fill", posting, posting.pk))
    assert response.url == _url("review-posting", posting, posting.pk)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.FILLED
    assert posting.events.filter(to_status="filled", by=member).exists()


def test_a_bad_status_is_refused(member_client, posting):
    application = ApplicationFactory(posting=posting)
    response = member_client.post(_url("review-application-status", posting, application.pk), {"status": "withdrawn"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_bulk_not_selected_from_the_list(member_client, posting, django_capture_on_commit_callbacks):
    chosen = ApplicationFactory.create_batch(2, posting=posting)
    kept = ApplicationFactory(posting=posting)
    foreign = ApplicationFactory()  # another employer's: never changed from here

    # First a page naming who will be emailed; nothing changes yet.
    response = member_client.post(
        _url("review-posting-bulk", posting, posting.pk), {"applications": [chosen[0].pk, chosen[1].pk]}
    )
    html = response.content.decode()
    assert "Mark 2 applicants not selected?" in html
    assert escape(chosen[0].applicant_name) in html
    assert escape(chosen[1].applicant_name) in html
    assert escape(kept.applicant_name) not in html
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            _url("review-posting-bulk", posting, posting.pk),
            {"applications": [chosen[0].pk, chosen[1].pk], "confirm": "1"},
            follow=True,
        )
    html = response.content.decode()
    assert "2 applicants marked not selected. Their emails go out in 60 seconds" in html
    assert "Undo and email no one" in html
    assert mail.outbox == []
    response = member_client.post(_url("review-posting-bulk", posting, posting.pk), {"applications": [foreign.pk]})

    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {
        chosen[0].pk: "not-selected",
        chosen[1].pk: "not-selected",
        kept.pk: "submitted",
        foreign.pk: "submitted",
    }
    assert mail.outbox == []  # until the undo window is over


def test_undo_from_the_list_puts_the_applicants_back_and_emails_no_one(
    member_client, posting, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from applicants.services.applications import application_decisions_send_due

    chosen = ApplicationFactory.create_batch(2, posting=posting, status=Application.Status.SHORTLISTED)
    ids = [application.pk for application in chosen]
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(_url("review-posting-bulk", posting, posting.pk), {"applications": ids, "confirm": "1"})

    response = member_client.post(_url("review-posting-bulk-undo", posting, posting.pk), follow=True)

    assert "Undone: 2 applicants back as before, no one emailed." in response.content.decode()
    assert set(Application.objects.values_list("status", flat=True)) == {"shortlisted"}
    with django_capture_on_commit_callbacks(execute=True):
        application_decisions_send_due(now=timezone.now() + timedelta(seconds=settings.DECISION_UNDO_SECONDS + 1))
    assert mail.outbox == []
    response = member_client.post(_url("review-posting-bulk-undo", posting, posting.pk), follow=True)
    assert "Too late to undo" in response.content.decode()


def test_adding_a_note(member_client, posting):
    application = ApplicationFactory(posting=posting)
    response = member_client.post(_url("review-application-note", posting, application.pk), {"text": "Great fit"})
    assert response.url == application.get_review_url() + "#notes"
    assert application.notes.get().text == "Great fit"
    applicant = application.profile.user
    member_client.force_login(applicant)
    assert "Great fit" not in member_client.get(application.get_absolute_url()).content.decode()


def test_editing_the_decision_messages(member_client, posting):
    url = _url("review-messages", posting)

    page = member_client.get(url).content.decode()
    assert "Default wording" in page
    response = member_client.post(url, {"kind": "hired", "hired-subject": "Hi {nope}", "hired-body": "Body"})
    assert response.status_code == 400
    assert "Unknown placeholder: {nope}." in response.content.decode()

    member_client.post(url, {"kind": "hired", "hired-subject": "Welcome {applicant_name}", "hired-body": "Welcome!"})
    assert decision_text(employer_id=posting.employer_id, kind="hired").subject == "Welcome {applicant_name}"
    assert "Your wording" in member_client.get(url).content.decode()

    member_client.post(url, {"kind": "hired", "reset": "1"})
    assert decision_text(employer_id=posting.employer_id, kind="hired").subject.startswith("Welcome to")


# -- The old addresses, /employer/applicants/... -----------------------------------------------------------

# (name, old path, new url name, whose id) for every old page: each answers 301 to its new place.
MOVED_PAGES = [
    ("applicants of the job", "jobs/{posting}/", "review-posting", "posting"),
    ("application", "{application}/", "review-application", "application"),
    ("resume", "{application}/resume/", "review-application-resume", "application"),
    ("messages", "messages/{slug}/", "review-messages", None),
]
# The forms' endpoints: 308, so a form left open across the move still posts its data.
MOVED_ACTIONS = [
    ("status", "{application}/status/", "review-application-status", "application"),
    ("note", "{application}/notes/", "review-application-note", "application"),
    ("bulk not selected", "jobs/{posting}/not-selected/", "review-posting-bulk", "posting"),
    ("mark filled", "jobs/{posting}/fill/", "review-posting-fill", "posting"),
    ("messages", "messages/{slug}/", "review-messages", None),
]


def _old(world, path):
    ids = {"posting": world["posting"].pk, "application": world["application"].pk, "slug": _a(world)}
    return "/employer/applicants/" + path.format(**ids)


def _new(world, name, whose):
    return reverse(f"dashboard:{name}", args=[_a(world), *([world[whose].pk] if whose else [])])


@pytest.mark.parametrize(("name", "path", "to", "whose"), MOVED_PAGES, ids=[m[0] for m in MOVED_PAGES])
def test_each_old_page_redirects_permanently_to_its_new_place(client, world, name, path, to, whose):
    client.force_login(world["member"])

    response = client.get(_old(world, path), {"status": "hired"})

    assert response.status_code == 301
    assert response["Location"] == _new(world, to, whose) + "?status=hired"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(("name", "path", "to", "whose"), MOVED_ACTIONS, ids=[m[0] for m in MOVED_ACTIONS])
def test_each_old_form_endpoint_redirects_keeping_the_post(client, world, name, path, to, whose):
    client.force_login(world["member"])

    response = client.post(_old(world, path), {"text": "Posted to the old address"})

    assert response.status_code == 308
    assert response["Location"] == _new(world, to, whose)


def test_a_note_posted_to_the_old_address_arrives(client, world):
    client.force_login(world["member"])

    client.post(_old(world, "{application}/notes/"), {"text": "Posted to the old address"}, follow=True)

    assert world["application"].notes.get().text == "Posted to the old address"


@pytest.mark.parametrize(
    ("name", "path", "to", "whose"), MOVED_PAGES + MOVED_ACTIONS, ids=[m[0] for m in MOVED_PAGES + MOVED_ACTIONS]
)
@pytest.mark.parametrize("who", ["outsider", "alice", "bob"])
def test_an_old_address_of_another_organisation_is_404_and_never_tells_its_slug(
    client, world, name, path, to, whose, who
):
    client.force_login(_user(world, who))

    for response in (client.get(_old(world, path)), client.post(_old(world, path), POST_DATA)):
        assert response.status_code == 404
        assert _a(world) not in response.get("Location", "")
    _nothing_changed(world)


@pytest.mark.parametrize("path", ["jobs/999999999/", "999999999/", "999999999/resume/", "messages/no-such-org/"])
def test_an_old_address_of_nothing_is_404(client, world, path):
    client.force_login(world["member"])
    assert client.get("/employer/applicants/" + path).status_code == 404


@pytest.mark.parametrize(("name", "path", "to", "whose"), MOVED_PAGES, ids=[m[0] for m in MOVED_PAGES])
def test_an_old_address_asks_an_anonymous_visitor_to_sign_in_first(client, world, name, path, to, whose):
    response = client.get(_old(world, path))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/employer/applicants/")


def test_the_old_index_leads_a_single_organisations_member_to_its_review(client, world):
    client.force_login(world["member"])

    response = client.get("/employer/applicants/")

    # Not permanent: where it leads depends on the user's organisations, which change.
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:review", args=[_a(world)])


def test_the_old_index_leads_a_member_of_two_organisations_to_the_dashboard(client, world):
    EmployerMemberFactory(employer=world["posting"].employer, user=world["outsider"])
    client.force_login(world["outsider"])

    response = client.get("/employer/applicants/", follow=True)

    assert response.redirect_chain == [(reverse("dashboard:home"), 302)]
    page = response.content.decode()
    for posting in (world["posting"], world["other_posting"]):
        assert reverse("dashboard:postings", args=[posting.employer.slug]) in page


def test_the_old_index_leads_someone_without_an_organisation_to_set_one_up(client, world):
    client.force_login(world["alice"].user)

    response = client.get("/employer/applicants/", follow=True)

    assert response.redirect_chain == [(reverse("dashboard:home"), 302)]
    assert "Create your organisation" in response.content.decode()
