from django.urls import path

from newroles.accounts import mfa_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/second-factor/", mfa_views.verify, name="mfa_verify"),
    path("accounts/second-factor/set-up/", mfa_views.enrol, name="mfa_enrol"),
    path("accounts/second-factor/recovery-codes/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("accounts/invitations/<str:token>/", views.invitation, name="invitation"),
    path("trusts/<str:ods_code>/members/", views.members, name="members"),
    path("trusts/<str:ods_code>/members/add/", views.member_add, name="member_add"),
    path("trusts/<str:ods_code>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("trusts/<str:ods_code>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
