from django.contrib import admin
from django.urls import include, path

from newroles import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("newroles.accounts.urls")),
    path("", include("newroles.organisations.urls")),
    path("", include("newroles.audit.urls")),
    path("", include("newroles.imports.urls")),
    path("", include("newroles.roles.urls")),
    path("", include("newroles.mapping.urls")),
    path("", include("newroles.skillmix.urls")),
    path("", include("newroles.workforce.urls")),
    path("admin/", admin.site.urls),
]
