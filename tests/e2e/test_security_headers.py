"""The Content-Security-Policy holds in a real browser: pages with htmx and JSON-LD raise no violation (the
`page` fixture fails any test that does), and an injected inline script is refused and reported."""

import re

import pytest

from tests.e2e.support import PASSWORD, watch_csp_violations
from tests.factories import PublishedPostingFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_reported(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    violations = watch_csp_violations(page)
    page.goto(f"{live_server.url}/jobs/")

    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "document.body.dataset.injected = 'ran'";
        document.head.appendChild(script);
    }""")
    page.wait_for_timeout(200)

    assert page.evaluate("document.body.dataset.injected") is None
    assert any("inline script" in violation for violation in violations)
    context.close()


def test_public_pages_and_the_admin_raise_no_violation(page, live_server):
    """The `page` fixture fails this test on any violation; the search journey (test_search) covers htmx."""
    from allauth.account.models import EmailAddress

    posting = PublishedPostingFactory(title="IV Room Technician")
    admin = UserFactory(email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)

    for path in ["/", "/employers/", "/accounts/signup/", posting.get_absolute_url()]:
        page.goto(f"{live_server.url}{path}")
    assert page.locator('script[type="application/ld+json"]').count() == 1  # allowed: data, not a script

    page.goto(f"{live_server.url}/admin/alerts/alert/")  # through allauth's sign-in, then our admin template
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/alerts/alert/$"))
    assert page.get_by_text("Alerts by status").is_visible()
    page.goto(f"{live_server.url}/admin/postings/posting/{posting.pk}/change/")
    assert page.locator("h1").first.is_visible()
