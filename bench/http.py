"""HTTP load on the production configuration: requests per second, latency and memory.

    python -m bench.http --postings 100000           (make bench runs it at the largest of BENCH_SIZES)
    BENCH_HTTP_SECONDS=5 BENCH_HTTP_WARMUP=2 python -m bench.http --postings 10000       (quicker)

gunicorn serves jobboard.wsgi with jobboard.settings.production: DEBUG off, a generated SECRET_KEY, persistent
database connections, whitenoise, plain http on 127.0.0.1 (SECURE_SSL_REDIRECT off). wrk (bench/wrk.lua)
drives four scenarios, each rotating through its own paths:

- home: `/`
- jobs: `/jobs/` with about 600 distinct searches: bench/search.py's rotation, then seekers' searches drawn as
  bench/alerts.py draws them (places weighted by their postings, settings, keywords, pay floors), in varied sorts
  and pages, so that a page cache cannot serve them all from a few entries
- posting: the pages of 300 open postings
- feed: `/jobs/feed/` for 8 searches

Each scenario: the Redis database is flushed, a warm-up, a run at a fixed request rate (BENCH_HTTP_RATES) and an
unpaced run (the most it serves). All of it twice: with the anonymous page cache off (ANONYMOUS_CACHE_SECONDS=0:
every request rendered, the cold figure) and at the settings' default (docs/caching.md). Then the peak memory
of gunicorn's master and workers, and of a Celery worker (2 processes) that sent a few hundred emails to an SMTP
sink.

Settings (environment): BENCH_HTTP_SECONDS (20), BENCH_HTTP_WARMUP (5), BENCH_HTTP_RATES
("home=100,jobs=150,posting=300,feed=50"), BENCH_HTTP_SCENARIOS (all four), BENCH_HTTP_CONNECTIONS (16),
BENCH_HTTP_THREADS (2, wrk's), BENCH_HTTP_WORKERS (3), BENCH_HTTP_WORKER_CLASS (sync) and BENCH_HTTP_WORKER_THREADS
(1, gunicorn's threads per worker, for gthread), BENCH_HTTP_EMAILS (300).

The Redis database of REDIS_URL is flushed before each scenario: give the benchmark a database of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench.common import (
    BASE_DIR,
    SMOKE,
    celery_worker_with_sink,
    child_pids,
    database_name,
    ensure_database,
    free_port,
    process_tree_memory,
    save_result,
)

LUA = BASE_DIR / "bench" / "wrk.lua"
SCENARIOS = ["home", "jobs", "posting", "feed"]
RATES = {"home": 100, "jobs": 150, "posting": 300, "feed": 50}  # requests per second of the paced runs
# The smoke run (BENCH_SMOKE=1): one second of each scenario, unpaced only, to prove that every piece runs.
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "1" if SMOKE else "20"))
WARMUP = int(os.environ.get("BENCH_HTTP_WARMUP", "0" if SMOKE else "5"))
# The smoke run's few connections are served at once, so even a busy machine answers some in its second.
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "2" if SMOKE else "16"))
THREADS = int(os.environ.get("BENCH_HTTP_THREADS", "1" if SMOKE else "2"))
# 3 sync workers, as the Procfile deploys. On 2 cores shared with PostgreSQL, Redis and wrk, a request's CPU
# time is mostly Python in its worker (the ORM, the templates); while one worker waits for the database (the
# other core), a third has Python to run. More workers add context switches and memory, not throughput;
# threads (gthread) only take turns on the GIL for this CPU-bound Python: measured, docs/benchmarks.md.
WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", "2" if SMOKE else "3"))
WORKER_CLASS = os.environ.get("BENCH_HTTP_WORKER_CLASS", "sync")
WORKER_THREADS = int(os.environ.get("BENCH_HTTP_WORKER_THREADS", "1"))
EMAILS = int(os.environ.get("BENCH_HTTP_EMAILS", "20" if SMOKE else "300"))
JOBS_PATHS = 60 if SMOKE else 600
POSTING_PATHS = 30 if SMOKE else 300
FEED_SEARCHES = [
    {},
    {"q": "technician"},
    {"region": "US-TX"},
    {"setting": "hospital"},
    {"q": '"iv room"'},
    {"q": "pharmacy technician", "region": "US-CA"},
    {"near": "Austin, TX", "radius": "50"},
    {"setting": "hospital", "pay_min": "22"},
]
# (label, ANONYMOUS_CACHE_SECONDS for the server; None = the settings' default)
CACHE_MODES = [("off", "0"), ("default", None)]


def rates() -> dict[str, int]:
    configured = dict(RATES)
    for item in filter(None, os.environ.get("BENCH_HTTP_RATES", "").split(",")):
        name, _, rate = item.partition("=")
        configured[name.strip()] = int(rate)
    return configured


def scenarios() -> list[str]:
    chosen = os.environ.get("BENCH_HTTP_SCENARIOS", ",".join(SCENARIOS)).split(",")
    return [name for name in SCENARIOS if name in chosen]


# -- What the scenarios ask for ------------------------------------------------------------------------------


def search_path(base: str, params: dict) -> str:
    if SMOKE:
        # The smoke run's few postings have no second page: past the last, a search answers 404, saying so.
        params = {name: value for name, value in params.items() if name != "page"}
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


def jobs_paths(count: int = JOBS_PATHS) -> list[str]:
    from bench.alerts import _weighted_places, random_params
    from bench.search import rotation

    paths = dict.fromkeys(search_path("/jobs/", params) for _, params in rotation())
    rng = random.Random(7)
    places = _weighted_places()
    while len(paths) < count:
        params = random_params(rng, places)
        params["sort"] = rng.choice(["relevance", "newest", "pay"] if params.get("q") else ["newest", "newest", "pay"])
        if rng.random() < 0.2:
            params["page"] = str(rng.choice([2, 2, 3, 5]))
        paths[search_path("/jobs/", params)] = None
    shuffled = list(paths)
    rng.shuffle(shuffled)  # a mix of classes, as visitors send them
    return shuffled


def posting_paths(count: int = POSTING_PATHS) -> list[str]:
    """The pages of `count` open postings drawn at random (the same ones on every run of a database)."""
    from django.db import connection

    from postings.models import Posting

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        postings = list(Posting.objects.open().only("id", "slug").order_by("?")[:count])
    return [posting.get_absolute_url() for posting in postings]


def feed_paths() -> list[str]:
    return [search_path("/jobs/feed/", params) for params in FEED_SEARCHES]


# -- Processes -----------------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Run in the child before exec: SIGTERM it if the benchmark dies, even of SIGKILL (PR_SET_PDEATHSIG)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def _start(command: list[str], *, environment: dict, log: Path) -> subprocess.Popen:
    """A child in a process group of its own, so it and its children can be stopped together."""
    with open(log, "ab") as output:
        return subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_die_with_parent)  # fmt: skip


def _stop(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """SIGTERM to the parent (gunicorn and Celery then stop their children gracefully), SIGKILL to whatever of
    its group is left after `timeout`: no orphan survives the benchmark."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def server_environment(*, database: str, redis_url: str, cache_seconds: str | None) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "false",  # plain http on the loopback; everything else as deployed
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
    }
    environment.pop("ANONYMOUS_CACHE_SECONDS", None)
    if cache_seconds is not None:
        environment["ANONYMOUS_CACHE_SECONDS"] = cache_seconds
    return environment


