from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.core.files.storage import FileSystemStorage, storages
from django.http import Http404
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView
from django.views.static import serve

from postings.sitemaps import SITEMAPS

from . import views
from .db import replica_reads

SITEMAP_CACHE_SECONDS = 15 * 60

urlpatterns = [
    # First: postings' /jobs/<id>/<slug>/ would otherwise take /jobs/<id>/apply/ for a stale slug.
    path("", include("applicants.urls")),
    path("", include("postings.urls")),
    path("employers/", include("employers.urls.public")),
    path("alerts/", include("alerts.urls")),
    path("employer/", include("employers.urls.dashboard")),
    path("accounts/", include("allauth.urls")),
    path("admin/login/", views.admin_login, name="admin-login"),  # before the admin's own (views.admin_login)
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    # Crawlers fetch these often and every page of them is a scan: a short cache keeps that cheap.
    path(
        "sitemap.xml",
        replica_reads(cache_page(SITEMAP_CACHE_SECONDS)(sitemaps_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        replica_reads(cache_page(SITEMAP_CACHE_SECONDS)(sitemaps_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]


# Uploaded logos kept on this host's disk (`make run`, or a single host): served from MEDIA_ROOT, which holds
# nothing private (resumes live elsewhere). With an object store (S3_MEDIA_BUCKET) pages link to its URLs and
# this answers 404.
def media(request, path):
    if not isinstance(storages["default"], FileSystemStorage):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media, name="media"))
