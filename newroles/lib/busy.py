"""A busy database is a "try again shortly" page (503 with Retry-After), never a server error.

SQLite has one write lock: a request that waits for it longer than the connection's busy timeout
fails with "database is locked"; PostgreSQL reports a lock or statement timeout, a deadlock or a
serialisation failure. Each means "nothing went wrong with your request, the database was busy", and
the database itself already waited (SQLite's busy timeout), so the page asks the person to try again
rather than retrying a request whose writes may not be repeatable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
# lock_not_available (lock_timeout), query_canceled (statement_timeout), deadlock, serialisation failure
_POSTGRES_BUSY = {"55P03", "57014", "40P01", "40001"}


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` says the database was too busy, rather than that something is wrong."""
    if not isinstance(exc, OperationalError):
        return False
    if any(text in str(exc).lower() for text in _SQLITE_BUSY):
        return True
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in _POSTGRES_BUSY or getattr(cause, "pgcode", None) in _POSTGRES_BUSY


def busy_response(request: HttpRequest) -> HttpResponse:
    """The NHS.UK-styled "busy, try again" page, status 503 with Retry-After."""
    try:
        content = render_to_string("busy.html", {"retry_after": RETRY_AFTER_SECONDS}, request=request)
    except Exception:  # the page's own context may need the database too: fall back to plain words
        content = "The service is busy. Nothing has gone wrong with your request: try again in a few seconds."
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turns a view's busy-database error into the busy page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)
