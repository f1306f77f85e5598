"""Plots of the benchmark results for docs/benchmarks.md: PNG files in docs/img/ (BENCH_IMAGES_DIR).

    python -m bench.plots          (make bench draws them after the benchmarks)

- search-latency.png: the whole /jobs/ request, p50 and p95 per query class, against the number of postings
  (bench/results/search-<N>.json)
- naive-ratio.png: SQL p95 of the naive baseline and of ours per keyword class, and their ratio, against the
  number of postings (naive-<N>.json)
- alerts-matching.png: the digest run's matching time against the number of due alerts (alerts.json)

A plot whose results are missing is skipped with a note.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from bench.common import BASE_DIR, IMAGES_DIR, RESULTS_DIR

plt.switch_backend("Agg")  # files only: no display on a server

SEARCH_TARGET_MS = 100  # p95 at a million postings, docs/benchmarks.md
ALERTS_TARGET_SECONDS = 30  # 100,000 alerts
COLOURS = plt.get_cmap("tab10").colors


def by_size(prefix: str) -> dict[int, dict]:
    """{postings: report} of every bench/results/<prefix>-<N>.json, smallest first."""
    reports = {}
    for path in RESULTS_DIR.glob(f"{prefix}-*.json"):
        match = re.fullmatch(rf"{prefix}-(\d+)\.json", path.name)
        if match:
            reports[int(match.group(1))] = json.loads(path.read_text())
    return dict(sorted(reports.items()))


def _postings_axis(axes, sizes: list[int]) -> None:
    axes.set_xscale("log")
    axes.set_xticks(sizes)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _short(value)))
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    axes.set_xlim(min(sizes) / 1.6, max(sizes) * 1.6)
    axes.set_xlabel("postings")
    axes.grid(True, which="major", alpha=0.3)


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    return f"{value / 1000:g}k" if value >= 1000 else f"{value:g}"


def _save(figure, name: str) -> Path:
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    path = IMAGES_DIR / name
    figure.tight_layout()
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    print(f"  wrote {path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}")
    return path


def search_latency() -> Path | None:
    reports = by_size("search")
    if not reports:
        print("  search-latency.png skipped: no bench/results/search-<N>.json (python -m bench.search)")
        return None
    sizes = list(reports)
    classes = [name for name in next(iter(reports.values()))["classes"] if name != "all queries"]
    figure, axes = plt.subplots(figsize=(9, 5.5))
    for colour, klass in zip(COLOURS, classes, strict=False):
        present = [size for size in sizes if klass in reports[size]["classes"]]
        rows = [reports[size]["classes"][klass]["request"] for size in present]
        axes.plot(present, [row["p95"] for row in rows], "o-", color=colour, label=f"{klass} p95")
        axes.plot(present, [row["p50"] for row in rows], "s--", color=colour, alpha=0.55, markersize=4,
                  label=f"{klass} p50")  # fmt: skip
    axes.axhline(SEARCH_TARGET_MS, color="black", linestyle=":", linewidth=1)
    axes.annotate(f"target: p95 < {SEARCH_TARGET_MS} ms at 1M", (sizes[-1] * 1.5, SEARCH_TARGET_MS * 1.06), fontsize=8,
                  ha="right")  # fmt: skip
    axes.set_yscale("log")
    axes.set_ylabel("whole GET /jobs/ request, ms (log)")
    axes.set_title("Search: /jobs/ latency per query class")
    _postings_axis(axes, sizes)
    axes.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(figure, "search-latency.png")


def naive_ratio() -> Path | None:
    reports = by_size("naive")
    if not reports:
        print("  naive-ratio.png skipped: no bench/results/naive-<N>.json (python -m bench.naive)")
        return None
    sizes = list(reports)
    classes = list(next(iter(reports.values()))["classes"])
    figure, (times, ratios) = plt.subplots(1, 2, figsize=(11, 5))
    for colour, klass in zip(COLOURS, classes, strict=False):
        present = [size for size in sizes if klass in reports[size]["classes"]]
        rows = [reports[size]["classes"][klass] for size in present]
        times.plot(present, [row["naive"]["p95"] for row in rows], "o--", color=colour)
        times.plot(present, [row["ours"]["p95"] for row in rows], "o-", color=colour)
        ratios.plot(present, [row["ratio_p95"] for row in rows], "o-", color=colour, label=klass)
        for size, row in zip(present, rows, strict=True):
            if row["timeouts"]:  # the naive figure is a lower bound
                times.annotate("timeout", (size, row["naive"]["p95"]), fontsize=7, color=colour)
    times.set_yscale("log")
    times.set_ylabel("SQL p95, ms (log)")
    times.set_title("Keyword search: naive (dashed) and ours (solid)")
    _postings_axis(times, sizes)
    ratios.axhline(1, color="black", linestyle=":", linewidth=1)
    ratios.set_yscale("log")
    ratios.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
    ratios.set_ylabel("naive p95 / ours p95 (log)")
    ratios.set_title("How many times slower the naive search is")
    _postings_axis(ratios, sizes)
    ratios.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), title="keyword class", title_fontsize=8)
    return _save(figure, "naive-ratio.png")


def alerts_matching() -> Path | None:
    path = RESULTS_DIR / "alerts.json"
    if not path.exists():
        print("  alerts-matching.png skipped: no bench/results/alerts.json (python -m bench.alerts)")
        return None
    matching = json.loads(path.read_text())["matching"]
    rows = sorted((int(size), row) for size, row in matching["sizes"].items())
    if not rows:
        print("  alerts-matching.png skipped: alerts.json has no matching sizes")
        return None
    alerts = [size for size, _ in rows]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(alerts, [row["seconds"] for _, row in rows], "o-", color=COLOURS[0], label="digest run (one statement)")
    for size, row in rows:
        axes.annotate(f"{row['seconds']:.2f} s\n{row['matches']:,} matches", (size, row["seconds"]),
                      textcoords="offset points", xytext=(-10, 10), fontsize=8, ha="right")  # fmt: skip
    axes.axhline(ALERTS_TARGET_SECONDS, color="black", linestyle=":", linewidth=1)
    axes.annotate(f"target: 100,000 alerts < {ALERTS_TARGET_SECONDS} s", (alerts[0] / 1.7, ALERTS_TARGET_SECONDS),
                  textcoords="offset points", xytext=(0, -4), fontsize=8, va="top")  # fmt: skip
    axes.set_xscale("log")
    axes.set_xticks(alerts)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _short(value)))
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    axes.set_xlim(alerts[0] / 1.8, alerts[-1] * 1.8)
    axes.set_ylim(0, max(ALERTS_TARGET_SECONDS * 1.1, max(row["seconds"] for _, row in rows) * 1.2))
    axes.set_xlabel("due alerts")
    axes.set_ylabel("seconds")
    postings = matching.get("postings")
    where = f" in a database of {postings:,} postings" if postings else ""
    axes.set_title(f"Alert matching: {matching['new_postings']:,} new postings{where}", fontsize=10)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, 0.85))
    return _save(figure, "alerts-matching.png")


def main() -> None:
    print("Plots:")
    search_latency()
    naive_ratio()
    alerts_matching()


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
