"""sitemap.xml: Django's sitemap index of paginated sections, kept cheap at a million postings.

A page of the jobs section is a COUNT and one primary-key-ordered slice of three columns; the employers
section groups the open postings once. The views are cached for 15 minutes (jobboard/urls.py). Entries use
SITE_URL, like the pages' canonical links; the index itself points at the host it was fetched from.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Posting

SECTION_LIMIT = 10_000


class CanonicalSitemap(Sitemap):
    """Entries on SITE_URL, like the pages' canonical links, whatever host the crawler asked."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PostingSitemap(CanonicalSitemap):
    limit = SECTION_LIMIT
    changefreq = "daily"

    def items(self):
        return Posting.objects.open().for_sitemap()

    def lastmod(self, posting: Posting):
        return posting.updated_at

    def get_latest_lastmod(self):
        # Django's default would load every item to take the maximum.
        return Posting.objects.open().last_updated()


class EmployerSitemap(CanonicalSitemap):
    """Employers with at least one open posting."""

    limit = SECTION_LIMIT
    changefreq = "daily"

    def items(self) -> list:
        # The index and the page both read the items: load them once per request.
        if not hasattr(self, "_employers"):
            self._employers = Posting.objects.open().employer_pages()
        return self._employers

    def lastmod(self, employer):
        return employer.lastmod

    def get_latest_lastmod(self):
        return max((employer.lastmod for employer in self.items()), default=None)


STATIC_PAGES = ["pages:contact", "pages:terms", "pages:privacy"]


class StaticSitemap(CanonicalSitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["postings:home", "postings:list", "employers:directory", "dashboard:home", *STATIC_PAGES]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"jobs": PostingSitemap, "employers": EmployerSitemap, "pages": StaticSitemap}
