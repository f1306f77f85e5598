"""Middleware of our own: the health check answered before anything that could turn a load balancer away,
request bodies bigger than any form accepts refused before they are read, and `Cache-Control: private` on one
visitor's pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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


class RequestBodyLimitMiddleware:
    """Django streams a multipart body to a temporary file before a form can look at the file's size, so a 100 MB
    upload used to be read whole (and written to disk) only to be refused as more than 5 MB. The declared length
    is known before the first byte of the body: answer 413 at once. A body without a declared length (chunked)
    is read by Django as empty, so it never gets further either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a body of unknown length as empty
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length > limit:
            context = {"length_mb": length / 1024 / 1024, "limit_mb": settings.RESUME_MAX_BYTES // (1024 * 1024)}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
