from django.urls import path

from ..views import public

app_name = "employers"

urlpatterns = [
    path("", public.EmployerDirectoryView.as_view(), name="directory"),
    path("<slug:slug>/", public.EmployerDetailView.as_view(), name="detail"),
]
