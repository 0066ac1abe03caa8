from django.urls import path

from newroles.readiness import views

app_name = "readiness"
urlpatterns = [
    path("readiness/", views.index, name="index"),
    path("readiness/national/", views.national_page, name="national"),
    path("readiness/trusts/<str:ods_code>/", views.trust_list, name="trust"),
    path("readiness/deployments/<int:pk>/", views.deployment_summary, name="deployment"),
    path("readiness/deployments/<int:pk>/check/", views.assess, name="assess"),
    path("readiness/deployments/<int:pk>/print/", views.deployment_print, name="print"),
    path("readiness/deployments/<int:pk>/panel/", views.deployment_panel, name="panel"),
    path("readiness/checks/<int:pk>/", views.assessment, name="assessment"),
]
