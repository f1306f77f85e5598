"""The board's own pages in Chromium at a desktop and a phone width: contact, terms, privacy, the employer landing
page and directory, a company page, the password reset page; the footer of a signed-in user; a filled posting's
dashboard page. axe-core on each, and no horizontal overflow."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from employers.models import EmployerMember
from postings.services.workflow import posting_fill
from tests.e2e.support import PASSWORD, shot
from tests.factories import EmployerFactory, EmployerMemberFactory, PublishedPostingFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board(transactional_db):
    from allauth.account.models import EmailAddress

    owner = UserFactory(email="owner@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    employer = EmployerFactory(
        name="Gulf Coast Rx",
        slug="gulf-coast-rx",
        locations=["Houston, TX", "Pasadena, TX"],
        website="https://gc.example",
    )
    EmployerMemberFactory(employer=employer, user=owner, role=EmployerMember.Role.OWNER)
    PublishedPostingFactory(employer=employer, title="Retail Technician")
    filled = PublishedPostingFactory(employer=employer, title="IV Room Technician")
    posting_fill(posting=filled, by=owner)
    return owner, employer, filled


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_boards_pages_read_well_and_pass_axe(live_server, page, board, width):
    cache.clear()
    url = live_server.url
    owner, employer, filled = board
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    reports, overflowing = {}, []

    def visit(name, path):
        page.goto(url + path)
        shot(page, f"board-{name}-{width}")
        if (results := axe.run(page)).violations_count:
            reports[name] = results.generate_report()
        if not no_overflow(page):
            overflowing.append(name)

    visit("contact", "/contact/")
    assert page.get_by_role("heading", level=1).inner_text() == "Contact us"
    visit("terms", "/terms/")
    visit("privacy", "/privacy/")
    visit("reset", "/accounts/password/reset/")
    assert page.get_by_role("button", name="Email me a reset link").is_visible()
    page.get_by_role("main").get_by_role("link", name="Contact us").click()
    page.wait_for_url("**/contact/")

    # "For employers" is a page that says what the board offers, with a way in.
    page.goto(url + "/")
    page.get_by_role("link", name="For employers").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hire pharmacy technicians"
    visit("employer-landing", "/employer/")
    page.get_by_role("link", name="employer directory").click()
    page.wait_for_url("**/employers/")
    visit("directory", "/employers/")
    page.get_by_role("link", name="Gulf Coast Rx").click()
    page.wait_for_url(f"**/employers/{employer.slug}/")
    data = json.loads(page.locator("script[type='application/ld+json']").first.text_content())
    assert (data["@type"], data["name"]) == ("Organization", "Gulf Coast Rx")
    visit("company", f"/employers/{employer.slug}/")
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="Sign in").count() == 1

    # Signed in: the footer no longer offers to sign in; a filled posting says when it was filled.
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")
    assert footer.get_by_role("link", name="Sign in").count() == 0
    assert footer.get_by_role("link", name="My jobs").is_visible()
    visit("filled-posting", f"/employer/{employer.slug}/postings/{filled.pk}/")
    facts = page.locator("dl.facts").inner_text().lower()  # drawn in capitals
    assert "filled" in facts
    assert "expires" not in facts

    for name, report in reports.items():
        print(f"--- {name} ({width}px)\n{report}")
    assert not reports, f"axe violations on: {', '.join(reports)}"
    assert not overflowing, f"wider than the screen at {width}px: {', '.join(overflowing)}"
