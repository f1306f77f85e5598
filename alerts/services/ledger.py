"""Matching into the ledger: every new (alert, posting) match becomes one `AlertDelivery` row, in one statement.

The ledger's unique (alert, posting) pair is what makes matching safe to repeat: a second run, a retried task
or beat's safety net inserts nothing already there. The SQL is built by `alerts.matching`; sending the rows
is `delivery`'s part, handed over on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, F, Min, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from ..matching import DIGEST_OVERLAP, matching_sql
from ..models import Alert, AlertPostingMatch
from .delivery import JOBS_PER_EMAIL, deliveries_enqueue
from .subscriptions import DIGEST_PERIODS

Frequency = Alert.Frequency

# The instant safety net (beat) re-matches what was published lately, in case a publish's task was lost.
INSTANT_SWEEP_WINDOW = timedelta(minutes=30)
# However late a digest runs, it never reaches further back than this (bounds the batch of postings).
DIGEST_MAX_LOOKBACK = timedelta(days=14)


def _matches_record(**kwargs) -> list[int]:
    """Insert every new match into the ledger in one statement; the ids of alerts that got new rows."""
    now = kwargs["now"]
    sql, params = matching_sql(today=timezone.localdate(now), record=True, keep=JOBS_PER_EMAIL, **kwargs)
    with connection.cursor() as cursor:
        # Enough memory to hash and rank a big batch's matches without spilling to disk; and no JIT, whose
        # compiling costs more than it saves here (measured). This transaction only.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return sorted(alert_id for (alert_id,) in cursor.fetchall())


def _postings_mark_matched(*, posting_ids: list[int] | None = None, published_since: datetime | None = None,
                           now: datetime) -> None:  # fmt: skip
    """Remember which postings instant matching has handled, so the safety net skips them."""
    if posting_ids is not None:
        AlertPostingMatch.objects.bulk_create(
            [AlertPostingMatch(posting_id=pk, matched_at=now) for pk in posting_ids], ignore_conflicts=True
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO alerts_alertpostingmatch (posting_id, matched_at)
               SELECT id, %(now)s FROM postings_posting
               WHERE published_at > %(since)s AND status = 'published' AND expires_at > %(now)s
               ON CONFLICT DO NOTHING""",
            {"now": now, "since": published_since},
        )


@transaction.atomic
def alerts_match_posting(*, posting_id: int, enqueue: bool = True) -> list[int]:
    """A posting was just published: record it for every instant alert it matches, and send on commit."""
    now = timezone.now()
    alert_ids = _matches_record(now=now, posting_ids=[posting_id], frequency=Frequency.INSTANT)
    _postings_mark_matched(posting_ids=[posting_id], now=now)
    if enqueue:
        deliveries_enqueue(alert_ids)
    return alert_ids


@transaction.atomic
def alerts_match_due(*, frequency: str, now: datetime | None = None, enqueue: bool = True) -> list[int]:
    """What beat runs (and `send_alerts`): match every alert of a frequency that is due, in one statement.

    Instant: postings published in the last half hour that the per-publish task has not handled (they came
    in another way, or the task was lost while Redis was away). Daily and weekly: every alert whose digest
    is due, against what was published since its last digest (its newest ten new matches are recorded and
    the rest counted); then its next digest is scheduled.
    """
    now = now or timezone.now()
    if frequency == Frequency.INSTANT:
        since = now - INSTANT_SWEEP_WINDOW
        alert_ids = _matches_record(now=now, published_since=since, unmatched_only=True, frequency=frequency)
        _postings_mark_matched(published_since=since, now=now)
    else:
        if not _digest_lock(frequency):
            return []  # another run is matching this frequency right now
        due = Alert.objects.with_frequency(frequency).digest_due(now)
        window_start = Greatest("matching_from", F("last_digest_at") - Value(DIGEST_OVERLAP))
        earliest = due.aggregate(start=Min(window_start))["start"]
        if earliest is None:
            return []
        since = max(earliest, now - DIGEST_MAX_LOOKBACK)
        alert_ids = _matches_record(now=now, published_since=since, frequency=frequency, digest_due=True)
        period = DIGEST_PERIODS[frequency]
        # Keep each alert on its own schedule; one that fell far behind (beat was down) restarts from now.
        due.update(
            last_digest_at=now,
            next_digest_at=Case(
                When(next_digest_at__gt=now - period, then=F("next_digest_at") + Value(period)),
                default=Value(now + period),
            ),
        )
    if enqueue:
        deliveries_enqueue(alert_ids)
    return alert_ids


def _digest_lock(frequency: str) -> bool:
    """One digest run per frequency at a time (released at commit): a second beat run waits for nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"alerts-digest-{frequency}"])
        return cursor.fetchone()[0]
