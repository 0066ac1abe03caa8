from django.urls import path

from newroles.audit import views

app_name = "audit"
urlpatterns = [
    path("history/<str:model>/<str:pk>/", views.history, name="history"),
    path("audit/", views.audit_log, name="list"),
]
