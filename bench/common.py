"""Shared set-up for benchmarks: a separate database per size, loaded once with seed_demo and reused.

Read from the environment (bench/__main__.py sets them for its parts):
- BENCH_DB_PREFIX: databases are `<prefix><N>` (default `jobboard_bench_`), so two checkouts can be benchmarked
  side by side on one server without sharing databases;
- BENCH_SMOKE=1: the smoke run: tiny sizes, databases `<prefix>smoke_<N>`, results outside the repository;
- BENCH_RESULTS_DIR, BENCH_IMAGES_DIR: where results and plots go (bench/results/ and docs/img/ by default).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SMOKE = os.environ.get("BENCH_SMOKE", "").strip().lower() not in ("", "0", "false", "no")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX") or "jobboard_bench_"
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", DB_PREFIX):  # it becomes part of a quoted identifier
    raise SystemExit(f"BENCH_DB_PREFIX {DB_PREFIX!r}: lower-case letters, digits and _ only, at most 41")
if SMOKE:
    DB_PREFIX += "smoke_"
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR") or BASE_DIR / "bench" / "results")
# A smoke run's plots are a check that they draw, not figures for the documentation.
IMAGES_DIR = Path(os.environ.get("BENCH_IMAGES_DIR") or (RESULTS_DIR / "img" if SMOKE else BASE_DIR / "docs" / "img"))


def database_name(postings: int | str) -> str:
    return f"{DB_PREFIX}{postings}"


def database_url(name: str) -> str:
    """DATABASE_URL with its database name replaced: same server, separate database."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jobboard")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def use_bench_database(postings: int) -> str:
    """This process's Django on `<prefix><postings>` (created and loaded if needed), with DEBUG off:
    the production code path, no query log. Returns the database URL."""
    os.environ["DATABASE_URL"] = ensure_database(database_name(postings), postings)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings.dev")
    os.environ["DEBUG"] = "false"
    return os.environ["DATABASE_URL"]


def save_result(name: str, report: dict) -> None:
    """A benchmark's report as <results>/<name>.json, which the summary and the plots read."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(report, indent=2))


def ensure_database(name: str, postings: int) -> str:
    """Create, migrate and seed the database `name` unless it already holds `postings` postings.

    The database's comment records the migrations it was migrated to and the demo code it was seeded by, so a
    run whose migrations are unchanged skips `migrate` (seconds per part). A smoke database seeded by other demo
    code is dropped and made anew (it is tiny), so the smoke run always measures data of the code as it is; a
    full-size one is kept (a million postings take minutes to load): drop it by hand to reload it."""
    import psycopg2

    url = database_url(name)
    # Third-party migrations come with the pinned requirements.
    schema = _fingerprint("*/migrations/*.py", "requirements.txt")
    seed = _fingerprint("*/migrations/*.py", "requirements.txt", "demo/**/*.py")
    admin = psycopg2.connect(_dsn(database_url("postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            marks = _database_marks(cursor, name)
            if marks is not None and SMOKE and marks.get("seed") != seed:
                print(f"{name} was seeded by other demo code: making it anew", flush=True)
                cursor.execute(f'DROP DATABASE "{name}"')
                marks = None
            if marks is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
                marks = {}
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jobboard.settings.dev"}
            manage = [sys.executable, str(BASE_DIR / "manage.py")]
            migrated = marks.get("schema") != schema
            if migrated:
                subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
            check = psycopg2.connect(_dsn(url))
            with check.cursor() as counting:
                counting.execute("SELECT count(*) FROM postings_posting")
                existing = counting.fetchone()[0]
            check.close()
            if existing != postings:
                if existing:
                    raise SystemExit(f"database {name} holds {existing} postings, not {postings}: drop it, run again")
                print(f"loading {postings:,} postings into {name} (once; later runs reuse it) ...", flush=True)
                subprocess.run([*manage, "seed_demo", "--postings", str(postings), "--seed", "1"], env=env, check=True)
                subprocess.run([*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"], env=env, check=True,
                               stdout=subprocess.DEVNULL)  # fmt: skip
                marks["seed"] = seed
            elif migrated and existing:
                # A migration that rewrites the postings table (a new column, a rebuilt generated column) leaves
                # it without statistics until autovacuum comes round: plans made meanwhile are not the ones
                # production sees after its own ANALYZE.
                print(f"analysing {name} after its migration ...", flush=True)
                subprocess.run([*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"], env=env, check=True,
                               stdout=subprocess.DEVNULL)  # fmt: skip
            cursor.execute(
                f'COMMENT ON DATABASE "{name}" IS %s', [f"bench schema={schema} seed={marks.get('seed', 'unknown')}"]
            )
    finally:
        admin.close()
    return url


def _database_marks(cursor, name: str) -> dict[str, str] | None:
    """{"schema": ..., "seed": ...} from the comment of the database `name`; None when there is no such database."""
    cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    row = cursor.fetchone()
    if row is None:
        return None
    comment = row[0] or ""
    return dict(item.split("=", 1) for item in comment.removeprefix("bench ").split() if "=" in item)


def _fingerprint(*patterns: str) -> str:
    """A digest of the files matching `patterns` (their paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted({path for pattern in patterns for path in BASE_DIR.glob(pattern) if path.is_file()}):
        digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


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
