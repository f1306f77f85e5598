from datetime import timedelta
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postings.feeds import FEED_ITEMS
from tests.factories import (
    DraftPostingFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    PastExpiryPostingFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
)

pytestmark = pytest.mark.django_db

FEED_URL = reverse("postings:feed")


def rss(response) -> ElementTree.Element:
    """The <channel> of a well-formed RSS 2.0 response."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for required in ["title", "link", "description"]:
        assert channel.findtext(required), required
    return channel


def item_titles(channel) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


def test_the_feed_is_rss_2_with_one_item_per_open_posting(client):
    posting = PublishedPostingFactory(
        title="IV Room Technician",
        employer=EmployerFactory(name="Mercy Hospital"),
        city="Austin",
        region="US-TX",
        setting="hospital",
        employment_types=["full-time", "per-diem"],
        description="Prepare **sterile** products for the ICU.\n\n- Nights",
    )

    channel = rss(client.get(FEED_URL))

    assert channel.findtext("title") == "Pharmacy technician jobs | RxTech Jobs"
    assert channel.findtext("link") == f"{django_settings.SITE_URL}/jobs/"
    [item] = channel.findall("item")
    url = f"{django_settings.SITE_URL}{posting.get_absolute_url()}"
    assert item.findtext("title") == "IV Room Technician — Mercy Hospital (Austin, TX)"
    assert item.findtext("link") == url
    assert item.findtext("guid") == url
    assert item.find("guid").get("isPermaLink") == "true"
    assert item.findtext("category") == "Hospital"
    assert parsedate_to_datetime(item.findtext("pubDate")) == posting.published_at.replace(microsecond=0)
    assert item.findtext("description") == (
        "<p>$18.00–$22.00 /hour · Hospital · Full-time, Per diem (PRN)</p>"  # noqa: RUF001 - an en dash
        "<p>Prepare sterile products for the ICU. Nights</p>"
    )


def test_a_remote_posting_says_so_in_its_title(client):
    PublishedPostingFactory(title="Billing Technician", employer=EmployerFactory(name="RxClaims"),
                            arrangement="remote", region="US-GA", city="")  # fmt: skip

    channel = rss(client.get(FEED_URL))

    assert item_titles(channel) == ["Billing Technician — RxClaims (Remote, GA)"]


def test_the_feed_lists_only_open_postings_newest_first(client):
    now = timezone.now()
    PublishedPostingFactory(title="Older", published_at=now - timedelta(days=3))
    PublishedPostingFactory(title="Newer", published_at=now - timedelta(hours=2))
    for factory in [DraftPostingFactory, PendingPostingFactory, ExpiredPostingFactory, PastExpiryPostingFactory,
                    FilledPostingFactory]:  # fmt: skip
        factory(title=f"Not open: {factory.__name__}")

    channel = rss(client.get(FEED_URL))

    assert [title.split(" — ")[0] for title in item_titles(channel)] == ["Newer", "Older"]


def test_the_feed_honours_the_search_parameters_and_names_the_search(client):
    PublishedPostingFactory(title="Texas hospital", setting="hospital", region="US-TX")
    PublishedPostingFactory(title="Texas retail", setting="community-retail", region="US-TX")
    PublishedPostingFactory(title="Arizona hospital", setting="hospital", region="US-AZ", city="Phoenix")

    channel = rss(client.get(FEED_URL, {"setting": "hospital", "region": "US-TX"}))

    assert [title.split(" — ")[0] for title in item_titles(channel)] == ["Texas hospital"]
    assert channel.findtext("title") == "Pharmacy technician jobs in Texas (Hospital) | RxTech Jobs"
    assert channel.findtext("link") == f"{django_settings.SITE_URL}/jobs/?setting=hospital&region=US-TX"

    channel = rss(client.get(FEED_URL, {"setting": ["hospital", "nuclear"], "country": "US", "q": "hospital"}))

    assert channel.findtext("title") == (
        "Pharmacy technician jobs in United States matching “hospital” (Hospital, Nuclear pharmacy) | RxTech Jobs"
    )


def test_a_distance_search_names_its_place(client):
    PublishedPostingFactory(title="Downtown", latitude=30.2672, longitude=-97.7431)
    PublishedPostingFactory(title="Dallas", city="Dallas", latitude=32.7767, longitude=-96.7970)

    channel = rss(client.get(FEED_URL, {"near": "78701", "radius": "10", "unit": "mi"}))

    assert [title.split(" — ")[0] for title in item_titles(channel)] == ["Downtown"]
    assert channel.findtext("title") == "Pharmacy technician jobs within 10 mi of 78701 (Austin, TX) | RxTech Jobs"


def test_an_invalid_parameter_is_dropped_and_the_valid_ones_still_apply(client):
    PublishedPostingFactory(title="Texas hospital", setting="hospital", region="US-TX")
    PublishedPostingFactory(title="Texas retail", setting="community-retail", region="US-TX")
    PublishedPostingFactory(title="Arizona hospital", setting="hospital", region="US-AZ")

    response = client.get(FEED_URL, {"region": "US-ZZ", "setting": ["hospital", "no-such-setting"], "page": "2"})

    channel = rss(response)
    assert sorted(title.split(" — ")[0] for title in item_titles(channel)) == ["Arizona hospital", "Texas hospital"]
    assert channel.findtext("title") == "Pharmacy technician jobs (Hospital) | RxTech Jobs"
    # The feed's links carry the search, not the rejected value or the page.
    assert channel.findtext("link") == f"{django_settings.SITE_URL}/jobs/?setting=hospital"


def test_the_feed_stops_at_fifty_items(client):
    employer = EmployerFactory()
    PublishedPostingFactory.create_batch(FEED_ITEMS + 2, employer=employer)

    channel = rss(client.get(FEED_URL))

    assert FEED_ITEMS == 50
    assert len(channel.findall("item")) == FEED_ITEMS


def test_text_the_employer_typed_is_escaped_and_control_characters_dropped(client):
    PublishedPostingFactory(
        title="<script>alert(1)</script> Tech\x0b & Co",
        employer=EmployerFactory(name='"Evil" <b>Corp</b>'),
        description="Hi <script>alert('d')</script> <img src=x onerror=alert(1)>\x01 there",
    )

    channel = rss(client.get(FEED_URL))

    [item] = channel.findall("item")
    # Titles are escaped once more, like Django's default: readers that show them as HTML show the text.
    assert item.findtext("title") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; Tech &amp; Co — &quot;Evil&quot; &lt;b&gt;Corp&lt;/b&gt; (Austin, TX)"
    )
    description = item.findtext("description")
    assert "<script" not in description
    assert "onerror" not in description
    assert "Hi there" in description


garbage = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\x00\x01\x0b%&=?#<>'\"\\ \t\n-_./aZ9é☃"), max_size=20),
    st.sampled_from(["\x00", "US-TX\x00", "9" * 40, "-1", "1e999", "NaN", "-0", "<script>", "' OR 1=1 --"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    setting=garbage, region=garbage, country=garbage, q=garbage, pay_min=garbage, posted_within=garbage,
    near=garbage, radius=garbage, sort=garbage, page=garbage,
)  # fmt: skip
def test_garbage_parameters_never_cause_a_server_error(client, **params):
    response = client.get(FEED_URL, params)

    if response.status_code != 400:
        rss(response)


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_does_not_grow_with_the_items(client, django_assert_num_queries, count):
    PublishedPostingFactory.create_batch(count, setting="hospital")
    # The postings table's size (cached), the search's planner estimate (EXPLAIN), the candidate ids (see
    # PostingFilter.candidates), then the items.
    with django_assert_num_queries(4):
        response = client.get(FEED_URL, {"setting": "hospital", "region": "US-TX", "pay_min": "15"})
    assert len(rss(response).findall("item")) == count


def test_the_list_page_announces_the_feed_of_its_search(client):
    html = client.get(reverse("postings:list"), {"setting": "hospital"}).content.decode()

    assert 'type="application/rss+xml"' in html
    assert 'href="/jobs/feed/?setting=hospital"' in html
