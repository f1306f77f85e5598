from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_create, name="new"),
    path("confirm/<str:token>/", views.alert_confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.alert_unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.alert_manage, name="manage"),
    path("<int:pk>/", views.alert_update, name="update"),
]
