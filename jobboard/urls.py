from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("postings.urls")),
    path("employers/", include("employers.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
