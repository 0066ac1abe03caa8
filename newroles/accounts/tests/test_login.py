"""Signing in and out, and that every page needs a signed-in user."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from newroles.accounts.middleware import PUBLIC_PREFIXES
from newroles.conftest import PASSWORD, client_for

LOGIN = reverse("accounts:login")
PLACEHOLDERS = {
    "int": "1",
    "str": "TAH",
    "path": "x/y",
    "slug": "a-slug",
    "uuid": "6f1c1c1e-0000-4000-8000-000000000000",
}


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every route pattern of the site, with placeholders in place of its parameters (admin: its index only)."""
    paths = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route == "admin/":
                paths.append("/admin/")
                continue
            paths.extend(_routes(entry, prefix + route))
        elif isinstance(entry, URLPattern) and not route.startswith("^"):
            full = prefix + route
            paths.append("/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: PLACEHOLDERS[m.group(1) or "str"], full))
    return sorted(set(paths))


# Pages deliberately public (signing in, the health check, ...) are those under the middleware's public prefixes.
ROUTES = [p for p in _routes(get_resolver()) if not p.startswith(PUBLIC_PREFIXES)]


def test_the_route_list_covers_the_foundation():
    for path in ["/", "/about/", "/trusts/TAH/teams/1/edit/", "/trusts/TAH/members/1/remove/",
                 "/imports/TAH/TAH/commit/", "/history/TAH/TAH/", "/audit/", "/accounts/password/"]:  # fmt: skip
        assert path in ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_users_are_sent_to_sign_in(path):
    client = Client()
    for response in (client.get(path), client.post(path, {"name": "x"})):
        assert response.status_code == 302
        assert response.url.startswith(LOGIN + "?next=")


@pytest.mark.django_db
def test_the_public_pages_need_no_sign_in():
    client = Client()
    assert client.get(LOGIN).status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_user_signs_in_with_email_and_password(alice):
    client = Client()
    response = client.post(LOGIN + "?next=/trusts/", {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/trusts/"
    assert client.get("/").status_code == 200
    assert client.get(LOGIN).url == reverse("home")  # already signed in


def test_a_wrong_password_is_refused(alice):
    client = Client()
    response = client.post(LOGIN, {"username": "alice@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get("/").status_code == 302


def test_an_inactive_user_cannot_sign_in(alice):
    alice.is_active = False
    alice.save()
    response = Client().post(LOGIN, {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 200


def test_signing_out_is_a_post(alice):
    client = client_for(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get("/").status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert client.get("/").status_code == 302


def test_the_profile_lists_memberships(alice):
    response = client_for(alice).get(reverse("accounts:profile"))
    assert [m.trust.ods_code for m in response.context["memberships"]] == ["TAH"]


def test_the_home_page_lists_the_users_trusts(alice, olive):
    response = client_for(alice).get("/")
    assert [m.trust.ods_code for m in response.context["memberships"]] == ["TAH"]
    assert response.context["trust_count"] == 51
    assert client_for(olive).get("/").context["memberships"] == []
