"""Which database a query uses: the primary, or a streaming replica (DATABASE_REPLICA_URL) for the pages an
anonymous visitor reads (search, feeds, sitemaps), which are most of the traffic and may be a second stale.

A view opts in with `@replica_reads`; the router then sends that request's reads to the replica unless the
visitor is signed in or changed something a moment ago (a cookie set on every POST: "read your writes"),
or the read is inside a transaction. Writes and `select_for_update` (Django routes it as a write) use the
primary. Raw SQL that reads for a queryset uses that queryset's database (`connections[queryset.db]`); raw
SQL in services, which writes, takes advisory locks or must see the latest commit (alert matching inserts
its ledger rows in the statement that matches), uses `django.db.connection`: always the primary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
WROTE_COOKIE = "wrote_at"

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


def replica_configured() -> bool:
    return bool(settings.DATABASE_REPLICA_URL) and REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_allowed.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by itself


def wrote_recently(request) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    return time.time() - wrote_at < settings.READ_YOUR_WRITES_SECONDS


@contextmanager
def replica_allowed(allowed: bool = True) -> Iterator[None]:
    """Within this block, reads outside transactions go to the replica (when one is configured)."""
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def replica_reads(view: Callable) -> Callable:
    """Let this view read from the replica for anonymous visitors who have not just written. The response is
    rendered here, so a template's lazy querysets read from the same database as the view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_allowed(not wrote_recently(request) and not request.user.is_authenticated):
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapper


class ReadYourWritesMiddleware:
    """After a POST (or any unsafe method), mark the browser for a few seconds, so the pages it reads next
    come from the primary and show the change even while the replica lags."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.0f}",
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