class Gunicorn:
    """gunicorn on a free loopback port, from start to a healthy /healthz, stopped on leaving the block.

    The production settings name static files by the manifest that collectstatic writes, so it runs first, as
    the Procfile does, into a temporary STATIC_ROOT of the server's own (BASE_DIR/staticfiles is a deploy's).
    """

    def __init__(self, environment: dict, log: Path) -> None:
        self.environment, self.log = environment, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment["SITE_URL"] = self.url
        self.process: subprocess.Popen | None = None
        self.booted: list[int] = []
        self.static_root = tempfile.TemporaryDirectory(prefix="bench-static-")
        self.environment["STATIC_ROOT"] = self.static_root.name

    def __enter__(self) -> Gunicorn:
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v0"],
                       env=self.environment, check=True)  # fmt: skip
        command = [sys.executable, "-m", "gunicorn", "jobboard.wsgi", "--workers", str(WORKERS),
                   "--worker-class", WORKER_CLASS, "--threads", str(WORKER_THREADS),
                   "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "-"]  # fmt: skip
        self.process = _start(command, environment=self.environment, log=self.log)
        try:
            self._wait_until_healthy()
        except BaseException:
            _stop(self.process)
            raise
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.process)
        self.static_root.cleanup()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{_tail(self.log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz in 90 s:\n{_tail(self.log)}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    workers = child_pids(self.process.pid)
                    if response.status == 200 and len(workers) == WORKERS:
                        self.booted = workers
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)

    def memory(self) -> dict:
        tree = process_tree_memory(self.process.pid)
        # A worker killed by gunicorn's timeout and replaced would take its peak with it: say so.
        tree["replaced_workers"] = len(set(self.booted) - {child["pid"] for child in tree["children"]})
        return tree


def flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def wrk(url: str, paths: Path, *, rate: int, seconds: int) -> dict:
    """One wrk run; `rate` 0 is unpaced (as fast as the server answers)."""
    command = ["wrk", "--threads", str(THREADS), "--connections", str(CONNECTIONS), "--duration", f"{seconds}s",
               "--timeout", "10s", "--script", str(LUA), url, "--", str(paths), str(rate), str(THREADS)]  # fmt: skip
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120,
                                   preexec_fn=_die_with_parent)  # fmt: skip
    except FileNotFoundError:
        raise RuntimeError("wrk is not installed: `make bench` installs it, or run 'apt-get install -y wrk'") from None
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if completed.returncode or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    latency, errors = raw["latency_us"], raw["errors"]
    duration = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(duration, 2),
        "rps": round(raw["requests"] / duration, 1),
        **{f"{name}_ms": round(latency[name] / 1000, 1) for name in ("p50", "p90", "p95", "p99", "max")},
        "mean_ms": round(latency["mean"] / 1000, 1),
        # Connections refused or cut, answers past the timeout, and any answer other than 2xx.
        "errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"] + raw["non2xx"],
        "error_detail": {**errors, "non2xx": raw["non2xx"]},
        # Share of answers served from the page cache (they carry an Age header).
        "cached_share": round(raw["cached"] / raw["requests"], 3) if raw["requests"] else 0.0,
    }


