from django.urls import path

from jobboard.db import replica_reads

from . import views
from .feeds import PostingFeed

app_name = "postings"

urlpatterns = [
    path("", views.home, name="home"),
    # Anonymous search and feeds read from the replica when there is one (jobboard/db.py).
    path("jobs/", replica_reads(views.PostingListView.as_view()), name="list"),
    path("jobs/feed/", replica_reads(PostingFeed()), name="feed"),
    path("jobs/<int:pk>/", views.posting_detail, name="detail-short"),
    path("jobs/<int:pk>/report/", views.posting_report, name="report"),
    path("jobs/<int:pk>/<slug:slug>/", views.posting_detail, name="detail"),
]
