"""The employer's review of applicants; included under /employer/applicants/ by jobboard/urls.py."""

from django.urls import path

from . import views_review as views

app_name = "review"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.posting_applicants, name="posting"),
    path("jobs/<int:pk>/not-selected/", views.posting_bulk, name="posting-bulk"),
    path("jobs/<int:pk>/fill/", views.posting_fill, name="posting-fill"),
    path("<int:pk>/", views.application_detail, name="application"),
    path("<int:pk>/status/", views.application_status, name="application-status"),
    path("<int:pk>/notes/", views.application_note, name="application-note"),
    path("<int:pk>/resume/", views.application_resume, name="application-resume"),
    path("messages/<slug:slug>/", views.decision_messages, name="messages"),
]
