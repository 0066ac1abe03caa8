from django.contrib import admin
from django.urls import include, path

from newroles import views
from newroles.accounts.lockout import admin_sign_in
from newroles.api.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("newroles.accounts.urls")),
    path("", include("newroles.organisations.urls")),
    path("", include("newroles.audit.urls")),
    path("", include("newroles.imports.urls")),
    path("", include("newroles.roles.urls")),
    path("", include("newroles.mapping.urls")),
    path("", include("newroles.skillmix.urls")),
    path("", include("newroles.workforce.urls")),
    path("", include("newroles.forewarning.urls")),
    path("", include("newroles.funding.urls")),
    path("", include("newroles.readiness.urls")),
    path("", include("newroles.evidence.urls")),
    path("", include("newroles.reports.urls")),
    path("", include("newroles.api.urls")),
    path("api/v1/", api.urls),
    path("admin/login/", admin_sign_in),  # the admin signs in through the site's throttled, two-factor sign-in
    path("admin/", admin.site.urls),
]

# The 403 page says what to do next according to whose page it is (a trust's or a national one).
handler403 = "newroles.accounts.denied.permission_denied"
