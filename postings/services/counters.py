"""Page views of a posting: counted in Redis as they happen, added to the postings in batches."""

from __future__ import annotations

import logging
import uuid
from functools import cache

from django.conf import settings
from django.db import connections, router, transaction
from redis import Redis
from redis.exceptions import RedisError

from postings.models import Posting

logger = logging.getLogger(__name__)

VIEWS_KEY = "postings:views"
VIEWS_FLUSHING_KEY = "postings:views:flushing"
VIEWS_LEASE_KEY = "postings:views:flushing:lease"


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


# A flush takes the batch in one atomic step, under a lease: with beat on every worker host, two flushes may
# start together, and only one may hold a batch, or both would add the same counts. The lease outlives the
# task's time limit; a flush that dies leaves its batch to the next one once the lease runs out.
FLUSH_LEASE_SECONDS = 600
_CLAIM = """
if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'EX', ARGV[2]) == false then
    return false
end
if redis.call('EXISTS', KEYS[2]) == 0 then
    if redis.call('EXISTS', KEYS[1]) == 0 then
        redis.call('DEL', KEYS[3])
        return false
    end
    redis.call('RENAME', KEYS[1], KEYS[2])
end
return redis.call('HGETALL', KEYS[2])
"""
_RELEASE = """
if redis.call('GET', KEYS[2]) == ARGV[1] then
    redis.call('DEL', KEYS[1], KEYS[2])
end
"""


def posting_views_flush() -> int:
    """Add the views counted in Redis to the postings, in one set-based UPDATE; returns postings updated.

    The claim (a Lua script, so atomic) renames the counts to a batch that views counted meanwhile do not
    touch, and a flush that finds another one's lease does nothing. A crash after the UPDATE commits but
    before the batch is released counts that batch twice when the lease expires; view counts are a guide for
    employers, not a ledger, and that window is one statement wide.
    """
    client = _redis()
    token = uuid.uuid4().hex
    keys = [VIEWS_KEY, VIEWS_FLUSHING_KEY, VIEWS_LEASE_KEY]
    batch = client.eval(_CLAIM, len(keys), *keys, token, FLUSH_LEASE_SECONDS)
    if not batch:
        return 0
    counts = {int(k): int(v) for k, v in zip(batch[::2], batch[1::2], strict=True)}
    with transaction.atomic(using=_database()), connections[_database()].cursor() as cursor:
        cursor.execute(
            """
            UPDATE postings_posting AS p SET view_count = p.view_count + v.n
            FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS n) AS v
            WHERE p.id = v.id
            """,
            [list(counts), list(counts.values())],
        )
        updated = cursor.rowcount
    client.eval(_RELEASE, 2, VIEWS_FLUSHING_KEY, VIEWS_LEASE_KEY, token)
    return updated


def _database() -> str:
    return router.db_for_write(Posting)
