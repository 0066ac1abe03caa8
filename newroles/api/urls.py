from django.urls import path

from newroles.api import views

app_name = "api_tokens"
urlpatterns = [
    path("accounts/api-tokens/new/", views.token_create, name="create"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
