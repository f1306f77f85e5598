"""`make bench`: every benchmark, each size, one summary table at the end.

Set BENCH_SIZES (e.g. "10000,100000") to run fewer sizes; the default is 10k, 100k and 1M postings.
search and naive run at every size; alerts (matching) and http at the largest size; plots last.
Set BENCH_ONLY to run some parts only, e.g. BENCH_ONLY=http,naive: search, naive, alerts, http, plots.
The summary reads the latest result files of the sizes asked for, so it also shows parts not rerun.
"""

import json
import os
import subprocess
import sys

from bench.common import BASE_DIR, RESULTS_DIR

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
PARTS = ["search", "naive", "alerts", "http", "plots"]


def parts() -> list[str]:
    asked = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
    unknown = set(asked) - set(PARTS)
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    return [part for part in PARTS if part in asked] if asked else PARTS


def main() -> int:
    chosen, largest = parts(), max(SIZES)
    commands = []
    for size in SIZES:
        commands += [(part, ["-m", f"bench.{part}", "--postings", str(size)]) for part in ("search", "naive")]
    # Job alerts: matching in the largest database, delivery through a real worker.
    commands.append(("alerts", ["-m", "bench.alerts", "--postings", str(largest)]))
    commands.append(("http", ["-m", "bench.http", "--postings", str(largest)]))
    commands.append(("plots", ["-m", "bench.plots"]))
    failed = []
    for part, arguments in commands:
        if part not in chosen:
            continue
        # One failing part (wrk missing, a timeout) leaves the others to run and the summary to print.
        if subprocess.run([sys.executable, *arguments], cwd=BASE_DIR, check=False).returncode:
            failed.append(" ".join(arguments[1:]))
    summary()
    if failed:
        print("\nFAILED: " + "; ".join(failed))
    return 1 if failed else 0


def _load(name: str) -> dict | None:
    path = RESULTS_DIR / name
    return json.loads(path.read_text()) if path.exists() else None


def summary() -> None:
    from bench.alerts import print_table as print_alerts_table
    from bench.http import print_table as print_http_table

    print("\n" + "=" * 40 + " Summary " + "=" * 40)
    searches = {size: _load(f"search-{size}.json") for size in SIZES}
    print("\n/jobs/ whole request, p95 ms per query class (bench/search.py)")
    print(f"{'class':<20}" + "".join(f"{size:>12,}" for size in SIZES))
    classes = dict.fromkeys(name for report in searches.values() if report for name in report["classes"])
    for klass in classes:
        cells = []
        for size in SIZES:
            row = (searches[size] or {}).get("classes", {}).get(klass)
            cells.append(f"{row['request']['p95']:>12.1f}" if row else f"{'-':>12}")
        print(f"{klass:<20}" + "".join(cells))

    naives = {size: _load(f"naive-{size}.json") for size in SIZES}
    print("\nNaive baseline: SQL p95 ms, naive / ours = ratio, per keyword class (bench/naive.py)")
    print(f"{'class':<16}" + "".join(f"{size:>26,}" for size in SIZES))
    classes = dict.fromkeys(name for report in naives.values() if report for name in report["classes"])
    for klass in classes:
        cells = []
        for size in SIZES:
            row = (naives[size] or {}).get("classes", {}).get(klass)
            if row:
                timeout = "+" if row["timeouts"] else ""  # some naive statements were cancelled: a lower bound
                text = f"{row['naive']['p95']:,.0f}{timeout} / {row['ours']['p95']:,.0f} = {row['ratio_p95']:.1f}x"
            else:
                text = "-"
            cells.append(f"{text:>26}")
        print(f"{klass:<16}" + "".join(cells))

    alerts = _load("alerts.json")
    if alerts:
        print_alerts_table(alerts)
    else:
        print("\nJob alerts: no results (python -m bench.alerts)")
    http = next((report for size in sorted(SIZES, reverse=True) if (report := _load(f"http-{size}.json"))), None)
    if http:
        print_http_table(http)
    else:
        print("\nHTTP: no results (python -m bench.http)")


if __name__ == "__main__":
    sys.exit(main())
