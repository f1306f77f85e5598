"""`make bench`: every benchmark, each size, one summary table at the end.

Set BENCH_SIZES (e.g. "10000,100000") to run fewer sizes; the default is 10k, 100k and 1M postings.
search and naive run at every size; alerts (matching) and http at the largest size; plots last.
Set BENCH_ONLY to run some parts only, e.g. BENCH_ONLY=http,naive: search, naive, alerts, http, plots.
The summary reads the latest result files of the sizes asked for, so it also shows parts not rerun.

The databases are `<BENCH_DB_PREFIX><N>` (default prefix `jobboard_bench_`, so `jobboard_bench_1000000`) on the
server of DATABASE_URL. To compare two commits on one server, give the other checkout (a `git worktree` of the
old commit) a prefix of its own, e.g. BENCH_DB_PREFIX=jobboard_bench_old_, so neither run reads or alters the
other's databases.

`python -m bench --smoke` (or BENCH_SMOKE=1) is the smoke run that `make test` runs: every part, at 300 postings
and a handful of searches, alerts and seconds of load each, on databases `<prefix>smoke_<N>`, its results and
plots in a temporary directory (BENCH_RESULTS_DIR if set) instead of bench/results/ and docs/img/. It fails when
a part fails or leaves no result, so a change that breaks a benchmark shows up in the tests, not months later.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARTS = ["search", "naive", "alerts", "http", "plots"]
SMOKE_POSTINGS = 300
SMOKE_PART_SECONDS = 300  # a part of the smoke run that hangs fails instead of holding up the tests


def parts() -> list[str]:
    asked = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
    unknown = set(asked) - set(PARTS)
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    return [part for part in PARTS if part in asked] if asked else PARTS


def main() -> int:
    if "--smoke" in sys.argv[1:]:
        os.environ["BENCH_SMOKE"] = "1"
    unknown = [argument for argument in sys.argv[1:] if argument != "--smoke"]
    if unknown:
        raise SystemExit(f"python -m bench: unknown argument(s) {' '.join(unknown)} (only --smoke)")
    smoke = os.environ.get("BENCH_SMOKE", "").strip().lower() not in ("", "0", "false", "no")
    if smoke and not os.environ.get("BENCH_RESULTS_DIR"):
        with tempfile.TemporaryDirectory(prefix="bench-smoke-") as directory:
            os.environ["BENCH_RESULTS_DIR"] = directory
            return run(smoke=True)
    return run(smoke=smoke)


def run(*, smoke: bool) -> int:
    # Imported only now: bench.common reads BENCH_SMOKE and BENCH_RESULTS_DIR when it is imported.
    from bench.common import BASE_DIR, DB_PREFIX, IMAGES_DIR, RESULTS_DIR

    asked = os.environ.get("BENCH_SIZES", "10000,100000,1000000")
    sizes = [SMOKE_POSTINGS] if smoke else [int(size) for size in asked.split(",")]
    chosen, largest = parts(), max(sizes)
    if smoke:
        print(f"Smoke run: {SMOKE_POSTINGS} postings in {DB_PREFIX}{SMOKE_POSTINGS}, results in {RESULTS_DIR}",
              flush=True)  # fmt: skip
    commands = []
    for size in sizes:
        commands += [(part, ["-m", f"bench.{part}", "--postings", str(size)]) for part in ("search", "naive")]
    # Job alerts: matching in the largest database, delivery through a real worker.
    commands.append(("alerts", ["-m", "bench.alerts", "--postings", str(largest)]))
    commands.append(("http", ["-m", "bench.http", "--postings", str(largest)]))
    commands.append(("plots", ["-m", "bench.plots"]))
    failed, started = [], time.time()
    for part, arguments in commands:
        if part not in chosen:
            continue
        # One failing part (wrk missing, a timeout) leaves the others to run and the summary to print.
        name, began = " ".join(arguments[1:]), time.monotonic()
        try:
            returncode = subprocess.run([sys.executable, *arguments], cwd=BASE_DIR, check=False,
                                        timeout=SMOKE_PART_SECONDS if smoke else None).returncode  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"\n{name}: no end after {SMOKE_PART_SECONDS} s", flush=True)
            returncode = -1
        print(f"[{name}: {'failed' if returncode else 'done'} in {time.monotonic() - began:.0f} s]", flush=True)
        if returncode:
            failed.append(name)
    summary(sizes, RESULTS_DIR)
    if smoke:
        # Written by this run: a results directory given again keeps the last run's files.
        wanted = [RESULTS_DIR / name for name in expected_results(chosen, sizes)]
        wanted += [IMAGES_DIR / name for name in expected_plots(chosen)]
        missing = [str(path) for path in wanted if not path.exists() or path.stat().st_mtime < started - 1]
        if missing:
            failed.append("no result: " + ", ".join(missing))
    if failed:
        print("\nFAILED: " + "; ".join(failed))
    return 1 if failed else 0


def expected_results(chosen: list[str], sizes: list[int]) -> list[str]:
    """The result files the chosen parts write (in the results directory)."""
    names = []
    for size in sizes:
        names += [f"{part}-{size}.json" for part in ("search", "naive") if part in chosen]
    if "alerts" in chosen:
        names.append("alerts.json")
    if "http" in chosen:
        names.append(f"http-{max(sizes)}.json")
    return names


def expected_plots(chosen: list[str]) -> list[str]:
    if "plots" not in chosen:
        return []
    drawn = {"search": "search-latency.png", "naive": "naive-ratio.png", "alerts": "alerts-matching.png"}
    return [image for part, image in drawn.items() if part in chosen]


def _load(results: Path, name: str) -> dict | None:
    path = results / name
    return json.loads(path.read_text()) if path.exists() else None


def summary(sizes: list[int], results: Path) -> None:
    from bench.alerts import print_table as print_alerts_table
    from bench.http import print_table as print_http_table

    print("\n" + "=" * 40 + " Summary " + "=" * 40)
    searches = {size: _load(results, f"search-{size}.json") for size in sizes}
    print("\n/jobs/ whole request, p95 ms per query class (bench/search.py)")
    print(f"{'class':<20}" + "".join(f"{size:>12,}" for size in sizes))
    classes = dict.fromkeys(name for report in searches.values() if report for name in report["classes"])
    for klass in classes:
        cells = []
        for size in sizes:
            row = (searches[size] or {}).get("classes", {}).get(klass)
            cells.append(f"{row['request']['p95']:>12.1f}" if row else f"{'-':>12}")
        print(f"{klass:<20}" + "".join(cells))

    naives = {size: _load(results, f"naive-{size}.json") for size in sizes}
    print("\nNaive baseline: SQL p95 ms, naive / ours = ratio, per keyword class (bench/naive.py)")
    print(f"{'class':<16}" + "".join(f"{size:>26,}" for size in sizes))
    classes = dict.fromkeys(name for report in naives.values() if report for name in report["classes"])
    for klass in classes:
        cells = []
        for size in sizes:
            row = (naives[size] or {}).get("classes", {}).get(klass)
            if row:
                timeout = "+" if row["timeouts"] else ""  # some naive statements were cancelled: a lower bound
                text = f"{row['naive']['p95']:,.0f}{timeout} / {row['ours']['p95']:,.0f} = {row['ratio_p95']:.1f}x"
            else:
                text = "-"
            cells.append(f"{text:>26}")
        print(f"{klass:<16}" + "".join(cells))

    alerts = _load(results, "alerts.json")
    if alerts:
        print_alerts_table(alerts)
    else:
        print("\nJob alerts: no results (python -m bench.alerts)")
    http = next((report for size in sorted(sizes, reverse=True) if (report := _load(results, f"http-{size}.json"))),
                None)  # fmt: skip
    if http:
        print_http_table(http)
    else:
        print("\nHTTP: no results (python -m bench.http)")


if __name__ == "__main__":
    sys.exit(main())
