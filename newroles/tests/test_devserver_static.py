"""The development server (`manage.py runserver`) answers a path that climbs out of /static/ with a 404."""

from __future__ import annotations

from urllib.parse import unquote
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.management import get_commands, load_command_class


def _runserver_handler():  # type: ignore[no-untyped-def]
    """The WSGI handler runserver builds with its default options (static files served as it chooses)."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    default = command.create_parser("manage.py", "runserver").get_default("use_static_handler")
    return command.get_handler(use_static_handler=default, insecure_serving=False)


def _get(handler, url: str) -> str:  # type: ignore[no-untyped-def]
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    environ.update({"PATH_INFO": unquote(url), "HTTP_HOST": "127.0.0.1"})
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:  # type: ignore[type-arg]
        answer["status"] = status

    b"".join(handler(environ, start_response))
    return answer["status"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/static/%2e%2e/settings.py", "/static/%2e%2e/%2e%2e/pyproject.toml"])
def test_a_path_out_of_static_is_404_not_500(url, settings):
    settings.DEBUG = True
    assert _get(_runserver_handler(), url).startswith("404")


@pytest.mark.django_db
def test_static_files_are_still_served(settings):
    settings.DEBUG = True
    assert _get(_runserver_handler(), "/static/nhsuk/nhsuk-frontend.min.css").startswith("200")
