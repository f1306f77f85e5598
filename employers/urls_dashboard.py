"""/employer/: the dashboard where members of an organisation post and manage jobs and their team."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("new/", views.employer_new, name="employer-new"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("still-open/<str:token>/", views.still_open, name="still-open"),
    path("<slug:slug>/", views.posting_list, name="postings"),
    path("<slug:slug>/edit/", views.employer_edit, name="employer-edit"),
    path("<slug:slug>/bulk/", views.posting_bulk, name="posting-bulk"),
    path("<slug:slug>/import/", views.posting_import, name="posting-import"),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("<slug:slug>/team/<int:pk>/role/", views.member_role, name="member-role"),
    path("<slug:slug>/team/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation-withdraw"),
    path("<slug:slug>/postings/new/", views.posting_new, name="posting-new"),
    path("<slug:slug>/postings/<int:pk>/", views.posting_detail, name="posting"),
    path("<slug:slug>/postings/<int:pk>/edit/", views.posting_edit, name="posting-edit"),
    path("<slug:slug>/postings/<int:pk>/preview/", views.posting_preview, name="posting-preview"),
    path(
        "<slug:slug>/postings/<int:pk>/<str:action>/",
        views.posting_action,
        name="posting-action",
    ),
]
