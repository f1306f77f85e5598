"""schema.org `Organization` for an employer's public page, built as a plain dict so it is easy to test.

Rendered by `{{ data|jsonld_script }}` (postings/templatetags/seo_tags.py), which does the escaping.
"""

from __future__ import annotations

from django.conf import settings

from .models import Employer


def organization(employer: Employer) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": employer.name,
        "url": settings.SITE_URL + employer.get_absolute_url(),
    }
    if employer.website:
        data["sameAs"] = [employer.website]
    if employer.logo:
        url = employer.logo.url  # relative on local storage, absolute on object storage
        data["logo"] = url if "://" in url else settings.SITE_URL + url
    if employer.locations:
        data["location"] = [{"@type": "Place", "name": location} for location in employer.locations]
    return data
