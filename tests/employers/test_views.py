from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    DraftPostingFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    PublishedPostingFactory,
)

pytestmark = pytest.mark.django_db


def test_employer_page_lists_its_open_jobs_only(client):
    employer = EmployerFactory(name="Mercy Hospital", description="A **teaching** hospital.", verified=True)
    PublishedPostingFactory(employer=employer, title="Open Job")
    ExpiredPostingFactory(employer=employer, title="Expired Job")
    DraftPostingFactory(employer=employer, title="Draft Job")
    PublishedPostingFactory(title="Someone Else's Job")

    response = client.get(employer.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-head__title">Mercy Hospital</h1>' in html
    assert "<strong>teaching</strong>" in html
    assert "Verified employer" in html
    assert "1 open job" in html
    assert [posting.title for posting in response.context["postings"]] == ["Open Job"]


def test_employer_page_paginates_twenty_newest_first(client):
    employer = EmployerFactory()
    now = timezone.now()
    for n in range(21):
        PublishedPostingFactory(employer=employer, title=f"Job {n:02d}", published_at=now - timedelta(hours=n + 1))

    first = client.get(employer.get_absolute_url())
    second = client.get(employer.get_absolute_url(), {"page": 2})
    garbage = client.get(employer.get_absolute_url(), {"page": "\x00abc"})

    assert [p.title for p in first.context["postings"]] == [f"Job {n:02d}" for n in range(20)]
    assert "21 open jobs" in first.content.decode()
    assert [p.title for p in second.context["postings"]] == ["Job 20"]
    assert garbage.status_code == 200


def test_employer_without_open_jobs_says_so(client):
    employer = EmployerFactory(name="Quiet Pharmacy")

    response = client.get(employer.get_absolute_url())

    assert response.status_code == 200
    assert "No open jobs at Quiet Pharmacy right now" in response.content.decode()


def test_unknown_employer_is_not_found(client):
    assert client.get("/employers/no-such-employer/").status_code == 404


def test_employer_page_query_count_is_fixed(client, django_assert_num_queries):
    employer = EmployerFactory()
    PublishedPostingFactory.create_batch(5, employer=employer)
    # The employer, the paginator's COUNT, one page of cards.
    with django_assert_num_queries(3):
        response = client.get(employer.get_absolute_url())
    assert response.status_code == 200


def test_the_admin_keeps_one_location_per_line(client):
    """Saving an organisation in the admin kept splitting its locations at their commas."""
    from django.urls import reverse

    from tests.factories import ModeratorFactory

    employer = EmployerFactory(locations=["Houston, TX", "Pasadena, TX"])
    client.force_login(ModeratorFactory(is_superuser=True))
    url = reverse("admin:employers_employer_change", args=[employer.pk])
    page = client.get(url).content.decode()
    assert "Houston, TX\nPasadena, TX</textarea>" in page

    response = client.post(
        url,
        {
            "name": employer.name,
            "slug": employer.slug,
            "type": employer.type,
            "locations": "Houston, TX\r\nPasadena, TX",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    employer.refresh_from_db()
    assert employer.locations == ["Houston, TX", "Pasadena, TX"]
