"""Sign in and out, passwords, and a trust's members (managed by the trust's managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy, services
from newroles.accounts.forms import (
    AcceptInvitationForm,
    AddMemberForm,
    ChangeRoleForm,
    PasswordChangeForm,
    SignInForm,
)
from newroles.accounts.models import Membership, User, trust_model


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = policy.require_user(request.user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(actor=user, user=user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed.")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password})


def profile(request: HttpRequest) -> HttpResponse:
    # Panels ("accounts.profile") receive the page's context: `request`, `user` and `memberships`.
    return render(request, "accounts/profile.html", {"memberships": request.user.memberships.select_related("trust")})


def _managed_trust(request: HttpRequest, ods_code: str) -> Any:
    trust = get_object_or_404(trust_model(), ods_code=ods_code.upper())
    if not policy.can_see_in(request.user, trust.pk):
        from django.http import Http404

        raise Http404("Not found")  # the member list is private to the trust
    return trust


def members(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust = _managed_trust(request, ods_code)
    rows = trust.memberships.select_related("user").order_by("user__email")
    can_manage = policy.can_manage(request.user, trust.pk)
    invited = trust.invitations.filter(accepted_at=None, expires_at__gt=timezone.now()) if can_manage else []
    return render(
        request,
        "accounts/members.html",
        {"trust": trust, "memberships": rows, "can_manage": can_manage, "invitations": invited},
    )


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, ods_code: str) -> HttpResponse:
    trust = _managed_trust(request, ods_code)
    if not policy.can_manage(request.user, trust.pk):
        raise PermissionDenied("Only the trust's managers add members.")
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invite_member(actor=request.user, trust=trust, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)  # the services name the field ("email") themselves
        else:
            messages.success(
                request,
                f"We have emailed an invitation to {invitation.email} to join as "
                f"{invitation.get_role_display().lower()}. They become a member when they accept it.",
            )
            return redirect("accounts:members", trust.ods_code)
    return render(request, "accounts/member_add.html", {"trust": trust, "form": form})


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: a newcomer chooses a password; someone with an account signs in and accepts.

    Public, because a newcomer has no account yet; only the owner of the invited address holds the link.
    """
    invite = services.find_invitation(token)
    if invite is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invite.email).first()
    if existing is not None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.is_authenticated and request.user.pk != getattr(existing, "pk", None):
        return render(request, "accounts/invitation_invalid.html", {"other_account": True}, status=403)
    if existing is not None:
        if request.method == "POST":
            membership = services.accept_invitation(invitation=invite, user=existing)
            messages.success(request, f"You are now a member of {membership.trust.name}.")
            return redirect(membership.trust.get_absolute_url())
        return render(request, "accounts/invitation_accept.html", {"invitation": invite})
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.join_by_invitation(
                invitation=invite,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome. You are now a member of {invite.trust.name}.")
            return redirect(invite.trust.get_absolute_url())
    return render(request, "accounts/invitation_join.html", {"invitation": invite, "form": form})


@require_POST
def member_role(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    trust = _managed_trust(request, ods_code)
    membership = get_object_or_404(Membership, pk=pk, trust=trust)
    if not policy.can_manage(request.user, trust.pk):
        raise PermissionDenied("Only the trust's managers change roles.")
    form = ChangeRoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_member_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, f"{membership.user.email} is now {membership.get_role_display()}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("accounts:members", trust.ods_code)


@require_POST
def member_remove(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    trust = _managed_trust(request, ods_code)
    membership = get_object_or_404(Membership, pk=pk, trust=trust)
    if not policy.can_manage(request.user, trust.pk):
        raise PermissionDenied("Only the trust's managers remove members.")
    try:
        email = membership.user.email
        services.remove_member(actor=request.user, membership=membership)
        messages.success(request, f"{email} removed from {trust.name}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:members", trust.ods_code)
