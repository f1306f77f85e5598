"""The client's address, and the per-hour limits that every form open to abuse shares.

One notion of "the client" for every limit, allauth's sign-in limits included (jobboard.accounts routes its
adapter here): behind `TRUSTED_PROXY_COUNT` proxies that each append to X-Forwarded-For, the address the
outermost of them saw; with none, the connection's own address. Counters live in the shared cache (Redis), so
every web process sees the same counts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

# What a form over its limit says above the fields, which keep what was typed; the page answers 429.
TOO_MANY_MESSAGE = "You have sent this form many times in the last hour. Please try again later."
IPV6_PREFIX = 64  # one IPv6 client usually holds a whole /64: counting single addresses would be no limit


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def _parsed(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip().strip("[]")))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the client, as the trusted proxies in front of us saw it.

    Entries left of the trusted ones are whatever the client wrote, so they are never read. A request that
    came through fewer proxies than configured (a health check, a misconfiguration) counts as the leftmost
    address it has rather than failing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = _parsed(hops[-min(trusted, len(hops))])
            if address:
                return address
    return _parsed(remote) or remote or "unknown"


def _client_key(request: HttpRequest) -> str:
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def rate_limit_allows(request: HttpRequest, *, action: str) -> bool:
    """Count one `action` (a name in settings.RATE_LIMITS) and say whether it is within its limit.

    A signed-in user is counted as themselves (an office behind one address is many people); anyone else by
    their address. A fixed window from the first request. When the cache cannot count, the request is let
    through: a limit must never be the reason a page fails.
    """
    limit = Limit(*settings.RATE_LIMITS[action])
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"client:{_client_key(request)}"
    # Keys carry a keyed hash, never an address.
    key = f"ratelimit:{action}:{salted_hmac('jobboard.ratelimits', who).hexdigest()}"
    cache.add(key, 0, timeout=limit.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=limit.seconds)
        return True
    return count is None or count <= limit.count
