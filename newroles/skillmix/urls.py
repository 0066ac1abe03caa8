from django.urls import path

from newroles.skillmix import views, views_record

app_name = "skillmix"
urlpatterns = [
    path("skill-mix/", views.index, name="index"),
    path("skill-mix/compositions/add/", views.composition_create, name="composition_create"),
    path("skill-mix/compositions/<int:pk>/", views.composition, name="composition"),
    path("skill-mix/compositions/<int:pk>/edit/", views.composition_edit, name="composition_edit"),
    path("skill-mix/compositions/<int:pk>/delete/", views.composition_delete, name="composition_delete"),
    path("skill-mix/compositions/<int:pk>/posts/add/", views.post_add, name="post_add"),
    path("skill-mix/compositions/<int:pk>/posts/<int:post_pk>/edit/", views.post_edit, name="post_edit"),
    path("skill-mix/compositions/<int:pk>/posts/<int:post_pk>/delete/", views.post_delete, name="post_delete"),
    path("skill-mix/compositions/<int:pk>/competencies/", views.competencies_edit, name="competencies"),
    path("skill-mix/compositions/<int:pk>/scenarios/add/", views.scenario_create, name="scenario_create"),
    path("skill-mix/compositions/<int:pk>/compare/", views.compare, name="compare"),
    path("skill-mix/compositions/<int:pk>/record/", views_record.composition_record, name="composition_record"),
    path("skill-mix/record/<str:ods_code>/units/", views_record.units, name="record_units"),
    path(
        "skill-mix/record/<str:ods_code>/compositions/add/",
        views_record.composition_from_record,
        name="record_composition_create",
    ),
    path("skill-mix/scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("skill-mix/scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path("skill-mix/scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("skill-mix/scenarios/<int:pk>/changes/add/<str:kind>/", views.change_add, name="change_add"),
    path("skill-mix/scenarios/<int:pk>/changes/<int:change_pk>/delete/", views.change_delete, name="change_delete"),
]
