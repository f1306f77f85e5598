"""Search speed: the search SQL and the whole /jobs/ request over a rotation of realistic queries.

    python -m bench.search --postings 100000        (make bench runs every size)

Loads N postings with seed_demo into a separate database (once; reused later), then runs every query of
the rotation REPEAT times after one warm-up, and prints p50 / p95 / max per query class in milliseconds, and
the CPU time of a whole /jobs/ request, Python (this process) and PostgreSQL (its backend, read from /proc:
the server must run on this machine) apart, as a mean per class: what bounds the searches two cores serve.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time

from bench.common import BASE_DIR, RESULTS_DIR, SMOKE, percentiles, save_result, use_bench_database

KEYWORD_CLASSES = {
    "common words": ["pharmacy technician", "technician", "pharmacy"],
    "rare words": ["nuclear", "radiopharmaceuticals", "omnicell", "oncology"],
    "phrases": ['"prior authorization"', '"iv room"', '"sterile compounding"'],
    "no-hit words": ["zyxwvut", "qwertyuiopasdf"],
}
FILTERS = [
    {},
    {"region": "US-TX"},
    {"setting": "hospital"},
    {"near": "Austin, TX", "radius": "50"},
    {"pay_min": "22"},
    {"setting": "hospital", "shift": "night", "pay_min": "22", "near": "Austin, TX", "radius": "100"},
]
SORTS = ["relevance", "newest", "pay"]
REPEAT = 1 if SMOKE else 3
SMOKE_PER_CLASS = 3  # the smoke run's searches of each class, spread over its filters and sorts


def rotation() -> list[tuple[str, dict]]:
    """(class, parameters) for every query of the rotation: well over 40."""
    queries = []
    for klass, words in KEYWORD_CLASSES.items():
        for word, filters, sort in itertools.product(words, FILTERS, SORTS):
            queries.append((klass, {"q": word, **filters, "sort": sort}))
    for filters in FILTERS[1:]:
        queries.append(("filters only", dict(filters)))
        queries.append(("filters only", {**filters, "sort": "pay"}))
    queries.append(("filters only", {"near": "Austin, TX", "radius": "50", "sort": "distance"}))
    queries.append(("browse (no filter)", {}))
    queries.append(("browse (no filter)", {"sort": "pay"}))
    for page in (10, 25, 50):
        queries.append(("deep pages", {"page": str(page)}))
        queries.append(("deep pages", {"q": "technician", "page": str(page)}))
        # With remote roles: California alone has no 50th page at 10k, now that they come only when asked for.
        queries.append(("deep pages", {"region": "US-CA", "remote": "1", "page": str(page), "sort": "pay"}))
    return queries


def measured_rotation() -> list[tuple[str, dict]]:
    """The rotation, or in the smoke run a few searches of each class of it."""
    queries = rotation()
    if not SMOKE:
        return queries
    chosen = []
    for klass in dict.fromkeys(klass for klass, _ in queries):
        of_class = [query for query in queries if query[0] == klass]
        step = max(1, len(of_class) // SMOKE_PER_CLASS)
        chosen += of_class[::step][:SMOKE_PER_CLASS]
    return chosen


def backend_cpu_reader():
    """A function giving the CPU seconds used so far by this process's PostgreSQL backend (user + system, from
    /proc, in clock ticks of 10 ms: exact as a mean over many requests), or None where /proc cannot tell."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = f"/proc/{cursor.fetchone()[0]}/stat"
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            with open(stat) as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks

    return read


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def measure(postings: int) -> dict:
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jobboard.startup import freeze_startup_objects
    from postings.filters import PostingFilter
    from postings.models import Posting
    from postings.search import posting_search

    client = Client()
    freeze_startup_objects()  # as jobboard/wsgi.py does for the server (after the test client's own imports)
    client.get("/healthz")  # opens the connection, so the backend's pid is the one the requests use
    backend_cpu = backend_cpu_reader()
    results: dict[str, dict[str, list[float]]] = {}
    slowest = (0.0, "", [])
    slowest_by_class: dict[str, dict] = {}  # for explain_slowest
    for klass, params in measured_rotation():
        data = QueryDict(mutable=True)
        data.update(params)
        for attempt in range(REPEAT + 1):
            started = time.perf_counter()
            filterset = PostingFilter(data)
            # What the results page runs: the bounded total, the facet counts, one page of cards.
            result = posting_search(filterset.criteria, order=filterset.order)
            result.postings(Posting.objects.open().for_cards())
            sql_ms = (time.perf_counter() - started) * 1000

            with CaptureQueriesContext(connection) as captured:
                database_before, python_before = backend_cpu(), time.process_time()
                started = time.perf_counter()
                response = client.get("/jobs/", params)
                request_ms = (time.perf_counter() - started) * 1000
                python_ms, database_after = (time.process_time() - python_before) * 1000, backend_cpu()
            # The smoke run's few postings have no 25th page: past its last page a search answers 404, saying so.
            expected = (200, 404) if SMOKE and "page" in params else (200,)
            assert response.status_code in expected, (params, response.status_code)
            if attempt == 0:
                continue  # warm-up: caches of the database and of Python
            samples = results.setdefault(klass, {"sql": [], "request": [], "python_cpu": [], "postgres_cpu": []})
            samples["sql"].append(sql_ms)
            samples["request"].append(request_ms)
            samples["python_cpu"].append(python_ms)
            if database_before is not None and database_after is not None:
                samples["postgres_cpu"].append((database_after - database_before) * 1000)
            if request_ms > slowest[0]:
                slowest = (request_ms, json.dumps(params), [q["sql"] for q in captured.captured_queries])
            if request_ms > slowest_by_class.get(klass, {}).get("ms", 0.0):
                slowest_by_class[klass] = {"ms": request_ms, "params": params}
        reset_queries()

    def cpu(samples: dict) -> dict:
        return {"python_ms": mean(samples["python_cpu"]), "postgres_ms": mean(samples["postgres_cpu"])}

    summary = {
        klass: {"sql": percentiles(s["sql"]), "request": percentiles(s["request"]), "cpu": cpu(s)}
        for klass, s in results.items()
    }
    every = {key: [ms for s in results.values() for ms in s[key]] for key in next(iter(results.values()))}
    summary["all queries"] = {"sql": percentiles(every["sql"]), "request": percentiles(every["request"]),
                              "cpu": cpu(every)}  # fmt: skip
    return {"postings": postings, "queries": len(measured_rotation()), "classes": summary,
            "slowest": {"ms": slowest[0], "params": slowest[1], "sql": slowest[2]},
            "slowest_by_class": slowest_by_class}  # fmt: skip


