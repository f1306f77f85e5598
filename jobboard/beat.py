"""Beat's scheduler: redbeat (one beat at a time across hosts, the schedule in Redis), surviving Redis outages.

redbeat's own scheduler extends its lock at every tick and lets the error end beat when Redis is away, so
after a blip no sweep ran again until someone restarted beat, and what the outbox owed waited. This one
waits for Redis instead, then takes the lock again (or waits for it, as at start, if another beat has it)
and writes the schedule back, since a Redis restarted without its data has lost both.
"""

from __future__ import annotations

import logging

from redbeat import RedBeatScheduler
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class ResilientRedBeatScheduler(RedBeatScheduler):
    _redis_lost = False

    def tick(self, *args, **kwargs):
        try:
            if self._redis_lost:
                self._recover()
            return super().tick(*args, **kwargs)
        except RedisError as error:
            if not self._redis_lost:
                logger.warning("beat: Redis unavailable (%s); waiting for it", error)
            self._redis_lost = True
            return RETRY_SECONDS

    def _recover(self) -> None:
        if self.lock is not None and not self.lock.owned():
            self.lock.acquire()  # blocks while another beat holds it, as at start
        self.setup_schedule()
        self._redis_lost = False
        logger.warning("beat: Redis is back; lock and schedule restored")
