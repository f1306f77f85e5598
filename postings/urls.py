from django.urls import path

from . import views
from .feeds import PostingFeed

app_name = "postings"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.PostingListView.as_view(), name="list"),
    path("jobs/feed/", PostingFeed(), name="feed"),
    path("jobs/places/", views.place_suggestions, name="place-suggestions"),
    path("jobs/<int:pk>/", views.posting_detail, name="detail-short"),
    path("jobs/<int:pk>/report/", views.posting_report, name="report"),
    path("jobs/<int:pk>/<slug:slug>/", views.posting_detail, name="detail"),
]
