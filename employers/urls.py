from django.urls import path

from . import views

app_name = "employers"

urlpatterns = [
    path("<slug:slug>/", views.EmployerDetailView.as_view(), name="detail"),
]
