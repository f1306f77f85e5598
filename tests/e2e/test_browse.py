"""The seeker's first journey: home page, a job card, the posting; and axe-core on the public pages."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.factories import (
    CredentialOptionFactory,
    CredentialRequirementFactory,
    EmployerFactory,
    FilledPostingFactory,
    PublishedPostingFactory,
    credential_type,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": lambda p: "/",
    "list": lambda p: "/jobs/",
    "list with a filter error": lambda p: "/jobs/?setting=hospital&setting=nope&region=XX",
    "empty list": lambda p: "/jobs/?region=US-AK",
    "list page 2": lambda p: "/jobs/?page=2",
    "posting": lambda p: p["iv_room"].get_absolute_url(),
    "gone posting": lambda p: p["gone"].get_absolute_url(),
    "employer": lambda p: p["employer"].get_absolute_url(),
    "not found": lambda p: "/jobs/999999/nothing/",
}


@pytest.fixture
def postings(transactional_db):
    employer = EmployerFactory(name="Mercy Health", slug="mercy-health", verified=True)
    iv_room = PublishedPostingFactory(
        employer=employer,
        title="IV Room Pharmacy Technician",
        setting="hospital",
        shifts=["night", "weekend"],
        training_provided=True,
        exam_fee_paid=True,
        sign_on_bonus=1500,
        systems=["Epic Willow", "Pyxis"],
    )
    requirement = CredentialRequirementFactory(posting=iv_room)
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("nha-excpt"))
    others = [
        PublishedPostingFactory(employer=employer, title="Hospital Pharmacy Technician", setting="hospital"),
        PublishedPostingFactory(
            title="Remote Prior Authorization Technician", setting="pbm-insurance", arrangement="remote"
        ),
        # Older ones, so the list has a second page.
        *PublishedPostingFactory.create_batch(
            20, title="Retail Pharmacy Technician", published_at=timezone.now() - timedelta(days=5)
        ),
    ]
    gone = FilledPostingFactory(employer=employer, title="Filled Technician Job", setting="hospital")
    return {"iv_room": iv_room, "others": others, "gone": gone, "employer": employer}


def test_a_seeker_goes_from_the_home_page_to_a_posting(live_server, page, postings):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Find your next pharmacy technician job"

    page.get_by_role("link", name="IV Room Pharmacy Technician").click()

    page.wait_for_url(f"**{postings['iv_room'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == "IV Room Pharmacy Technician"
    assert page.get_by_text("PTCB CPhT or NHA ExCPT").is_visible()
    assert page.get_by_role("link", name="Apply now").get_attribute("href") == f"/jobs/{postings['iv_room'].pk}/apply/"


def test_the_home_search_box_leads_to_filtered_results(live_server, page, postings):
    page.goto(live_server.url + "/")

    page.get_by_label("Job title, keyword or employer").fill("iv")
    page.get_by_label("State or province", exact=True).select_option("US-TX")
    page.get_by_role("button", name="Search jobs").click()

    page.wait_for_url("**/jobs/?q=iv&region=US-TX")
    assert page.locator("h1").inner_text() == "Pharmacy technician jobs in Texas"
    assert page.locator("#results-count").inner_text() == "1 job"


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(live_server, page, postings):
    page.goto(live_server.url + "/jobs/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [1280, 360])
def test_public_pages_have_no_axe_violations(live_server, page, postings, width):
    """axe-core's WCAG 2.x A/AA and best-practice rules, on desktop and on a small phone."""
    page.set_viewport_size({"width": width, "height": 800})
    axe = Axe()
    reports = {}
    for name, path in PAGES.items():
        page.goto(live_server.url + path(postings))
        results = axe.run(page)
        if results.violations_count:
            reports[name] = results.generate_report()
    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"
