"""The benchmarks' smoke run: every part of `make bench` at a tiny size, so a change that breaks a benchmark
fails the tests instead of the next benchmark run, months later."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
POSTINGS = 300  # bench/__main__.py's SMOKE_POSTINGS
SEARCH_CLASSES = {"common words", "rare words", "phrases", "no-hit words", "filters only", "browse (no filter)",
                  "deep pages", "all queries"}  # fmt: skip
KEYWORD_CLASSES = {"common words", "rare words", "phrases", "no-hit words", "deep pages"}


def _database_prefix() -> str:
    """Smoke databases named after the test run's own database, so the runs of two checkouts (each with its
    DATABASE_URL) never share one."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jobboard")
    name = re.sub(r"[^a-z0-9_]", "_", urlsplit(url).path.strip("/").lower())[:20] or "jobboard"
    return f"{name}_bench_"


@pytest.mark.slow_subprocess
def test_every_benchmark_part_runs_and_leaves_its_result(tmp_path):
    # The benchmarks' own settings (development settings, every part's defaults), not this test run's.
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("BENCH_") and name != "DJANGO_SETTINGS_MODULE"}  # fmt: skip
    environment.update(BENCH_RESULTS_DIR=str(tmp_path), BENCH_DB_PREFIX=_database_prefix())

    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )

    output = completed.stdout[-6000:] + completed.stderr[-6000:]
    assert completed.returncode == 0, output
    search = json.loads((tmp_path / f"search-{POSTINGS}.json").read_text())
    assert set(search["classes"]) == SEARCH_CLASSES
    assert all(row["request"]["n"] >= 1 for row in search["classes"].values())

    naive = json.loads((tmp_path / f"naive-{POSTINGS}.json").read_text())
    assert set(naive["classes"]) == KEYWORD_CLASSES
    assert all(row["naive"]["n"] >= 1 and row["ours"]["n"] >= 1 for row in naive["classes"].values())

    alerts = json.loads((tmp_path / "alerts.json").read_text())
    matching, delivery = alerts["matching"], alerts["delivery"]
    assert matching["postings"] == POSTINGS
    assert matching["new_postings"] > 0  # copies of existing postings, published now, were inserted
    assert set(matching["sizes"]) == {"30", "60"}
    assert matching["sizes"]["60"]["matches"] > 0, "no alert matched any new posting"
    assert matching["instant"]["n"] == matching["new_postings"]
    assert delivery["emails"] == 20
    assert delivery["each_address_once"] is True

    http = json.loads((tmp_path / f"http-{POSTINGS}.json").read_text())
    runs = {(run["scenario"], run["cache"]): run for run in http["runs"]}
    assert set(runs) == {(scenario, cache) for scenario in ("home", "jobs", "posting", "feed")
                         for cache in ("off", "default")}  # fmt: skip
    for key, run in runs.items():
        assert run["requests"] > 0, key
        assert run["errors"] == 0, (key, run["error_detail"])  # no 500, no timeout under load
    assert http["celery"]["emails"] == http["celery"]["asked"]

    for image in ("search-latency.png", "naive-ratio.png", "alerts-matching.png"):
        assert (tmp_path / "img" / image).read_bytes().startswith(b"\x89PNG"), image
