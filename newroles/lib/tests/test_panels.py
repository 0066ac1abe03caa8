"""Page panels: registered by a higher app, rendered on a lower app's page with the page's context."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine, Template
from django.test import RequestFactory

from newroles.lib import panels


@pytest.fixture
def page(monkeypatch):  # type: ignore[no-untyped-def]
    """A page key of its own, with panel templates served from memory, so tests do not touch real pages."""
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "first.html": "<p>first {{ team }}</p>",
                    "second.html": "<p>second {{ team }} {{ extra }}</p>",
                    "escaped.html": "<p>{{ team }}</p>",
                },
            )
        ],
        builtins=["newroles.templatetags.panels"],
    )
    panels.discover()  # the apps' own panels go into the real registry, not this test's empty one
    monkeypatch.setattr(panels, "_PANELS", {})
    return engine


def render(engine: Engine, key: str, **context: Any) -> str:
    request = RequestFactory().get("/")
    template = Template(f'<main>{{% panels "{key}" %}}</main>', engine=engine)
    return template.render(Context({"request": request, **context}))


def test_a_page_without_panels_renders_nothing(page) -> None:
    assert render(page, "tests.page", team="Maple") == "<main></main>"


def test_panels_render_in_order_with_the_pages_context(page) -> None:
    panels.register("tests.page", "second.html", order=20, context=lambda request, ctx: {"extra": "more"})
    panels.register("tests.page", "first.html", order=10)
    assert render(page, "tests.page", team="Maple") == "<main><p>first Maple</p><p>second Maple more</p></main>"


def test_the_context_function_sees_the_request_and_the_page(page) -> None:
    seen = {}

    def context(request, ctx):  # type: ignore[no-untyped-def]
        seen.update(path=request.path, team=ctx["team"])
        return {}

    panels.register("tests.page", "first.html", context=context)
    render(page, "tests.page", team="Maple")
    assert seen == {"path": "/", "team": "Maple"}


def test_a_context_of_none_leaves_the_panel_out(page) -> None:
    panels.register("tests.page", "first.html", context=lambda request, ctx: None)
    panels.register("tests.page", "second.html", order=200)
    assert render(page, "tests.page", team="Maple", extra="x") == "<main><p>second Maple x</p></main>"


def test_panel_context_does_not_leak_into_the_rest_of_the_page(page) -> None:
    panels.register("tests.page", "first.html", context=lambda request, ctx: {"team": "Other"})
    template = Template('{% panels "tests.page" %}{{ team }}', engine=page)
    assert template.render(Context({"team": "Maple"})) == "<p>first Other</p>Maple"


def test_registering_again_replaces_rather_than_repeats(page) -> None:
    panels.register("tests.page", "first.html", order=10)
    panels.register("tests.page", "first.html", order=5)
    assert [p.order for p in panels.panels_for("tests.page")] == [5]


def test_values_from_the_page_are_escaped(page) -> None:
    panels.register("tests.page", "escaped.html")
    assert render(page, "tests.page", team="<b>") == "<main><p>&lt;b&gt;</p></main>"


def test_apps_register_their_panels_from_their_panels_module() -> None:
    templates = [p.template for p in panels.panels_for("organisations.team.actions")]
    assert "skillmix/panels/team_actions.html" in templates
