"""Middleware of our own: the health check, answered before anything that could turn a load balancer away."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .views import healthz

HEALTHZ_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers /healthz first in the chain: a load balancer checks each backend over plain HTTP by its own
    address, so SecurityMiddleware's HTTPS redirect (301) and the ALLOWED_HOSTS check (400) must not see it.
    It reads no host and sets no cookie; what it checks is `jobboard.views.healthz`'s business."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH:
            return healthz(request)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """`Cache-Control: private` on every response made for one visitor: a signed-in user's, or one that sets a
    cookie (a session, a CSRF token). No shared cache (a proxy, a CDN) may then keep it and hand it to someone
    else. Placed outside the session and CSRF middleware, whose cookies are set on the way out. Responses that
    already forbid storing (never_cache) are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = bool(response.cookies) or (user is not None and user.is_authenticated)
        if personal and "private" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True)
        return response
