from django.urls import path

from newroles.roles import component_views, views

app_name = "roles"
urlpatterns = [
    path("roles/", views.catalogue, name="catalogue"),
    path("roles/compare/", views.compare, name="compare"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
    path("roles/<slug:slug>/edit/", views.role_edit, name="role_edit"),
    path("roles/<slug:slug>/adoptions/", views.adoptions, name="adoptions"),
    path("search/", views.search, name="search"),
    path("packs/", views.packs, name="packs"),
    path("packs/import/", views.pack_import, name="pack_import"),
    path("packs/<int:pk>/", views.pack_detail, name="pack"),
    path("packs/<int:pk>/adopt/", views.pack_adopt, name="pack_adopt"),
    path("packs/<int:pk>/share/", views.pack_share, name="pack_share"),
    path("packs/<int:pk>/review/", views.pack_review, name="pack_review"),
    path("packs/<int:pk>/export.zip", views.pack_export, name="pack_export"),
    path("packs/<int:pk>/export.docx", views.pack_export_docx, name="pack_export_docx"),
    path("packs/<int:pk>/components/<str:key>/export.docx", views.component_export_docx, name="component_export_docx"),
    path("packs/<int:pk>/components/<str:key>/import/", views.component_import, name="component_import"),
    path("packs/<int:pk>/components/<str:key>/edit/", component_views.component_edit, name="component_edit"),
    path("packs/<int:pk>/components/<str:key>/preview/", component_views.component_preview, name="component_preview"),
    path("documents/", views.documents, name="documents"),
    path("documents/upload/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/change/", views.document_change, name="document_change"),
    path("documents/<int:pk>/version/", views.document_version, name="document_version"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/download/<int:number>/", views.document_download, name="document_download_version"),
    path("public/documents/<int:pk>/", views.public_document, name="public_document"),
]
