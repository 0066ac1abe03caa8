from django.urls import path

from newroles.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/briefing/", views.briefing, name="briefing"),
    path("reports/briefing/pdf/", views.briefing_pdf, name="briefing_pdf"),
    path("reports/trusts/<str:ods_code>/", views.trust, name="trust"),
    path("reports/trusts/<str:ods_code>/pdf/", views.trust_pdf, name="trust_pdf"),
    path("reports/roles/<slug:slug>/", views.role, name="role"),
    path("reports/roles/<slug:slug>/pdf/", views.role_pdf, name="role_pdf"),
    path("reports/downloads/<str:token>/", views.progress, name="progress"),
    path("reports/downloads/<str:token>/file/", views.download, name="download"),
    path("reports/snapshots/", views.snapshots, name="snapshots"),
    path("reports/snapshots/freeze/", views.freeze, name="freeze"),
    path("reports/snapshots/compare/", views.compare, name="compare"),
    path("reports/snapshots/<int:pk>/", views.snapshot, name="snapshot"),
    path("reports/snapshots/<int:pk>/pdf/", views.snapshot_pdf, name="snapshot_pdf"),
]
