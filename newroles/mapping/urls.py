from django.urls import path

from newroles.mapping import change_views, engagement_views, notice_views, views

app_name = "mapping"
urlpatterns = [
    path("map/", views.dashboard, name="dashboard"),
    path("map/coverage/", views.coverage, name="coverage"),
    path("map/regions/<str:code>/", views.region, name="region"),
    path("map/trusts/<str:ods_code>/", views.trust, name="trust"),
    path("map/trusts/<str:ods_code>/add/", views.deployment_create, name="deployment_create"),
    path("map/trusts/<str:ods_code>/titles/", views.titles, name="titles"),
    path("map/roles/<slug:slug>/", views.role, name="role"),
    path("map/deployments/", views.deployments, name="deployments"),
    path("map/deployments/<int:pk>/", views.deployment, name="deployment"),
    path("map/deployments/<int:pk>/edit/", views.deployment_edit, name="deployment_edit"),
    path("map/deployments/<int:pk>/delete/", views.deployment_delete, name="deployment_delete"),
    path("map/deployments/<int:pk>/resolve/", views.resolve, name="resolve"),
    # The guided questions on a deployment's skill-mix change (their addresses predate their move here).
    path("skill-mix/deployments/<int:pk>/", change_views.deployment_shifts, name="deployment_shifts"),
    path("skill-mix/deployments/<int:pk>/<str:which>/", change_views.shift_start, name="shift_start"),
    path("skill-mix/deployments/<int:pk>/<str:which>/<str:step>/", change_views.shift_step, name="shift_step"),
    path("map/engagements/", engagement_views.engagements, name="engagements"),
    path("map/engagements/add/", engagement_views.engagement_create, name="engagement_create"),
    path("map/engagements/<int:pk>/edit/", engagement_views.engagement_edit, name="engagement_edit"),
    path("map/engagements/<int:pk>/delete/", engagement_views.engagement_delete, name="engagement_delete"),
    # Notices from national and regional curators to trusts.
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/add/", notice_views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notice_views.notice, name="notice"),
    path("notices/<int:pk>/edit/", notice_views.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/send/", notice_views.notice_send, name="notice_send"),
    path("notices/<int:pk>/delete/", notice_views.notice_delete, name="notice_delete"),
    path("notices/<int:pk>/read/", notice_views.notice_read, name="notice_read"),
    # The staff record beside the map: a tab of the trust's staff-record pages, so under their address.
    path("workforce/<str:ods_code>/figures/", views.staff_record, name="staff_record"),
    path(
        "workforce/<str:ods_code>/suggestions/<int:pk>/<str:action>/",
        views.staff_record_suggestion,
        name="staff_record_suggestion",
    ),
]
