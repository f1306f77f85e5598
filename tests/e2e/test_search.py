"""The search journey in a real browser: with htmx (no page loads, history works) and with JavaScript off."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PublishedPostingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUSTIN = {"city": "Austin", "region": "US-TX", "latitude": 30.2672, "longitude": -97.7431, "postal_code": "78701"}


@pytest.fixture
def postings(transactional_db):
    PublishedPostingFactory(title="IV Room Technician (Nights)", setting="hospital", shifts=["night"],
                            duties=["sterile-compounding"], **AUSTIN)  # fmt: skip
    PublishedPostingFactory(title="Sterile Compounding Technician", setting="compounding",
                            duties=["sterile-compounding"], **AUSTIN)  # fmt: skip
    PublishedPostingFactory(title="Retail Pharmacy Technician", setting="community-retail", **AUSTIN)


def _count(page) -> str:
    return page.locator("#results-count").inner_text()


def test_search_filter_with_htmx_go_back_and_open_a_posting(live_server, page, postings):
    page.goto(f"{live_server.url}/jobs/?q=sterile+compounding&near=Austin%2C+TX")
    assert _count(page) == "2 jobs"
    page.evaluate("window.__sameDocument = true")  # survives only if htmx swaps instead of loading a page

    page.locator("summary", has_text="Practice setting").click()
    page.get_by_label(re.compile(r"^Hospital")).check()

    page.wait_for_url(re.compile(r"setting=hospital"))
    page.wait_for_function("document.querySelector('#results-count').innerText === '1 job'")
    assert page.evaluate("window.__sameDocument") is True
    assert page.get_by_role("link", name="IV Room Technician (Nights)").is_visible()

    page.go_back()
    page.wait_for_function("document.querySelector('#results-count').innerText === '2 jobs'")
    assert "setting=hospital" not in page.url

    page.get_by_role("link", name="IV Room Technician (Nights)").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/[a-z0-9-]+/$"))
    assert page.locator("h1").inner_text() == "IV Room Technician (Nights)"
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "JobPosting"
    assert data["title"] == "IV Room Technician (Nights)"


def test_the_same_search_works_with_javascript_off(live_server, browser, postings):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/jobs/?q=sterile+compounding")
        assert _count(page) == "2 jobs"

        page.locator("summary", has_text="Practice setting").click()
        page.get_by_label(re.compile(r"^Hospital")).check()
        page.get_by_role("button", name="Show jobs").click()

        page.wait_for_url(re.compile(r"setting=hospital"))
        assert _count(page) == "1 job"
        page.go_back()
        assert _count(page) == "2 jobs"
        page.get_by_role("link", name="IV Room Technician (Nights)").click()
        assert page.locator("h1").inner_text() == "IV Room Technician (Nights)"
        assert page.locator('script[type="application/ld+json"]').count() == 1
    finally:
        context.close()


def test_search_page_with_every_filter_has_no_axe_violations(live_server, page, postings):
    page.goto(f"{live_server.url}/jobs/?q=technician&near=78701&radius=30&sort=distance&setting=hospital&pay_min=abc")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
