"""Job alert speed: matching, and emails per second through a real Celery worker.

    python -m bench.alerts                  (make bench runs it after the search benchmark)
    python -m bench.alerts --alerts 20000 --emails 1000      (quicker)

Matching: in the 1,000,000-posting database (bench/common.py, shared with the search benchmark; --postings
picks another size, and make bench passes the largest of BENCH_SIZES), inside one transaction that is rolled
back at the end so that database stays as it was: copy 1,000 existing postings as new ones published now,
bulk-load 100,000 confirmed alerts with a realistic mix of filters
(built by the real code path: PostingFilter's form -> alert_criteria -> match keys), then time the one
statement that matches every due alert against the batch, at 10,000 and at 100,000 alerts, and the
per-publish path (one posting against every instant alert).

Delivery: in a small database of its own (`<BENCH_DB_PREFIX>alerts`, 10,000 postings; committed data: a worker
in another process must see it), 5,000 alerts with pending jobs; a real `celery worker` (prefork) sends them to
an aiosmtpd sink in this process; the time from handing the work to the broker to the last message received,
and a check that each address got exactly one email.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from functools import cache

from bench.common import (
    BASE_DIR,
    RESULTS_DIR,
    SMOKE,
    celery_worker_with_sink,
    database_name,
    ensure_database,
    percentiles,
    process_tree_memory,
    save_result,
)

MATCH_POSTINGS = 1_000_000  # --postings: make bench passes the largest of BENCH_SIZES
DELIVERY_POSTINGS = 10_000

# What seekers type, weighted towards the common: words of the seeded titles and descriptions.
KEYWORDS = (
    ["pharmacy technician"] * 6 + ["technician"] * 4 + ["iv", "sterile compounding", '"iv room"', "cpht", "ptcb",
    "billing", "prior authorization", "claims", "remote", "night", "evenings", "weekend", "oncology", "nuclear",
    "pyxis", "omnicell", "epic willow", "inpatient", "emergency department", "retail", "hospital", "specialty",
    "long-term care", "mail order", "trainee", "lead technician", "certified -trainee", "pediatric", "infusion",
    "compounding", "hazardous drugs", "automation", "data entry", "call center", "insurance", "medication history",
    "tech-check-tech", "sign-on bonus", "tuition", "full time", "part time", "per diem", "senior"]
)  # fmt: skip
SETTINGS = ["community-retail"] * 5 + ["hospital"] * 5 + [
    "long-term-care", "mail-order", "specialty", "compounding", "ambulatory-clinic", "home-infusion", "pbm-insurance",
    "government-military", "nuclear", "industry-other",
]  # fmt: skip
EMPLOYMENT = ["full-time"] * 5 + ["part-time"] * 2 + ["per-diem", "contract", "temporary"]
SHIFTS = ["day"] * 3 + ["evening", "night", "night", "weekend", "rotating", "on-call"]
EXPERIENCE = ["trainee", "entry", "entry", "experienced", "senior", "lead"]
RADII = ["10", "25", "25", "25", "50", "50", "100"]
SEARCH_POOL = 15_000
# -- Building alerts through the real code path -------------------------------------------------------------


def _speed_up_lookups() -> None:
    """Place lookups are one query each in the real path; the bench asks the same few hundred places
    again and again, so they are remembered (same answers, without round trips that are not measured)."""
    from postings.managers import PlaceQuerySet

    resolve = PlaceQuerySet.resolve

    @cache
    def remembered(text):
        from postings.models import Place

        return resolve(Place.objects.all(), text)

    PlaceQuerySet.resolve = lambda self, text: remembered(text)


def _weighted_places() -> tuple[list[str], list[int], list[str], list[int], list[tuple[str, str]]]:
    """Regions weighted by their open postings; the biggest cities for "near" and for city searches."""
    from django.db.models import Count

    from postings.models import Place, Posting

    regions = list(Posting.objects.open().order_by().values_list("region").annotate(n=Count("id")).order_by("-n")[:70])
    cities = list(
        Place.objects.filter(kind=Place.Kind.CITY, country__in=["US", "CA"]).order_by("-population")[:300]
        .values_list("name", "region", "population")
    )  # fmt: skip
    near = [f"{name}, {region.split('-')[1]}" for name, region, _ in cities]
    return (
        [region for region, _ in regions],
        [n for _, n in regions],
        near,
        [max(1, population // 1000) for _, _, population in cities],
        [(name, region) for name, region, _ in cities[:120]],
    )


def random_params(rng: random.Random, places) -> dict:
    """One seeker's saved search: mostly a place and a setting or two, often keywords or a pay floor."""
    regions, region_weights, near, near_weights, cities = places
    params: dict = {}
    where = rng.random()
    if where < 0.45:
        params["region"] = rng.choices(regions, region_weights)[0]
    elif where < 0.70:
        params["near"] = rng.choices(near, near_weights)[0]
        params["radius"] = rng.choice(RADII)
    elif where < 0.75:
        params["city"], params["region"] = rng.choice(cities)
    elif where < 0.83:
        params["country"] = rng.choice(["US"] * 5 + ["CA"])
    # else: anywhere (remote billing, a specialty, keywords only)
    if rng.random() < 0.35:
        params["q"] = rng.choice(KEYWORDS)
    roll = rng.random()
    if roll < 0.35:
        params["setting"] = [rng.choice(SETTINGS)]
    elif roll < 0.50:
        params["setting"] = rng.sample(sorted(set(SETTINGS)), 2)
    if rng.random() < 0.25:
        params["employment_type"] = [rng.choice(EMPLOYMENT)]
    if rng.random() < 0.20:
        params["shift"] = rng.sample(sorted(set(SHIFTS)), rng.choice([1, 1, 2]))
    if rng.random() < 0.15:
        params["experience"] = [rng.choice(EXPERIENCE)]
    roll = rng.random()
    if roll < 0.10 or (where >= 0.83 and roll < 0.5):
        params["arrangement"] = ["remote"]
    elif roll < 0.13:
        params["arrangement"] = ["hybrid", "remote"]
    roll = rng.random()
    if roll < 0.30:
        params["pay_min"] = str(rng.choice(range(16, 29)))
    elif roll < 0.35:
        params["pay_min"] = str(rng.choice(range(38_000, 62_000, 2_000)))
    if rng.random() < 0.10:
        params["training"] = "1"
    return params