def print_table(report: dict) -> None:
    print(f"\nSearch at {report['postings']:,} postings ({report['queries']} queries x {REPEAT} runs), ms")
    print(f"{'class':<20} {'SQL p50':>8} {'p95':>8} {'max':>8}   {'request p50':>11} {'p95':>8} {'max':>8}"
          f"   {'CPU: Python':>11} {'PostgreSQL':>10} {'total':>6}")  # fmt: skip
    for klass, row in report["classes"].items():
        sql, req, cpu = row["sql"], row["request"], row["cpu"]
        database = cpu["postgres_ms"]
        print(
            f"{klass:<20} {sql['p50']:>8.1f} {sql['p95']:>8.1f} {sql['max']:>8.1f}   "
            f"{req['p50']:>11.1f} {req['p95']:>8.1f} {req['max']:>8.1f}   {cpu['python_ms']:>11.1f} "
            + (f"{database:>10.1f} {cpu['python_ms'] + database:>6.1f}" if database is not None else f"{'?':>10}")
        )
    print(f"slowest request: {report['slowest']['ms']:.1f} ms for {report['slowest']['params']}")


# -- The plan of the slowest search ------------------------------------------------------------------------


def explain_slowest(report: dict) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the candidates query (the planner's candidates, the one query of a
    search that reads many rows) of the slowest search of the class with the highest request p95."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from postings.filters import PostingFilter
    from postings.models import Posting
    from postings.search._planner import SearchPlan

    classes = {name: row for name, row in report["classes"].items() if name != "all queries"}
    klass = max(classes, key=lambda name: classes[name]["request"]["p95"])
    slowest = report["slowest_by_class"][klass]
    data = QueryDict(mutable=True)
    data.update(slowest["params"])
    filterset = PostingFilter(data)
    plan = SearchPlan(filterset.criteria, Posting.objects.open().for_cards(), order=filterset.order)
    # The statements top_candidates runs for this search (a walk, or a gathering within a window and, when that
    # finds too few, over every match), each explained as it ran.
    with CaptureQueriesContext(connection) as captured:
        plan.candidates  # noqa: B018
    statements = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT m.id")]
    explained = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            explained.append(sql + "\n\n" + "\n".join(row[0] for row in cursor.fetchall()))
    return (
        f"Slowest class at {report['postings']:,} postings: {klass} (request p95 {classes[klass]['request']['p95']:.1f}"
        f" ms); its slowest search: {json.dumps(slowest['params'])} ({slowest['ms']:.1f} ms)\n"
        f"Candidate ids, {len(statements)} statement(s):\n\n" + "\n\n".join(explained) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=int, default=10_000)
    args = parser.parse_args()
    use_bench_database(args.postings)
    os.environ["ANONYMOUS_CACHE_SECONDS"] = "0"  # the search, not the page cache: bench/http.py measures both
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # One connection throughout, as the production settings keep it (and its backend's CPU can be read).
    os.environ.setdefault("CONN_MAX_AGE", "600")
    report = measure(args.postings)
    save_result(f"search-{args.postings}", report)
    print_table(report)
    explained = explain_slowest(report)
    (RESULTS_DIR / f"explain-{args.postings}.txt").write_text(explained)
    print(f"\nEXPLAIN (ANALYZE, BUFFERS), saved to {RESULTS_DIR / f'explain-{args.postings}.txt'}\n{explained}")


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
