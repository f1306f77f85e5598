"""`make bench`: every benchmark, each size, one summary table at the end.

Set BENCH_SIZES (e.g. "10000,100000") to run fewer sizes; the default is 10k, 100k and 1M postings.
"""

import json
import os
import subprocess
import sys

from bench.alerts import print_table as print_alerts_table
from bench.common import BASE_DIR, RESULTS_DIR

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]


def main() -> int:
    for size in SIZES:
        subprocess.run([sys.executable, "-m", "bench.search", "--postings", str(size)], cwd=BASE_DIR, check=True)
    # Job alerts (issue 6): matching in the 1,000,000-posting database, delivery through a real worker.
    subprocess.run([sys.executable, "-m", "bench.alerts"], cwd=BASE_DIR, check=True)
    print("\n== Summary: whole /jobs/ request, p95 ms per query class")
    reports = {size: json.loads((RESULTS_DIR / f"search-{size}.json").read_text()) for size in SIZES}
    classes = list(next(iter(reports.values()))["classes"])
    print(f"{'class':<20}" + "".join(f"{size:>12,}" for size in SIZES))
    for klass in classes:
        row = "".join(f"{reports[size]['classes'][klass]['request']['p95']:>12.1f}" for size in SIZES)
        print(f"{klass:<20}{row}")
    print_alerts_table(json.loads((RESULTS_DIR / "alerts.json").read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
