"""Request bodies bigger than any form accepts are refused before they are read.

Django streams a multipart body to a temporary file before a form can look at the file's size, so a 100 MB
upload used to be read whole (and written to disk) only to be refused as more than 5 MB. The declared length
is known before the first byte of the body: answer 413 at once. A body without a declared length (chunked)
is read by Django as empty, so it never gets further either.
"""

from django.conf import settings
from django.shortcuts import render


class RequestBodyLimitMiddleware:
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
