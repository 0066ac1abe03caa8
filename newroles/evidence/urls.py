from django.urls import path

from newroles.evidence import analysis_views, exchange_views, views

app_name = "evidence"
urlpatterns = [
    path("evidence/", views.index, name="index"),
    path("evidence/sources/upload/", views.upload, name="upload"),
    path("evidence/sources/review/<str:token>/", views.review, name="review"),
    path("evidence/sources/<int:pk>/", views.source, name="source"),
    path("evidence/sources/<int:pk>/code/", views.code_span, name="code_span"),
    path("evidence/segments/<int:pk>/remove/", views.uncode, name="uncode"),
    path("evidence/memos/<str:kind>/<int:pk>/", views.memo, name="memo"),
    path("evidence/codebook/", views.codebook, name="codebook"),
    path("evidence/codes/<int:pk>/", views.code, name="code"),
    path("evidence/participants/", views.participants, name="participants"),
    path("evidence/participants/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("evidence/local-names/", views.local_names, name="local_names"),
    path("evidence/agreement/", analysis_views.agreement_page, name="agreement"),
    path("evidence/matrix/", analysis_views.matrix, name="matrix"),
    path("evidence/matrix.xlsx", analysis_views.matrix_export, name="matrix_export"),
    path("evidence/frequencies/", analysis_views.frequencies, name="frequencies"),
    path("evidence/quotes/", analysis_views.quotes, name="quotes"),
    path("evidence/segments/<int:pk>/quote/", analysis_views.make_quote, name="make_quote"),
    path("evidence/quotes/<int:pk>/publish/", analysis_views.publish, name="publish"),
    path("evidence/case-studies/", analysis_views.case_studies, name="case_studies"),
    path("evidence/case-studies/<int:pk>/", analysis_views.case_study, name="case_study"),
    path("evidence/deployments/<int:pk>/classify/", analysis_views.classify, name="classify"),
    path("evidence/classifications/", analysis_views.classifications, name="classifications"),
    path("evidence/exchange/project.qdpx", exchange_views.export, {"fmt": "qdpx"}, name="export_project"),
    path("evidence/exchange/codebook.qdc", exchange_views.export, {"fmt": "qdc"}, name="export_codebook"),
    path("evidence/exchange/import/", exchange_views.import_file, name="import_refi"),
]
