"""/employer/: where members of an organisation post and manage jobs, review applicants and run their team.

Every page of an organisation is under /employer/<slug>/ and passes `employer_required`. The few paths that
come before <slug> (new/, invitations/, still-open/, applicants/) are reserved: no organisation takes
them as its slug (employers/services.py RESERVED_SLUGS).
"""

from django.urls import include, path

from ..views import dashboard, review, team

app_name = "dashboard"

review_patterns = [
    path("", review.index, name="review"),
    path("jobs/<int:pk>/", review.posting_applicants, name="review-posting"),
    path("jobs/<int:pk>/not-selected/", review.posting_bulk, name="review-posting-bulk"),
    path("jobs/<int:pk>/not-selected/undo/", review.posting_bulk_undo, name="review-posting-bulk-undo"),
    path("jobs/<int:pk>/fill/", review.posting_fill, name="review-posting-fill"),
    path("<int:pk>/", review.application_detail, name="review-application"),
    path("<int:pk>/status/", review.application_status, name="review-application-status"),
    path("<int:pk>/notes/", review.application_note, name="review-application-note"),
    path("<int:pk>/resume/", review.application_resume, name="review-application-resume"),
    path("messages/", review.decision_messages, name="review-messages"),
]

# Where the review was before each organisation had its own: each answers with a redirect to the new place.
moved_review_patterns = [
    path("", review.moved_index),
    path("jobs/<int:pk>/", review.moved_posting, {"to": "dashboard:review-posting"}),
    path("jobs/<int:pk>/not-selected/", review.moved_posting, {"to": "dashboard:review-posting-bulk"}),
    path("jobs/<int:pk>/fill/", review.moved_posting, {"to": "dashboard:review-posting-fill"}),
    path("<int:pk>/", review.moved_application, {"to": "dashboard:review-application"}),
    path("<int:pk>/status/", review.moved_application, {"to": "dashboard:review-application-status"}),
    path("<int:pk>/notes/", review.moved_application, {"to": "dashboard:review-application-note"}),
    path("<int:pk>/resume/", review.moved_application, {"to": "dashboard:review-application-resume"}),
    path("messages/<slug:slug>/", review.moved_messages),
]

urlpatterns = [
    path("", dashboard.dashboard_home, name="home"),
    path("new/", dashboard.employer_new, name="employer-new"),
    path("invitations/<str:token>/", team.invitation_accept, name="invitation"),
    path("still-open/<str:token>/", dashboard.still_open, name="still-open"),
    path("applicants/", include(moved_review_patterns)),
    path("<slug:slug>/", dashboard.posting_list, name="postings"),
    path("<slug:slug>/edit/", dashboard.employer_edit, name="employer-edit"),
    path("<slug:slug>/bulk/", dashboard.posting_bulk, name="posting-bulk"),
    path("<slug:slug>/import/", dashboard.posting_import, name="posting-import"),
    path("<slug:slug>/team/", team.team, name="team"),
    path("<slug:slug>/team/<int:pk>/remove/", team.member_remove, name="member-remove"),
    path("<slug:slug>/team/<int:pk>/role/", team.member_role, name="member-role"),
    path("<slug:slug>/team/invitations/<int:pk>/withdraw/", team.invitation_withdraw, name="invitation-withdraw"),
    path("<slug:slug>/postings/new/", dashboard.posting_new, name="posting-new"),
    path("<slug:slug>/postings/<int:pk>/", dashboard.posting_detail, name="posting"),
    path("<slug:slug>/postings/<int:pk>/edit/", dashboard.posting_edit, name="posting-edit"),
    path("<slug:slug>/postings/<int:pk>/preview/", dashboard.posting_preview, name="posting-preview"),
    path("<slug:slug>/postings/<int:pk>/<str:action>/", dashboard.posting_action, name="posting-action"),
    path("<slug:slug>/applicants/", include(review_patterns)),
]
