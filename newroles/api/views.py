"""Making and revoking personal API tokens, from the account page (a panel there lists them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.api import services
from newroles.api.forms import TokenForm
from newroles.api.models import ApiToken


@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a token; its secret is on the page that answers the POST, once, and stored nowhere."""
    user = policy.require_user(request.user)
    if not policy.may_create_api_token(user, request):
        raise PermissionDenied("Confirm your second factor before making an API token.")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_token(
                actor=user, user=user, name=form.cleaned_data["name"], request=request,
                read_only=form.cleaned_data["read_only"], expires_at=form.expires_at(),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error("name" if "name" in getattr(exc, "error_dict", {}) else None, exc.messages)
        else:
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of your own tokens (another person's is not found)."""
    user = policy.require_user(request.user)
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    services.revoke_token(actor=user, token=token)
    messages.success(request, f"The token ‘{token.name}’ is revoked: it no longer works.")
    return redirect("accounts:profile")
