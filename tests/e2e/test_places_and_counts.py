"""What a seeker sees of places, remote roles and counts, in a real browser: the home page's numbers are what
their links show, remote roles come only when asked for and have no distance, Canadian postal codes and
ambiguous city names resolve, the address bar holds only the filters set, and the results page says the truth
past its last page and to a visitor asking for the jobs they qualify for."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import PublishedPostingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUSTIN = {"city": "Austin", "region": "US-TX", "country": "US", "latitude": 30.2672, "longitude": -97.7431}
TORONTO = {"city": "Toronto", "region": "CA-ON", "country": "CA", "latitude": 43.6453, "longitude": -79.3806}
SPRINGFIELD_MO = {"city": "Springfield", "region": "US-MO", "country": "US", "latitude": 37.2153, "longitude": -93.2982}


def _count(page) -> str:
    return page.locator("#results-count").inner_text()


def _serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


def test_home_counts_are_what_their_links_show_and_remote_roles_are_their_own_choice(live_server, page):
    PublishedPostingFactory.create_batch(3, title="Casper Technician", region="US-WY", city="Casper",
                                         latitude=42.85, longitude=-106.32)  # fmt: skip
    PublishedPostingFactory(title="Austin Technician", **AUSTIN)
    # Remote roles: one whose employer sits in Wyoming, one "based" on the other side of the world.
    PublishedPostingFactory(title="Remote Billing Technician", arrangement="remote", region="US-WY", city="Cheyenne",
                            latitude=41.14, longitude=-104.82)  # fmt: skip
    PublishedPostingFactory(title="Remote Prior Auth Technician", arrangement="remote", region="US-FL", city="",
                            latitude=-27.0, longitude=82.0)  # fmt: skip

    page.goto(live_server.url)
    wyoming = page.get_by_role("link", name=re.compile(r"^Wyoming"))
    assert wyoming.locator(".region-list__count").inner_text() == "3"
    remote = page.get_by_role("link", name=re.compile(r"^Remote roles"))
    assert remote.locator(".region-list__count").inner_text() == "2"
    wyoming.click()
    assert _count(page) == "3 jobs"
    assert page.get_by_text("Remote Billing Technician").count() == 0

    page.goto(live_server.url)
    page.get_by_role("link", name=re.compile(r"^Remote roles")).click()
    assert _count(page) == "2 jobs"

    # A radius search: nearby roles only, until remote roles are asked for; those have no distance.
    page.goto(f"{live_server.url}/jobs/?near=Austin%2C+TX&radius=50&sort=distance")
    assert _count(page) == "1 job"
    page.get_by_label("Include remote roles").check()
    expect(page.locator("#results-count")).to_have_text("3 jobs")
    assert "remote=on" in page.url or "remote=1" in page.url
    cards = page.locator(".job-card")
    assert cards.nth(0).get_by_role("link").inner_text() == "Austin Technician"
    assert re.search(r"\d mi away", cards.nth(0).inner_text())
    assert page.get_by_text(re.compile(r"mi away")).count() == 1  # not "12437 mi away" on a remote role


def test_a_canadian_postal_code_and_an_ambiguous_city_resolve(live_server, page):
    PublishedPostingFactory(title="Toronto Hospital Technician", **TORONTO)
    PublishedPostingFactory(title="Ozarks Retail Technician", **SPRINGFIELD_MO)

    page.goto(f"{live_server.url}/jobs/")
    near = page.get_by_label("Near")
    near.fill("M5V 2T6")
    near.press("Enter")
    expect(page.locator("#results-count")).to_have_text("1 job")
    assert page.get_by_role("link", name="Toronto Hospital Technician").is_visible()
    assert "near=M5V" in page.url

    # Typing a city name suggests its places, each with its state or province.
    near = page.get_by_label("Near")
    near.fill("")
    near.press_sequentially("Springf", delay=30)
    page.locator("#near-places option").nth(2).wait_for(state="attached")
    options = page.locator("#near-places option")
    assert "Springfield, Missouri" in options.all_inner_texts()
    assert options.first.get_attribute("value").startswith("Springfield, ")

    # "Springfield" alone is not silently one of them: the page asks which.
    near.fill("Springfield")
    near.press("Enter")
    page.wait_for_selector("text=Which one do you mean?")
    assert page.get_by_text("Several places have that name").is_visible()
    assert _serious(page) == []
    page.get_by_role("link", name="Springfield, Missouri").click()
    expect(page.locator("#results-count")).to_have_text("1 job")
    assert page.get_by_role("link", name="Ozarks Retail Technician").is_visible()
    assert page.get_by_label("Near").input_value() == "Springfield, MO"


def test_the_choice_of_places_works_with_javascript_off(live_server, browser):
    PublishedPostingFactory(title="Ozarks Retail Technician", **SPRINGFIELD_MO)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/jobs/")
        page.get_by_label("Near").fill("springfield")
        page.get_by_role("button", name="Show jobs").click()
        page.get_by_role("link", name="Springfield, Missouri").click()
        assert _count(page) == "1 job"
        assert page.get_by_role("link", name="Ozarks Retail Technician").is_visible()
    finally:
        context.close()


def test_pushed_urls_hold_only_the_filters_set(live_server, page):
    PublishedPostingFactory(title="Night Technician", shifts=["night"], **AUSTIN)
    PublishedPostingFactory(title="Day Technician", shifts=["day"], **AUSTIN)

    page.goto(f"{live_server.url}/jobs/?region=US-TX")
    page.locator("summary", has_text="Shift").click()
    page.get_by_label(re.compile(r"^Night")).check()
    page.wait_for_url(re.compile(r"shift=night"))
    expect(page.locator("#results-count")).to_have_text("1 job")

    params = parse_qsl(urlsplit(page.url).query, keep_blank_values=True)
    assert [value for _, value in params if value == ""] == [], page.url
    assert ("region", "US-TX") in params
    assert ("shift", "night") in params
    # The shift's count is shown beside it, as every facet's is.
    assert page.get_by_label(re.compile(r"^Night \(1\)")).is_checked()


def test_the_results_page_is_honest_past_its_end_and_to_a_visitor_asking_for_jobs_they_qualify_for(live_server, page):
    PublishedPostingFactory.create_batch(21, **AUSTIN)

    response = page.goto(f"{live_server.url}/jobs/?region=US-TX&page=999")
    assert response.status == 404
    assert page.get_by_text("No more results").is_visible()
    page.get_by_role("link", name="Go to the last page").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".job-card").count() == 1

    # The feed of the search is a visible link.
    feed = page.get_by_role("link", name="RSS feed of this search")
    assert feed.is_visible()
    assert "region=US-TX" in feed.get_attribute("href")

    page.goto(f"{live_server.url}/jobs/?region=US-TX")
    page.get_by_label("Only jobs I qualify for").check()
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^Sign in"))
    assert "0 jobs" not in page.locator("#results").inner_text()
    assert page.get_by_role("link", name="Sign in", exact=True).first.is_visible()
    assert _serious(page) == []
