from django.urls import path

from newroles.forewarning import views

app_name = "forewarning"
urlpatterns = [
    path("forewarning/", views.events, name="events"),
    path("forewarning/add/", views.event_create, name="event_create"),
    path("forewarning/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("forewarning/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("forewarning/trusts/<str:ods_code>/", views.trust_events, name="trust"),
    path("forewarning/trusts/<str:ods_code>/calendar/", views.feed_reset, name="feed_reset"),
    # Calendar apps cannot sign in: the address is public and its token is the key (a wrong one is a 404).
    path("public/forewarning/<str:token>.ics", views.feed, name="feed"),
]
