"""The API's frame: authentication (bearer token or the browser's session), problem details for every error,
pagination with a stable order, rate limits, and who is acting.

Every route acts as a person: the token's user, or the session's. What that person may read and change is
decided by `accounts.policy`, exactly as on the pages; a read-only token additionally refuses every write.
"""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

import pydantic
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.throttling import SimpleRateThrottle

from newroles.accounts import mfa
from newroles.api import services
from newroles.api.models import ApiToken

PROBLEM_TYPE = "application/problem+json"
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


# Authentication ------------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """`Authorization: Bearer nr_…`: a personal token acts as its user (and is refused once revoked or expired)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = services.authenticate(token.strip())
        if found is None:
            raise AuthenticationError(401, "The token is not valid: unknown, revoked or expired.")
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        services.note_use(found)
        return found


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session (the interactive docs page), CSRF-checked on every write.

    A researcher's or administrator's session counts only once it passed the second factor, as on the pages.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.headers.get("Authorization"):
            return None  # a request that names a token is judged by the token alone
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if key is None or not user.is_authenticated:
            return None
        if mfa.requires_second_factor(user) and not mfa.passed(request):
            return None
        request.api_token = None  # type: ignore[attr-defined]
        return user


AUTH = [TokenAuth(), SessionAuth()]


def actor(request: HttpRequest) -> Any:
    """The person the request acts as (the token's user or the session's)."""
    return request.user


def token_of(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)


def channel(request: HttpRequest) -> str:
    """How a write came in, for its change record's message: the token's name, or the browser session."""
    token = token_of(request)
    return f"API token '{token.name}'" if token is not None else "API (browser session)"


def require_write(request: HttpRequest) -> None:
    """A read-only token never writes; everything else is for the policy to decide."""
    token = token_of(request)
    if token is not None and token.read_only:
        raise PermissionDenied("This token is read-only.")


# Rate limits ---------------------------------------------------------------------------------------


class PerTokenThrottle(SimpleRateThrottle):
    """Requests per token (or, for the browser, per user), counted in Django's cache.

    The rate is read from the named setting on every request, so a deployment (or a test) may change it.
    """

    def __init__(self, scope: str, setting: str) -> None:
        self.scope = scope
        self.setting = setting
        super().__init__(getattr(settings, setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = token_of(request)
        ident = f"t{token.pk}" if token is not None else f"u{getattr(request.user, 'pk', None)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def write_throttle() -> PerTokenThrottle:
    return PerTokenThrottle("api-write", "API_WRITE_RATE")


def normaliser_throttle() -> PerTokenThrottle:
    return PerTokenThrottle("api-normalise", "API_NORMALISER_RATE")


# Problem details (RFC 9457) --------------------------------------------------------------------------


class ProblemField(Schema):
    field: str
    detail: str


class Problem(Schema):
    """An error, as RFC 9457 problem details; `errors` names each field that failed."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[ProblemField] = []


PROBLEMS: dict[int, type[Problem]] = {code: Problem for code in (400, 401, 403, 404, 409, 412, 422, 429)}


def problem(status: int, title: str, detail: str = "", errors: list[dict[str, str]] | None = None) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": errors or []}
    return JsonResponse(body, status=status, content_type=PROBLEM_TYPE)


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in (loc or ()) if p not in ("body", "query", "path", "payload", "header", "cookie")]
    return ".".join(parts) or "request"


def install_error_handlers(api: Any) -> None:
    """Every error the API returns is problem details; none reveals whether a row it hides exists."""

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _field_name(e.get("loc")), "detail": str(e.get("msg", "not valid"))} for e in exc.errors]
        first = errors[0] if errors else {"field": "request", "detail": "not valid"}
        return problem(422, "The request is not valid.", f"{first['field']}: {first['detail']}", errors)

    def pydantic_validation(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
        errors = [{"field": _field_name(e.get("loc")), "detail": str(e.get("msg", "not valid"))} for e in exc.errors()]
        first = errors[0] if errors else {"field": "request", "detail": "not valid"}
        return problem(422, "The request is not valid.", f"{first['field']}: {first['detail']}", errors)

    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = []
        if hasattr(exc, "error_dict"):
            for field, items in exc.message_dict.items():
                name = "request" if field == "__all__" else field
                errors.extend({"field": name, "detail": m} for m in items)
        else:
            errors = [{"field": "request", "detail": m} for m in exc.messages]
        first = errors[0] if errors else {"field": "request", "detail": "not valid"}
        return problem(422, "The request is not valid.", f"{first['field']}: {first['detail']}", errors)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, "Not found.", "There is nothing here you may see.")

    def denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(403, "Forbidden.", str(exc) or "You may not change this.")

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = math.ceil(exc.wait) if exc.wait else 60
        response = problem(429, "Too many requests.", f"Try again in {wait} seconds.")
        response["Retry-After"] = str(wait)
        return response

    def authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(401, "Not signed in.", exc.message if exc.message != "Unauthorized" else
                           "Send a personal API token as 'Authorization: Bearer <token>'.")  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="newroles"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc) or "Error.")

    api.add_exception_handler(NinjaValidationError, validation)
    api.add_exception_handler(pydantic.ValidationError, pydantic_validation)
    api.add_exception_handler(DjangoValidationError, django_validation)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(AuthenticationError, authentication)
    api.add_exception_handler(HttpError, http_error)


# Pagination ----------------------------------------------------------------------------------------

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list, in a stable order; `next` is the page after, or null on the last."""

    count: int
    page: int
    page_size: int
    next: int | None
    results: list[T]


def paginate(items: QuerySet[Any] | list[Any], page: int, page_size: int) -> tuple[list[Any], dict[str, Any]]:
    """The items of one page and the page's counts; a page past the end is a 404."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    count = items.count() if isinstance(items, QuerySet) else len(items)
    last = max(1, math.ceil(count / page_size))
    if page > last:
        raise Http404("No such page.")
    start = (page - 1) * page_size
    chunk = list(items[start : start + page_size])
    return chunk, {"count": count, "page": page, "page_size": page_size, "next": page + 1 if page < last else None}
