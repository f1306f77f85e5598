"""Browser tests: Chromium through Playwright's sync API against pytest-django's live server.

One browser per module and a fresh context (cookies, storage) per test; a real SMTP sink for the journeys
that read their emails.
"""

import os
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.e2e.support import SmtpSink, watch_csp_violations

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop running in this thread; Django would take that for async
    # code and refuse the ORM calls that the tests and their database set-up make.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            # Connections opened while Playwright's loop ran belong to that context: close them here, or the
            # test database cannot be dropped at the end of the session.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A page whose Content-Security-Policy violations fail the test: Chromium reports each as a console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp_violations(page)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations in the console"


@pytest.fixture
def smtp(settings, live_server):
    """A real SMTP sink; the live server's tasks run eagerly (test settings), so mail lands here at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = live_server.url  # links in the emails lead back to this server
    cache.clear()  # allauth's rate limits
    try:
        yield sink
    finally:
        controller.stop()
