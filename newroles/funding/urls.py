from django.urls import path

from newroles.funding import views

app_name = "funding"
urlpatterns = [
    path("funding/national/", views.national, name="national"),
    path("funding/trusts/<str:ods_code>/", views.trust, name="trust"),
    path("funding/trusts/<str:ods_code>/add/", views.line_create, name="line_create"),
    path("funding/lines/<int:pk>/", views.line, name="line"),
    path("funding/lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("funding/lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
]
