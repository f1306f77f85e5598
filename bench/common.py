"""Shared set-up for benchmarks: a separate database per size, loaded once with seed_demo and reused."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"


def database_url(name: str) -> str:
    """DATABASE_URL with its database name replaced: same server, separate database."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jobboard")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def use_bench_database(postings: int) -> str:
    """This process's Django on `jobboard_bench_<postings>` (created and loaded if needed), with DEBUG off:
    the production code path, no query log. Returns the database URL."""
    os.environ["DATABASE_URL"] = ensure_database(f"jobboard_bench_{postings}", postings)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings.dev")
    os.environ["DEBUG"] = "false"
    return os.environ["DATABASE_URL"]


def save_result(name: str, report: dict) -> None:
    """A benchmark's report as bench/results/<name>.json, which the summary and the plots read."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(report, indent=2))


def ensure_database(name: str, postings: int) -> str:
    """Create, migrate and seed the database `name` unless it already holds `postings` postings."""
    import psycopg2

    url = database_url(name)
    admin = psycopg2.connect(_dsn(database_url("postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jobboard.settings.dev"}
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    check = psycopg2.connect(_dsn(url))
    with check.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM postings_posting")
        existing = cursor.fetchone()[0]
    check.close()
    if existing != postings:
        if existing:
            raise SystemExit(f"database {name} holds {existing} postings, not {postings}: drop it and run again")
        print(f"loading {postings:,} postings into {name} (once; later runs reuse it) ...", flush=True)
        subprocess.run([*manage, "seed_demo", "--postings", str(postings), "--seed", "1"], env=env, check=True)
        subprocess.run([*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return url


def _dsn(url: str) -> str:
    """psycopg2 DSN from a DATABASE_URL, including the `?host=/socket/dir` form of the embedded server."""
    import environ

    config = environ.Env.db_url_config(url)
    host = config.get("HOST") or config.get("OPTIONS", {}).get("host", "")
    parts = [f"dbname={config['NAME']}", f"user={config.get('USER') or 'postgres'}"]
    if host:
        parts.append(f"host={host}")
    if config.get("PORT"):
        parts.append(f"port={config['PORT']}")
    if config.get("PASSWORD"):
        parts.append(f"password={config['PASSWORD']}")
    return " ".join(parts)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
    }


# -- Processes ----------------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc (gunicorn's workers, a Celery worker's pool processes)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # exited meanwhile
            continue
        for line in status.splitlines():
            if line.startswith("PPid:"):
                if int(line.split()[1]) == pid:
                    children.append(int(entry.name))
                break
    return sorted(children)


def process_memory(pid: int) -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident memory of a live process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)  # kB
    return {"pid": pid, "peak_mb": fields["VmHWM"], "rss_mb": fields["VmRSS"]}


def process_tree_memory(pid: int) -> dict:
    """The memory of a parent process and of each of its children, read while they still run."""
    children = []
    for child in child_pids(pid):
        try:
            children.append(process_memory(child))
        except FileNotFoundError:  # exited meanwhile
            continue
    return {"parent": process_memory(pid), "children": children}


# -- A real Celery worker sending to an SMTP sink in this process ----------------------------------------------


class CountingSink:
    """An SMTP sink that only counts recipients: the board's side is what is measured."""

    def __init__(self) -> None:
        self.recipients: dict[str, int] = {}
        self.lock = threading.Lock()
        self.first = self.last = 0.0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            now = time.perf_counter()
            self.first = self.first or now
            self.last = now
            for recipient in envelope.rcpt_tos:
                self.recipients[recipient] = self.recipients.get(recipient, 0) + 1
        return "250 OK"

    @property
    def total(self) -> int:
        return sum(self.recipients.values())


@contextlib.contextmanager
def celery_worker_with_sink(environment: dict, *, concurrency: int, log: Path | None = None):
    """A `celery worker` (prefork, `concurrency` processes) whose email goes to a CountingSink in this process;
    yields (worker process, sink) once the worker answers a ping, and stops both on leaving, whatever happens."""
    from aiosmtpd.controller import Controller

    from jobboard.celery import app as celery_app

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # not every line of the sink's SMTP conversations
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    command = [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool", "prefork", "--concurrency",
               str(concurrency), "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]  # fmt: skip
    output = open(log, "ab") if log else None  # noqa: SIM115 - closed below, after the worker
    worker = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env={**environment, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "LOG_LEVEL": "WARNING"},
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        start_new_session=True,  # its own process group: the pool goes with it
    )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start" + (f"; see {log}" if log else ""))
        yield worker, sink
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=5)
        controller.stop()
        if output:
            output.close()
