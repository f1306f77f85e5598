from django.urls import path

from . import views

app_name = "applicants"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile_edit, name="profile-edit"),
    path("me/credentials/new/", views.credential_edit, name="credential-create"),
    path("me/credentials/<int:pk>/", views.credential_edit, name="credential-edit"),
    path("me/credentials/<int:pk>/delete/", views.credential_delete, name="credential-delete"),
    path("me/resume/", views.resume_upload, name="resume"),
    path("me/resume/download/", views.resume_download, name="resume-download"),
    path("me/resume/delete/", views.resume_delete, name="resume-delete"),
    path("me/applications/", views.application_list, name="applications"),
    path("me/applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("me/applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("me/applications/<int:pk>/resume/", views.application_resume, name="application-resume"),
    path("me/saved/", views.saved_list, name="saved"),
    path("me/privacy/", views.privacy, name="privacy"),
    path("me/privacy/export/", views.data_export, name="export"),
    path("me/privacy/delete/", views.account_delete, name="delete"),
    path("jobs/<int:pk>/apply/", views.apply, name="apply"),
    path("jobs/<int:pk>/save/", views.saved_toggle, name="save"),
]
