from django.urls import path

from newroles.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/<str:key>/", views.upload, name="upload"),
    path("imports/<str:key>/<str:token>/", views.map_columns, name="map"),
    path("imports/<str:key>/<str:token>/check/", views.check, name="check"),
    path("imports/<str:key>/<str:token>/check/progress/", views.progress, name="progress"),
    path("imports/<str:key>/<str:token>/errors.csv", views.errors_file, name="errors"),
    path("imports/<str:key>/<str:token>/commit/", views.commit, name="commit"),
]