def _copy_value(value) -> str | None:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        return "{" + ",".join('"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _alert_columns(model) -> list[tuple[str, object]]:
    """(column, its default) for every column the model writes: read from the model, so a field added to alerts
    is loaded with its default instead of breaking the COPY; a generated one is left to the database."""
    from django.db import models

    return [
        (field.column, field.get_default)
        for field in model._meta.concrete_fields
        if not field.primary_key and not isinstance(field, models.GeneratedField)
    ]


def alerts_load(*, count: int, now: datetime, frequency: str, seed: int, email_prefix: str = "bench") -> int:
    """COPY `count` confirmed alerts, each built from a random search by the code /alerts/new/ runs."""
    from django.db import connection
    from django.http import QueryDict

    from alerts.matching import alert_criteria, alert_match_keys, alert_name, database_upper
    from alerts.models import Alert
    from postings.filters import PostingFilter

    columns = _alert_columns(Alert)
    rng = random.Random(seed)
    places = _weighted_places()
    upper = cache(database_upper)
    started_from = now - timedelta(minutes=5)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    built: dict[str, tuple] = {}
    # Popular searches repeat ("Hospital in Texas"): alerts draw from a pool of searches, the first ones most.
    pool = [random_params(rng, places) for _ in range(min(count, SEARCH_POOL))]
    weights = [1 / (rank + 20) for rank in range(len(pool))]
    for number, params in enumerate(rng.choices(pool, weights, k=count)):
        key = json.dumps(params, sort_keys=True)
        if key not in built:
            data = QueryDict(mutable=True)
            for name, value in params.items():
                data.setlist(name, value if isinstance(value, list) else [value])
            search = PostingFilter(data)
            assert search.form.is_valid(), (params, search.form.errors)
            criteria = alert_criteria(search.criteria)
            city_upper = upper(criteria.columns["city"]) if criteria.columns["city"] else ""
            built[key] = (criteria, alert_name(criteria), alert_match_keys(criteria, city_upper=city_upper))
        criteria, name, keys = built[key]
        row = {
            **criteria.columns,
            "email": f"{email_prefix}{number}@example.com",
            "name": name,
            "frequency": frequency,
            "status": "active",
            "paused_reason": "",
            "criteria": criteria.params,
            "criteria_key": criteria.key,
            "match_keys": keys,
            "created_at": started_from,
            "confirmed_at": started_from,
            "matching_from": started_from,
            "next_digest_at": started_from,
            "permanent_failures": 0,
        }
        writer.writerow([_copy_value(row[column] if column in row else default()) for column, default in columns])
    buffer.seek(0)
    with connection.cursor() as cursor:
        names = ", ".join(column for column, _ in columns)
        cursor.cursor.copy_expert(f"COPY {Alert._meta.db_table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                                  buffer)  # fmt: skip
        cursor.execute("ANALYZE alerts_alert")
        # Rows inserted at once wait in the GIN index's pending list until autovacuum folds them in; a board
        # whose alerts arrive one by one is in that folded state, so the benchmark starts from it too.
        cursor.execute("SELECT gin_clean_pending_list('alert_match_keys')")
    return len(built)


def postings_copy(*, count: int, now: datetime, seed: int, where: str = "TRUE") -> list[int]:
    """`count` new postings published now: copies of random existing ones (text, place, pay, requirements),
    so the search vector, the facets and the pay mix are those of the seeded board."""
    from django.db import connection

    fresh = ["slug", "reference", "status", "published_at", "expires_at", "created_at", "updated_at"]
    with connection.cursor() as cursor:
        # search_vector: its trigger writes it from the copied text.
        copied = _insertable_columns(cursor, "postings_posting", besides={"id", "search_vector", *fresh})
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        cursor.execute(
            f"""
            INSERT INTO postings_posting ({", ".join(copied + fresh)})
            SELECT {", ".join(copied)}, left(slug, 140) || '-alert-bench-' || id, 'alert-bench-' || id, 'published',
                   %(now)s, %(now)s + interval '30 days', %(now)s, %(now)s
            FROM postings_posting
            WHERE id IN (SELECT id FROM postings_posting TABLESAMPLE BERNOULLI (%(percent)s) REPEATABLE (%(seed)s)
                         WHERE {where} LIMIT %(count)s)
            RETURNING id
            """,
            {"now": now, "count": count, "seed": seed, "percent": _sample_percent(cursor, count)},
        )
        ids = [row[0] for row in cursor.fetchall()]
        requirement = _insertable_columns(cursor, "postings_credentialrequirement", besides={"id", "posting_id"})
        cursor.execute(
            f"""
            INSERT INTO postings_credentialrequirement (posting_id, {", ".join(requirement)})
            SELECT new.id, {", ".join(f"r.{column}" for column in requirement)}
            FROM postings_posting new
            JOIN postings_credentialrequirement r ON new.reference = 'alert-bench-' || r.posting_id
            WHERE new.id = ANY(%s)
            """,
            [ids],
        )
    return ids


def _insertable_columns(cursor, table: str, *, besides: set[str]) -> list[str]:
    """The columns of `table` an INSERT may name, from the catalog, less `besides`: never a generated column (the
    database computes it and refuses a value for it), so a column added later is copied or computed, not a
    reason for this benchmark to fail."""
    cursor.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'
           ORDER BY ordinal_position""",
        [table],
    )
    return [column for (column,) in cursor.fetchall() if column not in besides]


def _sample_percent(cursor, count: int) -> float:
    """A sample of 1 % holds 10,000 rows of a million postings but only 100 of 10,000: enough for `count`."""
    cursor.execute("SELECT greatest(reltuples, 1) FROM pg_class WHERE relname = 'postings_posting'")
    return min(100.0, max(1.0, 300.0 * count / cursor.fetchone()[0]))


# -- Matching -----------------------------------------------------------------------------------------------


class Rollback(Exception):
    pass


def measure_matching(*, alerts: int, new_postings: int, sizes: list[int]) -> dict:
    import django

    django.setup()
    _speed_up_lookups()
    from django.db import connection, transaction
    from django.utils import timezone

    from alerts.models import AlertDelivery
    from alerts.services import ledger
    from postings.models import Posting

    report: dict = {"new_postings": new_postings, "sizes": {}, "postings": Posting.objects.count()}
    _alert_tables_compact()
    try:
        with transaction.atomic():
            now = timezone.now()
            started = time.perf_counter()
            posting_ids = postings_copy(count=new_postings, now=now, seed=11)
            report["new_postings"] = len(posting_ids)
            unique = alerts_load(count=alerts, now=now, frequency="daily", seed=5)
            report["load_seconds"] = round(time.perf_counter() - started, 1)
            report["distinct_searches"] = unique
            print(f"  loaded {len(posting_ids):,} new postings and {alerts:,} alerts ({unique:,} distinct searches) "
                  f"in {report['load_seconds']} s", flush=True)  # fmt: skip
            match_at = now + timedelta(seconds=1)
            for size in sizes:
                savepoint = transaction.savepoint()
                with connection.cursor() as cursor:  # only the first `size` alerts are due
                    cursor.execute(
                        "UPDATE alerts_alert SET next_digest_at = %s WHERE id > (SELECT min(id) + %s - 1 "
                        "FROM alerts_alert)",
                        [now + timedelta(days=1), size],
                    )
                    cursor.execute("ANALYZE alerts_alert")
                started = time.perf_counter()
                matched_alerts = ledger.alerts_match_due(frequency="daily", now=match_at, enqueue=False)
                seconds = time.perf_counter() - started
                rows = AlertDelivery.objects.count()
                with connection.cursor() as cursor:  # every match, listed or only counted by its digest
                    cursor.execute("SELECT coalesce(sum(n), 0) FROM (SELECT max(run_matches) AS n "
                                   "FROM alerts_alertdelivery GROUP BY alert_id) runs")  # fmt: skip
                    matches = int(cursor.fetchone()[0])
                report["sizes"][str(size)] = {
                    "seconds": round(seconds, 2),
                    "matches": matches,
                    "ledger_rows": rows,
                    "alerts_with_jobs": len(matched_alerts),
                }
                print(f"  {size:>7,} alerts x {len(posting_ids):,} postings: {seconds:6.2f} s, {matches:,} matches "
                      f"for {len(matched_alerts):,} alerts ({rows:,} ledger rows)", flush=True)  # fmt: skip
                transaction.savepoint_rollback(savepoint)

            # The per-publish statement (what alerts_match_posting runs for its posting and the instant alerts)
            # for one posting at a time against all the alerts loaded above, each in its own savepoint.
            samples = []
            for posting_id in posting_ids[:200]:
                savepoint = transaction.savepoint()
                started = time.perf_counter()
                ledger._matches_record(now=match_at, posting_ids=[posting_id], frequency="daily")
                samples.append((time.perf_counter() - started) * 1000)
                transaction.savepoint_rollback(savepoint)
            report["instant"] = {"alerts": alerts, **percentiles(samples)}
            print(f"  one published posting against {alerts:,} alerts: p50 {report['instant']['p50']:.1f} "
                  f"ms, p95 {report['instant']['p95']:.1f} ms", flush=True)  # fmt: skip
            raise Rollback
    except Rollback:
        pass  # the shared benchmark database is left as it was
    _alert_tables_compact()
    return report


def _alert_tables_compact() -> None:
    """A rolled-back load leaves 100,000 dead rows behind: give the (empty) alert tables their space back, so
    no run reads the last one's leftovers. Instant: they hold no live row outside a run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL alerts_alertdelivery, alerts_alertpostingmatch, alerts_alert")


# -- Delivery through a real worker -------------------------------------------------------------------------


def measure_delivery(*, emails: int, concurrency: int) -> dict:
    import django

    django.setup()
    _speed_up_lookups()
    from django.db import connection
    from django.utils import timezone

    from alerts.matching import alert_match_keys
    from alerts.models import Alert, AlertDelivery
    from alerts.services.delivery import alerts_deliver_pending
    from alerts.services.ledger import alerts_match_posting
    from jobboard.celery import app as celery_app

    _delivery_reset()
    now = timezone.now()
    alerts_load(count=emails, now=now, frequency="instant", seed=3, email_prefix="delivery")
    # Every alert gets the same two new jobs (a search for everything), so each email lists two jobs; the
    # alerts keep the names and search links of their varied searches.
    anything = criteria_for_everything()
    keys = alert_match_keys(anything, city_upper="")
    columns = {name: value for name, value in anything.columns.items() if name != "place_label"}
    Alert.objects.update(match_keys=keys, **columns)
    for posting_id in postings_copy(count=2, now=now + timedelta(seconds=1), seed=3):
        alerts_match_posting(posting_id=posting_id, enqueue=False)
    pending = AlertDelivery.objects.filter(status=AlertDelivery.Status.PENDING).count()
    if pending != 2 * emails:
        raise SystemExit(f"expected {2 * emails} pending jobs, found {pending}")
    connection.close()

    celery_app.control.purge()
    with celery_worker_with_sink(dict(os.environ), concurrency=concurrency) as (worker, sink):
        started = time.perf_counter()
        alerts_deliver_pending()  # what beat's sweep does: chunks of alerts onto the queue
        deadline = time.monotonic() + 600
        while sink.total < emails and time.monotonic() < deadline:
            time.sleep(0.05)
        seconds = sink.last - started
        time.sleep(1)
        memory = process_tree_memory(worker.pid)  # peak resident memory of the worker and its pool
    sent = AlertDelivery.objects.filter(status=AlertDelivery.Status.SENT).count()
    _delivery_reset()
    report = {
        "emails": sink.total,
        "jobs": pending,
        "concurrency": concurrency,
        "seconds": round(seconds, 2),
        "per_second": round(sink.total / seconds, 1),
        "each_address_once": len(sink.recipients) == emails and set(sink.recipients.values()) == {1},
        "ledger_sent": sent,
        "worker_memory": memory,
    }
    print(f"  {sink.total:,} emails ({pending:,} jobs) through a worker of {concurrency} processes in "
          f"{seconds:.1f} s: {report['per_second']:.0f} emails/s; each address once: {report['each_address_once']}",
          flush=True)  # fmt: skip
    return report


def criteria_for_everything():
    from django.http import QueryDict

    from alerts.matching import alert_criteria
    from postings.filters import PostingFilter

    search = PostingFilter(QueryDict())
    assert search.form.is_valid()
    return alert_criteria(search.criteria)


def _delivery_reset() -> None:
    """This database is the delivery benchmark's own: leave it with its seeded postings and nothing else."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE alerts_alertdelivery, alerts_alertpostingmatch, alerts_alert")
        cursor.execute("DELETE FROM postings_credentialrequirement r USING postings_posting p "
                       "WHERE r.posting_id = p.id AND p.reference LIKE 'alert-bench-%%'")  # fmt: skip
        cursor.execute("DELETE FROM postings_posting WHERE reference LIKE 'alert-bench-%%'")


# -- Running it ---------------------------------------------------------------------------------------------


def _child(part: str, database: tuple[str, int], arguments: list[str]) -> dict:
    """Each part runs in a process of its own, bound to its database."""
    url = ensure_database(*database)
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jobboard.settings.dev",
                   "DEBUG": "false", "LOG_LEVEL": "WARNING"}  # fmt: skip
    output = RESULTS_DIR / f"alerts-{part}.json"
    subprocess.run([sys.executable, "-m", "bench.alerts", "--part", part, "--output", str(output), *arguments],
                   cwd=BASE_DIR, env=environment, check=True)  # fmt: skip
    return json.loads(output.read_text())


def print_table(report: dict) -> None:
    matching, delivery = report["matching"], report["delivery"]
    postings = matching.get("postings", MATCH_POSTINGS)
    print(f"\nJob alerts: {matching['new_postings']:,} new postings in a database of {postings:,}")
    for size, row in matching["sizes"].items():
        print(f"  match {int(size):>7,} alerts (one statement): {row['seconds']:6.2f} s "
              f"({row['matches']:,} matches, {row['ledger_rows']:,} ledger rows)")  # fmt: skip
    instant = matching["instant"]
    print(f"  match one published posting against {instant['alerts']:,} alerts: p50 {instant['p50']:.1f} ms, "
          f"p95 {instant['p95']:.1f} ms")  # fmt: skip
    print(
        f"  deliver {delivery['emails']:,} emails through a real worker to an SMTP sink: "
        f"{delivery['per_second']:.0f} emails/s (each address exactly once: {delivery['each_address_once']})"
    )
    if "worker_memory" in delivery:
        memory = delivery["worker_memory"]
        pool = ", ".join(f"{child['peak_mb']:.0f}" for child in memory["children"])
        print(f"  its worker's peak memory (VmHWM): main {memory['parent']['peak_mb']:.0f} MB, pool {pool} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # The smoke run (BENCH_SMOKE=1): every step on a handful of rows, to prove that it runs.
    parser.add_argument("--alerts", type=int, default=60 if SMOKE else 100_000)
    parser.add_argument("--postings", type=int, default=MATCH_POSTINGS, help="postings of the matching database")
    parser.add_argument("--sizes", default="30,60" if SMOKE else "10000,100000", help="alert counts to match")
    parser.add_argument("--new-postings", type=int, default=20 if SMOKE else 1000)
    parser.add_argument("--emails", type=int, default=20 if SMOKE else 5000)
    parser.add_argument("--concurrency", type=int, default=2 if SMOKE else max(2, os.cpu_count() or 2))
    parser.add_argument("--part", choices=["matching", "delivery"], help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [size for size in (int(text) for text in args.sizes.split(",")) if size <= args.alerts]
    if args.part == "matching":
        report = measure_matching(alerts=args.alerts, new_postings=args.new_postings, sizes=sizes)
    elif args.part == "delivery":
        report = measure_delivery(emails=args.emails, concurrency=args.concurrency)
    else:
        match_database = (database_name(args.postings), args.postings)
        # Delivery commits its rows, so it has a database of its own, except in the smoke run: there a second
        # database would cost more than everything else (its migrations), and the tiny one is no one's figures.
        delivery_database = match_database if SMOKE else (database_name("alerts"), DELIVERY_POSTINGS)
        print(f"Job alerts: matching ({match_database[0]}, rolled back) ...", flush=True)
        common = ["--alerts", str(args.alerts), "--sizes", args.sizes, "--new-postings", str(args.new_postings)]
        matching = _child("matching", match_database, common)
        print(f"Job alerts: delivery ({delivery_database[0]}) ...", flush=True)
        delivery = _child("delivery", delivery_database, ["--emails", str(args.emails),
                                                           "--concurrency", str(args.concurrency)])  # fmt: skip
        report = {"matching": matching, "delivery": delivery}
        save_result("alerts", report)
        print_table(report)
        return
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w") as handle:
        json.dump(report, handle, indent=2)


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
