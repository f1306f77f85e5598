"""Public pages cached briefly for anonymous visitors; what, for whom and how long: docs/caching.md.

A copy is shared only when nothing of the visitor can be in it: a GET or HEAD without a session cookie (so
never a signed-in user), without an Authorization header or a message waiting to be shown, whose response
sets no cookie, writes no session and queues no message. Every other response of a cached page is rendered
for its visitor and marked private, so no browser or proxy shares it either.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import (
    add_never_cache_headers,
    get_cache_key,
    get_max_age,
    learn_cache_key,
    patch_response_headers,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY_PREFIX = "anonymous"
# A page, and a closed posting's "gone" page, which crawlers keep asking for long after it closed.
CACHED_STATUSES = frozenset({200, 410})


def cache_anonymous(view: Callable) -> Callable:
    """Serve anonymous GET and HEAD requests of `view` from the cache for settings.ANONYMOUS_CACHE_SECONDS.

    The key is Django's cache_page key: the full URL with its query string, and the request headers the view
    names in Vary (HX-Request on /jobs/). Only GET responses are stored; HEAD is answered from their copy.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if _is_personal(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)  # Cache-Control: private, no-store, ...
            return response
        seconds = settings.ANONYMOUS_CACHE_SECONDS
        if seconds <= 0:
            return view(request, *args, **kwargs)
        cached = _fetch(request)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):  # a TemplateResponse: store what it renders
            response.add_post_render_callback(lambda rendered: _store(request, rendered, seconds))
        else:
            _store(request, response, seconds)
        return response

    return wrapper


def _is_personal(request: HttpRequest) -> bool:
    """Whether this visitor's page may differ from everyone else's. Costs no query: without a session cookie,
    the user is anonymous without reading the session table."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "Authorization" in request.headers
        or request.user.is_authenticated
        or len(get_messages(request)) > 0  # counted without being marked as shown
    )


def _fetch(request: HttpRequest) -> HttpResponseBase | None:
    key = get_cache_key(request, KEY_PREFIX, "GET", cache=cache)
    response = cache.get(key) if key else None
    if response is None:
        return None
    # Its age, as Django's cache middleware gives it, so a browser or proxy keeps it only for the time left:
    # the page is never more than ANONYMOUS_CACHE_SECONDS old wherever it is served from.
    expires, max_age = parse_http_date_safe(response.get("Expires", "")), get_max_age(response)
    if expires is not None and max_age is not None:
        response["Age"] = max(0, max_age - (expires - int(time.time())))
    return response


def _store(request: HttpRequest, response: HttpResponseBase, seconds: int) -> None:
    if response.streaming or response.status_code not in CACHED_STATUSES:
        return
    if _leaves_state(request, response):
        add_never_cache_headers(response)
        return
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in ("private", "no-cache", "no-store")):
        return  # the view said so
    patch_response_headers(response, seconds)  # Expires and Cache-Control: max-age
    if request.method != "GET":
        return
    key = learn_cache_key(request, response, seconds, KEY_PREFIX, cache=cache)
    # Learnt before Cookie joins Vary: this module decides which requests get the copy (_is_personal), so its
    # key needs only the view's own Vary headers; browsers and proxies, which cannot tell, keep signed-in and
    # anonymous visitors apart by their cookies.
    patch_vary_headers(response, ["Cookie"])
    cache.set(key, response, seconds)


def _leaves_state(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether this response carries something for this visitor alone. The middleware that set the session,
    CSRF and message cookies run after this decorator, so what they are about to set is read from the request."""
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or (session is not None and session.modified)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        or len(get_messages(request)) > 0  # a message added while rendering
        or request.user.is_authenticated  # signed in while rendering
    )


# -- The cache backend ----------------------------------------------------------------------------------------

# After a failure, Redis is left alone this long (per process), so a page does not wait out a timeout for each
# of its cache calls while Redis is away.
REDIS_RETRY_SECONDS = 5.0
_redis_down_until = 0.0


def _fail_open(fallback: Callable) -> Callable:
    """Run the cache call; when Redis cannot answer, log it and return what `fallback(*args, **kwargs)` says."""

    def decorate(method: Callable) -> Callable:
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            global _redis_down_until
            if time.monotonic() < _redis_down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
                logger.warning("cache unavailable, served without it: %s", error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, as a cache should be: when Redis is away every read misses and every write is
    dropped, so pages are built from PostgreSQL. Counters (`incr`) start again from nothing, so a limit counted
    in the cache lets requests through rather than refusing everyone; `add` says the key was added, so a lock
    taken in the cache (allauth's rate limits) is granted rather than waited for."""

    add = _fail_open(lambda *args, **kwargs: True)(RedisCache.add)
    get = _fail_open(lambda key, default=None, **kwargs: default)(RedisCache.get)
    set = _fail_open(lambda *args, **kwargs: None)(RedisCache.set)
    touch = _fail_open(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _fail_open(lambda *args, **kwargs: False)(RedisCache.delete)
    get_many = _fail_open(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *args, **kwargs: False)(RedisCache.has_key)
    incr = _fail_open(lambda key, delta=1, **kwargs: delta)(RedisCache.incr)
    set_many = _fail_open(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _fail_open(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _fail_open(lambda *args, **kwargs: False)(RedisCache.clear)
