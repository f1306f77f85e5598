"""Page views of a posting: counted in Redis as they happen, added to the postings in batches."""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from redis import Redis
from redis.exceptions import RedisError, ResponseError

logger = logging.getLogger(__name__)

VIEWS_KEY = "postings:views"
VIEWS_FLUSHING_KEY = "postings:views:flushing"


@cache
def _redis() -> Redis:
    return Redis.from_url(settings.REDIS_URL)


def posting_record_view(*, posting_id: int) -> None:
    """Count one view of a posting's page: one HINCRBY in Redis, because updating the posting's row on
    every view would make popular postings' rows a point of contention and bloat the table."""
    try:
        _redis().hincrby(VIEWS_KEY, str(posting_id), 1)
    except RedisError:
        logger.warning("could not count a view of posting %s", posting_id)  # a lost view is no reason to fail


def posting_views_flush() -> int:
    """Add the views counted in Redis to the postings, in one set-based UPDATE; returns postings updated.

    RENAME hands the counts over atomically: views counted meanwhile start a fresh hash. A crash after
    the UPDATE commits but before the hash is deleted counts that batch twice on the next run; view counts
    are a guide for employers, not a ledger, and that window is one statement wide.
    """
    client = _redis()
    if not client.exists(VIEWS_FLUSHING_KEY):
        try:
            client.rename(VIEWS_KEY, VIEWS_FLUSHING_KEY)
        except ResponseError:  # no views counted since the last flush
            return 0
    counts = {int(k): int(v) for k, v in client.hgetall(VIEWS_FLUSHING_KEY).items()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE postings_posting AS p SET view_count = p.view_count + v.n
            FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS n) AS v
            WHERE p.id = v.id
            """,
            [list(counts), list(counts.values())],
        )
        updated = cursor.rowcount
    client.delete(VIEWS_FLUSHING_KEY)
    return updated
