from django.urls import path

from newroles.organisations import views

app_name = "organisations"
urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("regions/<str:code>/", views.region, name="region"),
    path("trusts/", views.trusts, name="trusts"),
    path("trusts/<str:ods_code>/", views.trust, name="trust"),
    path("trusts/<str:ods_code>/contact/", views.trust_contact, name="trust_contact"),
    path("trusts/<str:ods_code>/teams/", views.teams, name="teams"),
    path("trusts/<str:ods_code>/teams/add/", views.team_create, name="team_create"),
    path("trusts/<str:ods_code>/teams/<int:pk>/", views.team, name="team"),
    path("trusts/<str:ods_code>/teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("trusts/<str:ods_code>/teams/<int:pk>/delete/", views.team_delete, name="team_delete"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/add/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
