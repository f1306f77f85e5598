"""The naive baseline: bench/search.py's keyword searches done the way a tutorial job board does them, timed
side by side with ours in the same process, on the same data, query after query.

    python -m bench.naive --postings 100000          (make bench runs every size)

Naive: each word of the query (a quoted phrase is one substring, `-word` excludes) must appear in the title,
the employer's name, the duties or the description (`icontains`: `UPPER(column) LIKE UPPER('%word%')`, which
no index serves); filters are plain ORM filters (region, setting, shift, pay, a haversine distance computed
for every row); an exact `COUNT(*)` of the matches, then one page by `OFFSET`: what Django's Paginator runs
over such a queryset. No stored search document (its column is not even read).
Ours: the SQL part of bench/search.py's measure: candidate ids, facet counts, one page of cards.

Naive searches read every open posting, seconds each at a million, so the rotation is reduced: 8 searches per
keyword class of bench/search.py (with and without filters, newest and pay first) and a few deep pages; each
runs once to warm up, then twice, naive and ours alternately. A statement over BENCH_NAIVE_TIMEOUT seconds
(60) is cancelled and counted at that time: the naive figure is then a lower bound.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import time
from decimal import Decimal

from bench.common import BASE_DIR, SMOKE, percentiles, save_result, use_bench_database

SORTS = ["newest", "pay"]
PER_CLASS = int(os.environ.get("BENCH_NAIVE_PER_CLASS", "2" if SMOKE else "8"))
DEEP_PAGES = [("technician", "10", "newest"), ("pharmacy", "25", "newest"), ("pharmacy technician", "25", "pay"),
              ("technician", "50", "pay")][: 1 if SMOKE else None]  # fmt: skip
REPEAT = 1 if SMOKE else 2
PAGE_SIZE = 20
TIMEOUT_SECONDS = int(os.environ.get("BENCH_NAIVE_TIMEOUT", "60"))
TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def rotation() -> list[tuple[str, dict]]:
    """PER_CLASS searches of each keyword class, spread over bench/search.py's filters and both sorts."""
    from bench.search import FILTERS, KEYWORD_CLASSES  # read at run time: its word lists are edited

    combinations = list(itertools.product(FILTERS, SORTS))
    queries = []
    for klass, words in KEYWORD_CLASSES.items():
        for number in range(PER_CLASS):
            filters, sort = combinations[number * len(combinations) // PER_CLASS % len(combinations)]
            queries.append((klass, {"q": words[number % len(words)], **filters, "sort": sort}))
    for words, page, sort in DEEP_PAGES:
        queries.append(("deep pages", {"q": words, "sort": sort, "page": page}))
    unique = {json.dumps(params, sort_keys=True): (klass, params) for klass, params in queries}
    return list(unique.values())


def terms(text: str) -> list[tuple[bool, str]]:
    """(excluded, substring) for each word of the query; a quoted phrase is one substring."""
    found = []
    for match in TERM.finditer(text):
        excluded = bool(match.group(1) or match.group(3))
        substring = (match.group(2) if match.group(2) is not None else match.group(4)).strip()
        if substring:
            found.append((excluded, substring))
    return found


def naive_queryset(params: dict):
    from django.db.models import F, Q

    from postings.geo import to_km
    from postings.managers import distance_km_expression
    from postings.models import Place, Posting

    postings = Posting.objects.open().select_related("employer").defer("search_vector")
    for excluded, text in terms(params.get("q", "")):
        anywhere = (
            Q(title__icontains=text)
            | Q(employer__name__icontains=text)
            | Q(duties__icontains=text)
            | Q(description__icontains=text)
        )
        postings = postings.exclude(anywhere) if excluded else postings.filter(anywhere)
    if params.get("region"):
        postings = postings.filter(region=params["region"])
    if params.get("setting"):
        postings = postings.filter(setting__in=_list(params["setting"]))
    if params.get("shift"):
        postings = postings.filter(shifts__overlap=_list(params["shift"]))
    if params.get("pay_min"):
        postings = postings.filter(pay_max_hourly__gte=Decimal(params["pay_min"]))
    if params.get("near"):
        place = Place.objects.resolve(params["near"])
        if place is None:
            return postings.none()
        distance = distance_km_expression(place.latitude, place.longitude)
        radius_km = to_km(float(params.get("radius", 25)), "mi")
        postings = postings.annotate(distance_km=distance).filter(distance_km__lte=radius_km)
    if params.get("sort") == "pay":
        return postings.order_by(F("pay_max_hourly").desc(nulls_last=True), "-published_at", "-id")
    return postings.order_by("-published_at", "-id")


def _list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def measure(postings: int) -> dict:
    import django

    django.setup()
    from django.db import OperationalError, connection
    from django.http import QueryDict

    from postings.filters import PostingFilter
    from postings.models import Posting
    from postings.search import posting_search

    with connection.cursor() as cursor:  # for this connection only: nothing may hang the benchmark
        cursor.execute(f"SET statement_timeout = '{TIMEOUT_SECONDS}s'")

    def naive(params: dict) -> tuple[float, int | None]:
        offset = (int(params.get("page", 1)) - 1) * PAGE_SIZE
        started = time.perf_counter()
        try:
            queryset = naive_queryset(params)
            total = queryset.count()
            list(queryset[offset : offset + PAGE_SIZE])
        except OperationalError:  # statement_timeout
            return TIMEOUT_SECONDS * 1000.0, None
        return (time.perf_counter() - started) * 1000, total

    def ours(params: dict) -> tuple[float, int]:
        offset = (int(params.get("page", 1)) - 1) * PAGE_SIZE
        data = QueryDict(mutable=True)
        data.update(params)
        started = time.perf_counter()
        filterset = PostingFilter(data)
        result = posting_search(filterset.criteria, order=filterset.order, page=offset // PAGE_SIZE + 1)
        result.postings(Posting.objects.open().for_cards())
        return (time.perf_counter() - started) * 1000, result.total + result.exceeds_bound

    queries = []
    for klass, params in rotation():
        row = {"class": klass, "params": params, "naive_ms": [], "ours_ms": [], "timeouts": 0}
        for attempt in range(REPEAT + 1):
            naive_ms, naive_total = naive(params)
            ours_ms, ours_total = ours(params)
            row["naive_total"], row["ours_total"] = naive_total, ours_total
            if naive_total is None:
                row["timeouts"] += 1
            if attempt == 0:
                continue  # warm-up
            row["naive_ms"].append(round(naive_ms, 2))
            row["ours_ms"].append(round(ours_ms, 2))
        queries.append(row)
        print(f"  {klass:<14} naive {min(row['naive_ms']):>9.1f} ms  ours {min(row['ours_ms']):>7.1f} ms  "
              f"{json.dumps(params)}", flush=True)  # fmt: skip
    classes = {}
    for klass in dict.fromkeys(row["class"] for row in queries):
        rows = [row for row in queries if row["class"] == klass]
        naive_ms = percentiles([ms for row in rows for ms in row["naive_ms"]])
        ours_ms = percentiles([ms for row in rows for ms in row["ours_ms"]])
        classes[klass] = {
            "naive": naive_ms,
            "ours": ours_ms,
            "ratio_p95": round(naive_ms["p95"] / ours_ms["p95"], 1),
            "ratio_p50": round(naive_ms["p50"] / ours_ms["p50"], 1),
            "timeouts": sum(row["timeouts"] for row in rows),
        }
    return {"postings": postings, "queries": len(queries), "runs": REPEAT, "timeout_seconds": TIMEOUT_SECONDS,
            "classes": classes, "per_query": queries}  # fmt: skip


def print_table(report: dict) -> None:
    print(f"\nNaive baseline at {report['postings']:,} postings ({report['queries']} queries x {report['runs']} runs, "
          f"same process), SQL ms")  # fmt: skip
    print(f"{'class':<16} {'naive p50':>10} {'p95':>9}   {'ours p50':>9} {'p95':>8}   {'naive/ours p95':>14} timeouts")
    for klass, row in report["classes"].items():
        naive, ours = row["naive"], row["ours"]
        print(
            f"{klass:<16} {naive['p50']:>10.1f} {naive['p95']:>9.1f}   {ours['p50']:>9.1f} {ours['p95']:>8.1f}   "
            f"{row['ratio_p95']:>13.1f}x {row['timeouts']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=10_000)
    args = parser.parse_args()
    use_bench_database(args.postings)
    report = measure(args.postings)
    save_result(f"naive-{args.postings}", report)
    print_table(report)


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