# -- A Celery worker's memory --------------------------------------------------------------------------------


def celery_memory(environment: dict, *, redis_url: str, emails: int, log: Path) -> dict:
    """Start `celery -A jobboard worker --concurrency 2` with the server's environment, have it send `emails`
    rendered test emails to an SMTP sink in this process, and read its processes' peak memory."""
    from jobboard.mail import email_queue, email_render

    flush(redis_url)
    with celery_worker_with_sink(environment, concurrency=2, log=log) as (worker, sink):
        started = time.perf_counter()
        for number in range(emails):
            to = f"seeker{number}@bench.example"
            subject, text, html = email_render(template="test", context={"recipient": to})
            email_queue(to=[to], subject=subject, text=text, html=html)
        deadline = time.monotonic() + 120
        while sink.total < emails and time.monotonic() < deadline:
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        memory = process_tree_memory(worker.pid)
    return {"emails": sink.total, "asked": emails, "seconds": round(seconds, 2), "concurrency": 2, "memory": memory}


# -- Running it ----------------------------------------------------------------------------------------------


def measure(postings: int, database: str) -> dict:
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "jobboard.settings.dev"  # this process only builds paths and emails
    os.environ["DEBUG"] = "false"
    os.environ.pop("ANONYMOUS_CACHE_SECONDS", None)  # "default" means the settings' own default
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    redis_url = settings.REDIS_URL
    paths = {"home": ["/"], "jobs": jobs_paths(), "posting": posting_paths(), "feed": feed_paths()}
    connection.close()
    configured_rates = rates()
    report: dict = {
        "postings": postings,
        "workers": WORKERS,
        "worker_class": WORKER_CLASS,
        "worker_threads": WORKER_THREADS,
        "threads": THREADS,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "warmup_seconds": WARMUP,
        "page_cache_default_seconds": settings.ANONYMOUS_CACHE_SECONDS,
        "distinct_paths": {name: len(paths[name]) for name in paths},
        "runs": [],
        "memory": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        files = {}
        for name, items in paths.items():
            files[name] = Path(directory) / f"{name}.txt"
            files[name].write_text("\n".join(items) + "\n")
        for cache, cache_seconds in CACHE_MODES:
            environment = server_environment(database=database, redis_url=redis_url, cache_seconds=cache_seconds)
            log = Path(directory) / f"gunicorn-{cache}.log"
            with Gunicorn(environment, log) as server:
                print(f"  gunicorn ({WORKERS} {WORKER_CLASS} workers x {WORKER_THREADS} threads, page cache {cache}) "
                      f"on {server.url}", flush=True)  # fmt: skip
                for scenario in scenarios():
                    rate = configured_rates[scenario]
                    flush(redis_url)
                    if WARMUP:
                        wrk(server.url, files[scenario], rate=rate, seconds=WARMUP)
                    else:  # at least the first render of the scenario's templates before the clock runs
                        for path in paths[scenario][:WORKERS]:
                            urllib.request.urlopen(server.url + path, timeout=60).close()
                    for target in (0,) if SMOKE else (rate, 0):
                        result = wrk(server.url, files[scenario], rate=target, seconds=SECONDS)
                        row = {"scenario": scenario, "cache": cache, "target_rate": target or None, **result}
                        report["runs"].append(row)
                        print("  " + _row(row), flush=True)
                report["memory"][f"gunicorn, page cache {cache}"] = server.memory()
            if server.process.returncode not in (0, -signal.SIGTERM):
                print(f"  gunicorn ended with {server.process.returncode}:\n{_tail(log)}", flush=True)
        print(f"  Celery worker: sending {EMAILS} emails ...", flush=True)
        report["celery"] = celery_memory(environment, redis_url=redis_url, emails=EMAILS,
                                         log=Path(directory) / "celery.log")  # fmt: skip
    report["memory"]["celery worker (2 processes)"] = report["celery"].pop("memory")
    return report


HEADER = (
    f"{'scenario':<9} {'page cache':<10} {'rate':>6} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
    f"{'errors':>7} {'cached':>7}"
)


def _row(row: dict) -> str:
    rate = f"{row['target_rate']}/s" if row["target_rate"] else "max"
    return (
        f"{row['scenario']:<9} {row['cache']:<10} {rate:>6} {row['rps']:>8.1f} {row['p50_ms']:>7.1f} "
        f"{row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['max_ms']:>7.1f} {row['errors']:>7} "
        f"{row.get('cached_share', 0):>7.0%}"
    )


def print_table(report: dict) -> None:
    default = f"{report['page_cache_default_seconds']} s"
    print(f"\nHTTP at {report['postings']:,} postings: gunicorn {report['workers']} "
          f"{report.get('worker_class', 'sync')} workers x {report.get('worker_threads', 1)} threads, "
          f"production settings; "
          f"wrk {report['threads']} threads x {report['connections']} connections, {report['seconds']} s per run "
          f"after {report['warmup_seconds']} s of warm-up; page cache off, or its default ({default}). ms; "
          f"latency includes the wait in the accept queue; cached: answers served from the page cache")  # fmt: skip
    print(HEADER)
    for row in report["runs"]:
        print(_row(row))
    print_memory(report)


def print_memory(report: dict) -> None:
    print("\nMemory, MB: peak (VmHWM) / now (VmRSS); shared pages count in each process")
    for group, tree in report["memory"].items():
        parent, gunicorn = tree["parent"], group.startswith("gunicorn")
        parts = [f"{'master' if gunicorn else 'main'} {parent['peak_mb']:.0f} / {parent['rss_mb']:.0f}"]
        parts += [f"{'worker' if gunicorn else 'pool'} {child['peak_mb']:.0f} / {child['rss_mb']:.0f}"
                  for child in tree["children"]]  # fmt: skip
        if tree.get("replaced_workers"):
            parts.append(f"{tree['replaced_workers']} replaced during the run: their peaks are lost")
        print(f"  {group}: " + ", ".join(parts))
    celery = report.get("celery")
    if celery:
        print(f"  (the Celery worker sent {celery['emails']} of {celery['asked']} emails in {celery['seconds']} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=10_000)
    args = parser.parse_args()
    # SIGTERM (a CI cancel, `kill`) unwinds through the finally blocks that stop gunicorn and the worker.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    database = ensure_database(database_name(args.postings), args.postings)
    print(f"HTTP load at {args.postings:,} postings ...", flush=True)
    report = measure(args.postings, database)
    save_result(f"http-{args.postings}", report)
    print_table(report)


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
