"""Old against new, side by side: `bench/search.py` run in two checkouts, interleaved, on the same data.

    git worktree add ../old <commit>
    python -m bench.compare --old ../old --postings 100000 --runs 3 \\
        --old-env BENCH_DB_PREFIX=jobboard_bench_old_ --new-env BENCH_DB_PREFIX=jobboard_bench_ab_

Give both checkouts the same data: load the old one's database first, then copy it for the new one
(`CREATE DATABASE jobboard_bench_ab_100000 TEMPLATE jobboard_bench_old_100000`) and migrate the copy with the
new code. Runs alternate old, new, old, new ..., so a busy moment of a shared machine falls on both. Prints,
per query class, the median over runs of each run's p50 and p95 of the whole request, and new / old; and, where
both sides' bench/search.py report it, the CPU per request (Python and PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import BASE_DIR


def _env(pairs: list[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs)


def run(checkout: Path, postings: int, extra_env: dict[str, str], keep: Path) -> dict:
    python = checkout / ".venv" / "bin" / "python"
    subprocess.run(
        [str(python if python.exists() else sys.executable), "-m", "bench.search", "--postings", str(postings)],
        cwd=checkout,
        env={**os.environ, **extra_env},
        check=True,
    )
    result = checkout / "bench" / "results" / f"search-{postings}.json"
    shutil.copy(result, keep)
    return json.loads(result.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the old commit's checkout (a git worktree)")
    parser.add_argument("--new", type=Path, default=BASE_DIR)
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--new-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--out", type=Path, default=BASE_DIR / "bench" / "results" / "compare")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    reports: dict[str, list[dict]] = {"old": [], "new": []}
    for attempt in range(args.runs):
        for side, checkout, extra in (("old", args.old, args.old_env), ("new", args.new, args.new_env)):
            print(f"== run {attempt + 1} of {args.runs}: {side} ({checkout})", flush=True)
            keep = args.out / f"search-{args.postings}-{side}-{attempt + 1}.json"
            reports[side].append(run(checkout.resolve(), args.postings, _env(extra), keep))
    print_comparison(reports)
    return 0


def print_comparison(reports: dict[str, list[dict]]) -> None:
    classes = list(reports["new"][0]["classes"])
    print(f"\n/jobs/ whole request, ms: median over {len(reports['new'])} interleaved runs of each run's p50 / p95")
    print(f"{'class':<20} {'old p50':>8} {'new p50':>8} {'ratio':>6}   {'old p95':>8} {'new p95':>8} {'ratio':>6}")
    for klass in classes:
        cells = []
        for stat in ("p50", "p95"):
            old, new = (
                statistics.median(report["classes"][klass]["request"][stat] for report in reports[side])
                for side in ("old", "new")
            )
            cells.append(f"{old:>8.1f} {new:>8.1f} {new / old:>6.2f}")
        print(f"{klass:<20} {cells[0]}   {cells[1]}")
    if not all("cpu" in report["classes"][classes[0]] for side in reports.values() for report in side):
        return
    print("\n/jobs/ CPU per request, ms: median over the runs of each run's mean (Python | PostgreSQL)")
    print(f"{'class':<20} {'old Py':>7} {'new Py':>7} {'ratio':>6}   {'old PG':>7} {'new PG':>7} {'ratio':>6}")
    for klass in classes:
        cells = []
        for part in ("python_ms", "postgres_ms"):
            old, new = (
                statistics.median(report["classes"][klass]["cpu"][part] or 0.0 for report in reports[side])
                for side in ("old", "new")
            )
            cells.append(f"{old:>7.1f} {new:>7.1f} {new / old if old else float('nan'):>6.2f}")
        print(f"{klass:<20} {cells[0]}   {cells[1]}")


if __name__ == "__main__":
    sys.exit(main())
