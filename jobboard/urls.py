from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView

from postings.sitemaps import SITEMAPS

from . import views

SITEMAP_CACHE_SECONDS = 15 * 60

urlpatterns = [
    # First: postings' /jobs/<id>/<slug>/ would otherwise take /jobs/<id>/apply/ for a stale slug.
    path("", include("applicants.urls")),
    path("", include("postings.urls")),
    path("employers/", include("employers.urls.public")),
    path("alerts/", include("alerts.urls")),
    path("employer/", include("employers.urls.dashboard")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("jobboard.pages")),
    path("healthz", views.healthz, name="healthz"),
    # Crawlers fetch these often and every page of them is a scan: a short cache keeps that cheap.
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemaps_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemaps_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]
