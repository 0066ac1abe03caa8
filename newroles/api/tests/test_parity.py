"""A write through the API leaves the same rows and the same change records as the same write through the pages.

Each write is made twice from the same starting point (each inside a transaction rolled back afterwards):
once by posting the page's form, once by the API with the editor's token. The rows must be equal field by
field, and so must their change records (action, model, trust, who, before and after), except that the API's
records name the token in their message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from newroles.api.tests.conftest import World, api_client
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.mapping.models import Deployment
from newroles.organisations.models import Team

VOLATILE = {"id", "created_at", "updated_at", "object_id", "request_id", "batch_id", "message"}


def _row(obj: models.Model) -> dict[str, Any]:
    values = {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields if f.attname not in VOLATILE}
    for field in obj._meta.many_to_many:
        values[field.name] = sorted(o.pk for o in getattr(obj, field.name).all())
    return values


def _records(since: int) -> list[dict[str, Any]]:
    out = []
    for r in ChangeRecord.objects.filter(pk__gt=since).order_by("pk"):
        out.append({
            "action": r.action, "model": r.content_type.model, "trust": r.trust_id, "user": r.user_id,
            "before": {k: v for k, v in (r.before or {}).items() if k not in VOLATILE},
            "after": {k: v for k, v in (r.after or {}).items() if k not in VOLATILE},
            "message": r.message,
        })  # fmt: skip
    return out


def _made(write: Callable[[], Any], model: type[models.Model], lookup: dict[str, Any]) -> tuple[dict, list[dict]]:
    """Run a write, read back the row and the change records it made, then undo it all."""
    last = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        response = write()
        assert response.status_code in (200, 201, 302), response.content[:300]
        row = _row(model._default_manager.get(**lookup))
        records = _records(last)
        transaction.set_rollback(True)
    return row, records


def _compare(page: tuple[dict, list[dict]], api: tuple[dict, list[dict]], token_name: str) -> None:
    page_row, page_records = page
    api_row, api_records = api
    assert api_row == page_row
    assert [dict(r, message=None) for r in api_records] == [dict(r, message=None) for r in page_records]
    assert api_records and all(f"API token '{token_name}'" in r["message"] for r in api_records)
    assert not any("API" in r["message"] for r in page_records)


def test_adding_a_deployment_through_the_api_is_the_same_as_through_its_page(world: World, eve) -> None:
    fields = {"local_title": "Nursing Associate (community)", "status": "pilot", "headcount": "4",
              "figures_source": "trust_entry", "reasons": ["staff_shortages", "career_pathways"],
              "stance": "proactive", "intended_kinds": ["delegation"], "notes": "Two teams first."}  # fmt: skip
    page = _made(
        lambda: client_for(eve).post("/map/trusts/TAH/add/", {**fields, "teams": [world.team.pk]}),
        Deployment, {"trust__ods_code": "TAH", "local_title": fields["local_title"]},
    )  # fmt: skip
    body = {**fields, "headcount": 4, "teams": [world.team.pk]}
    api = _made(
        lambda: api_client(world.tokens["editor"]).post(
            "/api/v1/trusts/TAH/deployments", json.dumps(body), content_type="application/json"
        ),
        Deployment, {"trust__ods_code": "TAH", "local_title": fields["local_title"]},
    )  # fmt: skip
    assert page[0]["role_id"] is not None  # the title was matched to a role, the same way both times
    _compare(page, api, "Editor's script")


def test_changing_a_deployment_through_the_api_is_the_same_as_through_its_page(world: World, eve) -> None:
    d = world.deployment
    form = {"local_title": d.local_title, "role": d.role_id, "status": "paused", "teams": [world.team.pk],
            "reasons": ["staff_shortages", "waiting_lists"], "figures_source": d.figures_source,
            "headcount": d.headcount, "wte": d.wte, "figures_as_of": d.figures_as_of.isoformat(),
            "notes": "Paused while the supervisor is away."}  # fmt: skip
    page = _made(lambda: client_for(eve).post(f"/map/deployments/{d.pk}/edit/", form), Deployment, {"pk": d.pk})
    change = {"status": "paused", "reasons": ["staff_shortages", "waiting_lists"],
              "notes": "Paused while the supervisor is away."}  # fmt: skip
    api = _made(
        lambda: api_client(world.tokens["editor"]).patch(
            f"/api/v1/deployments/{d.pk}", json.dumps(change), content_type="application/json"
        ),
        Deployment, {"pk": d.pk},
    )  # fmt: skip
    _compare(page, api, "Editor's script")


def test_adding_a_team_through_the_api_is_the_same_as_through_its_page(world: World, eve) -> None:
    fields = {"name": "Rowan Crisis Team", "service_type": "crisis", "description": "Around the clock."}
    page = _made(lambda: client_for(eve).post("/trusts/TAH/teams/add/", {**fields, "is_shared": "on"}),
                 Team, {"trust__ods_code": "TAH", "name": fields["name"]})  # fmt: skip
    api = _made(
        lambda: api_client(world.tokens["editor"]).post(
            "/api/v1/trusts/TAH/teams", json.dumps({**fields, "is_shared": True}), content_type="application/json"
        ),
        Team, {"trust__ods_code": "TAH", "name": fields["name"]},
    )  # fmt: skip
    _compare(page, api, "Editor's script")
