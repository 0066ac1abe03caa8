from django.urls import path

from newroles.workforce import crosswalk_views, views, views_recounts, views_trends

app_name = "workforce"
urlpatterns = [
    path("workforce/", views.index, name="index"),
    path("workforce/national/", views.national, name="national"),
    path("workforce/national/quality/", views.national_quality, name="national_quality"),
    path("workforce/national/trends/", views_trends.national_trends, name="national_trends"),
    path("workforce/catalogue-proposals/", views.aliases, name="aliases"),
    path("workforce/recounts/<int:pk>/", views_recounts.recount, name="recount"),
    path("workforce/recounts/<int:pk>/progress/", views_recounts.recount_progress, name="recount_progress"),
    path("workforce/coding-proposal/", crosswalk_views.coding_crosswalk, name="crosswalk"),
    path("workforce/<str:ods_code>/", views.trust, name="trust"),
    path("workforce/<str:ods_code>/import/", views.upload, name="upload"),
    path("workforce/<str:ods_code>/extracts/<int:pk>/", views.import_detail, name="import"),
    path("workforce/<str:ods_code>/extracts/<int:pk>/progress/", views.import_progress, name="progress"),
    path("workforce/<str:ods_code>/extracts/<int:pk>/cancel/", views.import_cancel, name="cancel"),
    path("workforce/<str:ods_code>/titles/", views.titles, name="titles"),
    path("workforce/<str:ods_code>/quality/", views.trust_quality, name="quality"),
    path("workforce/<str:ods_code>/trends/", views_trends.trust_trends, name="trends"),
    # The staff record beside the map (figures/, suggestions/) is the map's page: mapping/urls.py.
]
