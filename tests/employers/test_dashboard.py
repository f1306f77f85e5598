"""The employer dashboard: who may see and do what, what the pages show, and query counts."""

import pytest
from django.core import mail
from django.urls import URLResolver, resolve, reverse

from applicants.models import DecisionMessage
from employers import services
from employers.models import EmployerMember
from employers.urls import dashboard
from postings.models import Posting
from tests.factories import (
    ApplicationFactory,
    DraftPostingFactory,
    EmployerFactory,
    EmployerMemberFactory,
    ExpiredPostingFactory,
    InvitationFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    RecruiterFactory,
    TrustedEmployerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Posting.Status


@pytest.fixture
def owner():
    return UserFactory(email="owner@example.com")


@pytest.fixture
def employer(owner):
    employer = EmployerFactory(name="Mercy Hospital", slug="mercy-hospital")
    EmployerMemberFactory(employer=employer, user=owner, role=EmployerMember.Role.OWNER)
    return employer


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def dashboard_urls(employer, posting, member, invitation, application):
    """Every page and action of the employer area that belongs to one employer: (method, url)."""
    slug, pk = employer.slug, posting.pk
    urls = [
        ("get", reverse("dashboard:postings", args=[slug])),
        ("get", reverse("dashboard:employer-edit", args=[slug])),
        ("post", reverse("dashboard:employer-edit", args=[slug])),
        ("post", reverse("dashboard:posting-bulk", args=[slug])),
        ("get", reverse("dashboard:posting-import", args=[slug])),
        ("post", reverse("dashboard:posting-import", args=[slug])),
        ("get", reverse("dashboard:team", args=[slug])),
        ("post", reverse("dashboard:team", args=[slug])),
        ("post", reverse("dashboard:member-remove", args=[slug, member.pk])),
        ("post", reverse("dashboard:member-role", args=[slug, member.pk])),
        ("post", reverse("dashboard:invitation-withdraw", args=[slug, invitation.pk])),
        ("get", reverse("dashboard:posting-new", args=[slug])),
        ("post", reverse("dashboard:posting-new", args=[slug])),
        ("get", reverse("dashboard:posting", args=[slug, pk])),
        ("get", reverse("dashboard:posting-edit", args=[slug, pk])),
        ("post", reverse("dashboard:posting-edit", args=[slug, pk])),
        ("get", reverse("dashboard:posting-preview", args=[slug, pk])),
    ]
    for action in ["submit", "close", "fill", "renew", "duplicate"]:
        urls.append(("post", reverse("dashboard:posting-action", args=[slug, pk, action])))
    urls += [
        ("get", reverse("dashboard:review", args=[slug])),
        ("get", reverse("dashboard:review-posting", args=[slug, pk])),
        ("post", reverse("dashboard:review-posting-bulk", args=[slug, pk])),
        ("post", reverse("dashboard:review-posting-fill", args=[slug, pk])),
        ("get", reverse("dashboard:review-application", args=[slug, application.pk])),
        ("post", reverse("dashboard:review-application-status", args=[slug, application.pk])),
        ("post", reverse("dashboard:review-application-note", args=[slug, application.pk])),
        ("get", reverse("dashboard:review-application-resume", args=[slug, application.pk])),
        ("get", reverse("dashboard:review-messages", args=[slug])),
        ("post", reverse("dashboard:review-messages", args=[slug])),
        ("post", reverse("dashboard:review-posting-bulk-undo", args=[slug, pk])),
    ]
    return urls


URL_COUNT = 33


@pytest.fixture
def employer_a_things(employer, owner):
    posting = PublishedPostingFactory(employer=employer, title="Employer A's job")
    member = RecruiterFactory(employer=employer)
    invitation = InvitationFactory(employer=employer, invited_by=owner)
    application = ApplicationFactory(posting=posting)
    return employer, posting, member, invitation, application


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_a_member_of_employer_b_gets_404_on_every_page_and_action_of_employer_a(client, employer_a_things, index):
    _, posting, member, invitation, application = employer_a_things
    method, url = dashboard_urls(*employer_a_things)[index]
    employer_b = EmployerFactory()
    intruder = EmployerMemberFactory(employer=employer_b, role=EmployerMember.Role.OWNER).user
    client.force_login(intruder)

    response = getattr(client, method)(
        url,
        {
            "title": "Hijacked",
            "action": "close",
            "postings": [posting.pk],
            "status": "not-selected",
            "text": "Hijacked",
            "applications": [application.pk],
            "kind": "hired",
            "hired-subject": "Hijacked",
            "hired-body": "Hijacked",
        },
    )

    assert response.status_code == 404, url
    posting.refresh_from_db()
    assert (posting.status, posting.title) == (Status.PUBLISHED, "Employer A's job")
    assert EmployerMember.objects.filter(pk=member.pk, role="recruiter").exists()
    invitation.refresh_from_db()
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not application.notes.exists()
    assert not DecisionMessage.objects.exists()
    assert mail.outbox == []


def test_the_url_list_covers_every_route_with_an_employer(employer_a_things):
    """So a new page of the employer area cannot be added without joining the 404 test above."""
    per_employer = {name for route, name in _routes(dashboard.urlpatterns) if route.startswith("<slug:slug>/")}
    tested = {resolve(url).url_name for _, url in dashboard_urls(*employer_a_things)}
    assert "review-application" in per_employer
    assert tested == per_employer
    assert len(dashboard_urls(*employer_a_things)) == URL_COUNT


def _routes(patterns, prefix=""):
    """(route, name) of every pattern, included ones too, with their full route."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


def test_the_paths_before_an_organisations_slug_are_reserved():
    """/employer/new/ and the like would hide an organisation whose slug they were: none may take them."""
    first_segments = {route.split("/")[0] for route, _ in _routes(dashboard.urlpatterns)} - {"", "<slug:slug>"}
    assert first_segments == services.RESERVED_SLUGS
    for reserved in sorted(services.RESERVED_SLUGS):
        assert services.employer_create(by=UserFactory(), data={"name": reserved}).slug == f"{reserved}-employer"


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_anonymous_visitors_are_sent_to_sign_in(client, employer_a_things, index):
    method, url = dashboard_urls(*employer_a_things)[index]

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("index", [0, 4, 6, 11, 13, 14, 16, 22, 23, 26, 30])
def test_the_owner_sees_every_page(owner_client, employer_a_things, index):
    method, url = dashboard_urls(*employer_a_things)[index]
    assert method == "get"

    response = owner_client.get(url)

    assert response.status_code == 200, url


def test_home_redirects_a_single_organisation_to_its_postings(owner_client, employer):
    response = owner_client.get(reverse("dashboard:home"))

    assert response.url == reverse("dashboard:postings", args=[employer.slug])


def test_home_invites_a_new_user_to_create_an_organisation(client):
    client.force_login(UserFactory())

    response = client.get(reverse("dashboard:home"))

    assert "Create your organisation" in response.content.decode()


def test_creating_an_organisation_makes_the_creator_its_owner(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("dashboard:employer-new"),
        {
            "name": "Sunrise Pharmacy",
            "type": "independent",
            "website": "sunrise.example.com",
            "locations": "Austin, TX\n\nDallas, TX",
        },
    )

    membership = EmployerMember.objects.get(user=user)
    assert membership.role == EmployerMember.Role.OWNER
    employer = membership.employer
    assert (employer.slug, employer.website, employer.locations) == (
        "sunrise-pharmacy",
        "https://sunrise.example.com",
        ["Austin, TX", "Dallas, TX"],
    )
    assert response.url == reverse("dashboard:postings", args=["sunrise-pharmacy"])


def test_a_recruiter_cannot_edit_the_organisation(client, employer):
    recruiter = RecruiterFactory(employer=employer).user
    client.force_login(recruiter)

    assert client.get(reverse("dashboard:employer-edit", args=[employer.slug])).status_code == 403


def test_the_list_shows_status_expiry_and_the_actions_of_each_status(owner_client, employer):
    PublishedPostingFactory(employer=employer, title="Live job")
    DraftPostingFactory(employer=employer, title="Draft job")
    PublishedPostingFactory(title="Someone else's job")

    response = owner_client.get(reverse("dashboard:postings", args=[employer.slug]))

    html = response.content.decode()
    rows = {posting.title: actions for posting, actions in response.context["rows"]}
    assert rows == {
        "Live job": ["edit", "renew", "fill", "close", "duplicate"],
        "Draft job": ["edit", "preview", "submit", "duplicate", "close"],
    }
    assert "29 days" in html
    assert "Someone else" not in html


def test_the_list_filters_by_status_and_searches_title_and_reference(owner_client, employer):
    PublishedPostingFactory(employer=employer, title="IV Technician", reference="REQ-77")
    DraftPostingFactory(employer=employer, title="Retail Technician")
    url = reverse("dashboard:postings", args=[employer.slug])

    by_status = owner_client.get(url, {"status": "draft"})
    by_reference = owner_client.get(url, {"q": "req-77"})
    garbage = owner_client.get(url, {"status": "nonsense\x00", "q": "x" * 500, "page": "-1"})

    assert [p.title for p, _ in by_status.context["rows"]] == ["Retail Technician"]
    assert [p.title for p, _ in by_reference.context["rows"]] == ["IV Technician"]
    assert garbage.status_code == 200


def test_the_list_counts_each_postings_applications(owner_client, employer):
    from tests.factories import ApplicationFactory

    posting = PublishedPostingFactory(employer=employer)
    ApplicationFactory.create_batch(2, posting=posting)
    PublishedPostingFactory(employer=employer)

    response = owner_client.get(reverse("dashboard:postings", args=[employer.slug]))

    assert sorted(p.application_count for p, _ in response.context["rows"]) == [0, 2]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_query_count_does_not_grow_with_the_postings(
    owner_client, employer, count, django_assert_max_num_queries
):
    PublishedPostingFactory.create_batch(count, employer=employer)
    # Session, user, the employer with the member's role, the paginator's COUNT, one page of postings.
    with django_assert_max_num_queries(5):
        response = owner_client.get(reverse("dashboard:postings", args=[employer.slug]))
    assert len(response.context["rows"]) == min(count, 25)


def test_bulk_close_and_renew(owner_client, employer):
    live, other = PublishedPostingFactory.create_batch(2, employer=employer)
    expired = ExpiredPostingFactory(employer=employer)
    url = reverse("dashboard:posting-bulk", args=[employer.slug])

    owner_client.post(url, {"action": "renew", "postings": [expired.pk]})
    owner_client.post(url, {"action": "close", "postings": [live.pk, other.pk]})

    assert set(Posting.objects.filter(employer=employer).values_list("status", flat=True)) == {
        Status.CLOSED,
        Status.PUBLISHED,
    }
    expired.refresh_from_db()
    assert expired.status == Status.PUBLISHED


def test_bulk_refuses_postings_of_another_employer(owner_client, employer):
    foreign = PublishedPostingFactory()

    owner_client.post(
        reverse("dashboard:posting-bulk", args=[employer.slug]), {"action": "close", "postings": [foreign.pk]}
    )

    foreign.refresh_from_db()
    assert foreign.status == Status.PUBLISHED


def test_an_action_not_allowed_in_the_status_is_refused(owner_client, employer):
    draft = DraftPostingFactory(employer=employer)

    owner_client.post(reverse("dashboard:posting-action", args=[employer.slug, draft.pk, "fill"]))
    response = owner_client.post(reverse("dashboard:posting-action", args=[employer.slug, draft.pk, "explode"]))

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert response.status_code == 404


def test_submit_from_the_dashboard_then_the_posting_page_shows_the_history(owner_client, employer, owner):
    draft = DraftPostingFactory(employer=employer, created_by=owner)

    owner_client.post(reverse("dashboard:posting-action", args=[employer.slug, draft.pk, "submit"]))
    response = owner_client.get(reverse("dashboard:posting", args=[employer.slug, draft.pk]))

    draft.refresh_from_db()
    assert draft.status == Status.PENDING
    html = response.content.decode()
    assert "Draft → Pending review" in html
    assert "owner@example.com" in html


def test_a_trusted_employer_publishes_from_the_dashboard(client):
    employer = TrustedEmployerFactory()
    user = EmployerMemberFactory(employer=employer).user
    draft = DraftPostingFactory(employer=employer)
    client.force_login(user)

    client.post(reverse("dashboard:posting-action", args=[employer.slug, draft.pk, "submit"]))

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_duplicate_opens_the_new_draft(owner_client, employer):
    posting = PublishedPostingFactory(employer=employer)

    response = owner_client.post(reverse("dashboard:posting-action", args=[employer.slug, posting.pk, "duplicate"]))

    copy = Posting.objects.exclude(pk=posting.pk).get()
    assert response.url == reverse("dashboard:posting-edit", args=[employer.slug, copy.pk])


def test_the_preview_renders_the_public_posting_template(owner_client, employer):
    draft = DraftPostingFactory(employer=employer, title="Night IV Technician", description="**Nights** only")

    response = owner_client.get(reverse("dashboard:posting-preview", args=[employer.slug, draft.pk]))

    assert "postings/posting_detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<h1 class="posting__title">Night IV Technician</h1>' in html
    assert "<strong>Nights</strong>" in html
    assert "Submit for review" in html
    assert 'name="robots" content="noindex"' in html


def test_pending_postings_are_not_public(client, employer):
    pending = PendingPostingFactory(employer=employer)

    assert client.get(f"/jobs/{pending.pk}/").status_code == 404


def test_editing_the_profile_resizes_the_logo(owner_client, employer):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (1200, 600), "teal").save(buffer, format="PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    owner_client.post(
        reverse("dashboard:employer-edit", args=[employer.slug]),
        {"name": "Mercy Health", "type": "health-system", "logo": upload},
    )

    employer.refresh_from_db()
    assert employer.name == "Mercy Health"
    with Image.open(employer.logo.path) as image:
        assert image.size == (400, 200)


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(owner_client, employer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("logo.png", b"<?php echo 'hi'; ?>", content_type="image/png")

    response = owner_client.post(
        reverse("dashboard:employer-edit", args=[employer.slug]),
        {"name": "Mercy Health", "type": "health-system", "logo": upload},
    )

    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    employer.refresh_from_db()
    assert not employer.logo


def test_no_mail_is_sent_by_viewing_pages(owner_client, employer):
    owner_client.get(reverse("dashboard:postings", args=[employer.slug]))
    assert not mail.outbox


def test_actions_return_to_the_filtered_list_but_never_to_another_site(owner_client, employer):
    first, second = PublishedPostingFactory.create_batch(2, employer=employer)
    list_url = reverse("dashboard:postings", args=[employer.slug]) + "?status=published"

    back = owner_client.post(
        reverse("dashboard:posting-action", args=[employer.slug, first.pk, "renew"]), {"next": list_url}
    )
    evil = owner_client.post(
        reverse("dashboard:posting-action", args=[employer.slug, second.pk, "renew"]), {"next": "https://evil.example/"}
    )

    assert back.url == list_url
    assert evil.url == reverse("dashboard:posting", args=[employer.slug, second.pk])


def test_a_filled_posting_says_when_it_was_filled_instead_of_an_empty_expiry(owner_client, employer, owner):
    from postings.services.workflow import posting_fill

    posting = PublishedPostingFactory(employer=employer)
    posting_fill(posting=posting, by=owner)

    html = owner_client.get(reverse("dashboard:posting", args=[employer.slug, posting.pk])).content.decode()

    assert "<dt>Expires</dt>" not in html
    assert "no expiry date" not in html
    assert "<dt>Filled</dt>" in html
