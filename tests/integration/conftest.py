"""Real parts for integration tests: an SMTP sink (aiosmtpd) and a Celery worker process on real Redis.

The worker is a separate process using the same test database and broker as the test, so a test that
enqueues work must commit it (`transactional_db`) for the worker to see it.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from jobboard.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Keeps every message the board sends, parsed, for assertions."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.port = _free_port()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"expected {count} messages, the sink got {len(self.messages)}"
        return self.messages


@contextmanager
def smtp_serving(sink: SmtpSink):
    """The sink listening on its port for as long as the block runs."""
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_sink():
    with smtp_serving(SmtpSink()) as sink:
        yield sink


def _test_database_url() -> str:
    db = django_settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    if db.get("HOST"):
        return f"postgres://{user}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"postgres://{user}@/{db['NAME']}?host={db.get('OPTIONS', {}).get('host', '')}"


@pytest.fixture
def celery_worker(transactional_db, smtp_sink):
    """A real `celery worker` process: tasks enqueued by the test are sent over Redis and run there."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from an earlier run may reach this test's sink
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings.dev",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jobboard",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=environment,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        celery_app.conf.task_always_eager = True
