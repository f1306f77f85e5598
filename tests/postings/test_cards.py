"""Job cards are rendered once per posting version and cached: an edited, closed or re-employered posting (or
one whose employer was renamed or changed its logo) never shows its old card, and what differs per visitor
or per search (the distance, the age, the save button) is never taken from another visitor's card."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from employers.services import employer_update
from postings.models import Posting
from postings.services.editing import posting_update
from postings.services.workflow import posting_close
from postings.templatetags.postings_tags import card_key
from tests.factories import (
    ApplicantProfileFactory,
    EmployerFactory,
    EmployerMemberFactory,
    PublishedPostingFactory,
    SavedJobFactory,
    TrustedEmployerFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("postings:list")
AUSTIN = {"city": "Austin", "region": "US-TX", "country": "US", "latitude": 30.2672, "longitude": -97.7431}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The cards' own cache, not the anonymous page cache in front of it (tests/postings/test_cache.py).
    settings.ANONYMOUS_CACHE_SECONDS = 0


@pytest.fixture
def employer():
    return TrustedEmployerFactory(name="Riverside Hospital")


@pytest.fixture
def owner(employer):
    return EmployerMemberFactory(employer=employer).user


@pytest.fixture
def posting(employer):
    return PublishedPostingFactory(title="IV Room Technician", employer=employer)


def results(client, **params) -> str:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_card_is_rendered_once_and_then_read_from_the_cache(client, posting):
    assert "IV Room Technician" in results(client)
    assert cache.get(card_key(posting)) is not None
    # Written behind the model's back (no new version): the page still shows the cached card.
    Posting.objects.filter(pk=posting.pk).update(title="Changed without a save")

    assert "IV Room Technician" in results(client)


def test_an_edited_posting_never_shows_its_old_card(client, posting, owner):
    results(client)

    posting_update(posting=posting, by=owner, data={"title": "Sterile Compounding Technician"}, requirements=[])

    html = results(client)
    assert "Sterile Compounding Technician" in html
    assert "IV Room Technician" not in html


def test_a_closed_posting_leaves_every_list(client, posting, owner):
    employer_page = reverse("employers:detail", args=[posting.employer.slug])
    assert "IV Room Technician" in results(client)
    assert "IV Room Technician" in client.get(employer_page).content.decode()

    posting_close(posting=posting, by=owner)

    assert "IV Room Technician" not in results(client)
    assert "IV Room Technician" not in client.get(employer_page).content.decode()
    assert "IV Room Technician" not in client.get("/").content.decode()


def test_a_renamed_employer_shows_its_new_name_on_every_card(client, posting, owner):
    results(client)

    employer_update(employer=posting.employer, by=owner, data={"name": "Lakeside Health"})

    html = results(client)
    assert "Lakeside Health" in html
    assert "Riverside Hospital" not in html


def test_a_new_logo_shows_on_the_card(client, posting):
    assert "/media/logos/new.png" not in results(client)
    employer = posting.employer

    employer.logo.name = "logos/new.png"
    employer.save()

    assert 'src="/media/logos/new.png"' in results(client)


def test_a_posting_moved_to_another_employer_shows_the_new_employer(client, posting):
    results(client)

    posting.employer = EmployerFactory(name="Lakeside Health")
    posting.save()

    html = results(client)
    assert "Lakeside Health" in html
    assert "Riverside Hospital" not in html


def test_the_distance_and_age_are_filled_per_request(client):
    PublishedPostingFactory(title="IV Room Technician", published_at=timezone.now() - timedelta(days=3), **AUSTIN)

    miles = results(client, near="Austin, TX", radius="50")
    km = results(client, near="Austin, TX", radius="50", unit="km")
    plain = results(client)

    assert "0.0 mi away" in miles
    assert "0.0 km away" in km
    assert "mi away" not in km
    assert "away</span>" not in plain
    assert "Posted 3 days ago" in plain


def test_the_save_button_is_each_visitors_own(client, posting):
    results(client)  # the card cached by an anonymous visit
    saver = ApplicantProfileFactory()
    SavedJobFactory(profile=saver, posting=posting)
    other = ApplicantProfileFactory()

    client.force_login(saver.user)
    assert f'id="save-{posting.pk}"' in (html := results(client))
    assert "Saved<span" in html
    client.force_login(other.user)
    assert "Saved<span" not in (html := results(client))
    assert f'Save<span class="visually-hidden"> {posting.title}</span>' in html
    client.logout()
    assert f'id="save-{posting.pk}"' not in results(client)
