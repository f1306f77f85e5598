from django.urls import path

from ..views import public

app_name = "employers"

urlpatterns = [
    path("<slug:slug>/", public.EmployerDetailView.as_view(), name="detail"),
]
