"""Read a team composition from JSON: the TEAM.json file of ``newroles skillmix metrics``. Pure Python.

The caller passes the role catalogue's facts (``RoleFacts`` by slug), since a post names its role by slug and
the role's staff group, medical status and supervision need come from the catalogue, not the file.

TEAM.json is one object::

    {
      "team": "CMHT North",                     optional label
      "pay_year": "2025/26",                    optional; an Agenda for Change pay table in skillmix/paydata
      "pay_point": "top",                       optional; top, mid or bottom of each band (default top)
      "on_cost": 0.28,                          optional; employer on-costs as a fraction of basic pay
      "supervisor_hours_per_wte": 2.0,          optional; supervision hours a week one supervising WTE gives
      "medical_salary": 120000,                 optional; annual pay for 1.0 WTE of a doctor, or an object
                                                          {"role slug": pay}; without it doctors are uncosted
      "required_competencies": ["Risk assessment and safety planning", "Prescribing"],
      "posts": [
        {"role": "mental_health_nurse", "band": "6", "wte": 1.0, "filled": false},
        {"role": "nursing_associate", "band": "4", "wte": 1.0, "count": 2,
         "registered": true, "competencies": ["Physical health checks"]},
        {"role": "psychiatrist", "medical": true, "wte": 1.0, "supervises_others": true}
      ]
    }

Each post: ``role`` (required, a slug in the role catalogue); ``band`` (a string Agenda for Change band,
"1"-"9" or "8a"-"8d", required unless the role is medical, and left out for a doctor); ``wte`` (required,
above 0 and at most 1.5: one post is one person); ``medical`` (optional, must agree with the catalogue);
``registered`` and ``supervises_others`` (optional true/false, default from the catalogue: registered when
the role has statutory registration); ``competencies`` (optional list of names); ``filled`` (optional,
default true; false for a vacancy); ``count`` (optional, default 1: that many identical posts); ``title``
(optional local job title). Unknown fields are errors, so a misspelt field is not silently ignored.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newroles.skillmix.metrics import (
    DEFAULT_ON_COST,
    DEFAULT_PAY_POINT,
    DEFAULT_SUPERVISOR_HOURS_PER_WTE,
    Post,
    available_pay_years,
)
from newroles.skillmix.typology import ShiftError, normalise_band

__all__ = ["MAX_WTE", "RoleFacts", "TeamFile", "TeamFileError", "parse_team"]

MAX_WTE = 1.5
TOP_FIELDS = frozenset(
    {
        "team",
        "description",
        "pay_year",
        "pay_point",
        "on_cost",
        "supervisor_hours_per_wte",
        "medical_salary",
        "required_competencies",
        "posts",
    }
)
POST_FIELDS = frozenset(
    {"role", "title", "band", "medical", "wte", "registered", "supervises_others", "competencies", "filled", "count"}
)


@dataclass(frozen=True)
class RoleFacts:
    """What the role catalogue says about a role, as the metrics need it."""

    slug: str
    name: str
    staff_group: str
    medical: bool
    registered: bool
    supervises_others: bool
    supervision_hours_per_wte: float


class TeamFileError(ShiftError):
    """A malformed team file: names the item (``posts[2]``, or none for a top-level field) and the field.

    Worded exactly like a malformed task shift, so both CLI commands report errors the same way.
    """


@dataclass
class TeamFile:
    """A parsed team file: the posts and the settings to compute its metrics with."""

    name: str
    posts: list[Post]
    required_competencies: list[str] = field(default_factory=list)
    pay_year: str = "2025/26"
    pay_point: str = DEFAULT_PAY_POINT
    on_cost: float = DEFAULT_ON_COST
    supervisor_hours_per_wte: float = DEFAULT_SUPERVISOR_HOURS_PER_WTE
    medical_salary: float | dict[str, float] | None = None


def _type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _number(value: object, item: str | None, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TeamFileError(item, name, f"expected a number, got {_type(value)}")
    return float(value)


def _bool(value: object, item: str | None, name: str) -> bool:
    if not isinstance(value, bool):
        raise TeamFileError(item, name, f"expected true or false, got {_type(value)}")
    return value


def _names(value: object, item: str | None, name: str) -> list[str]:
    if not isinstance(value, list):
        raise TeamFileError(item, name, f"expected an array of names, got {_type(value)}")
    names: list[str] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, str) or not entry.strip():
            raise TeamFileError(item, f"{name}[{index}]", f"expected a non-empty string, got {_type(entry)}")
        names.append(entry.strip())
    return list(dict.fromkeys(names))


def _unknown(data: Mapping[str, Any], known: frozenset[str], item: str | None) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(sorted(known))}"
            raise TeamFileError(item, str(key), f"unknown field{hint}")


def _parse_post(data: object, index: int, roles: Mapping[str, RoleFacts]) -> list[Post]:
    item = f"posts[{index}]"
    if not isinstance(data, Mapping):
        raise TeamFileError(item, "", f"expected a post object, got {_type(data)}")
    _unknown(data, POST_FIELDS, item)

    slug = data.get("role")
    if not isinstance(slug, str) or not slug.strip():
        raise TeamFileError(item, "role", 'is required: a role slug from the catalogue, e.g. "nursing_associate"')
    facts = roles.get(slug.strip())
    if facts is None:
        close = difflib.get_close_matches(slug.strip(), sorted(roles), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else " (is the catalogue loaded? `newroles load_reference`)"
        raise TeamFileError(item, "role", f"{slug!r} is not a role in the catalogue{hint}")

    if "medical" in data and data["medical"] is not None:
        medical = _bool(data["medical"], item, "medical")
        if medical != facts.medical:
            said = "a medical role" if facts.medical else "not a medical role"
            raise TeamFileError(item, "medical", f"the catalogue says {facts.name} is {said}")

    band = data.get("band")
    if facts.medical:
        if band is not None:
            raise TeamFileError(item, "band", f"{facts.name} is medical, paid on medical terms: leave the band out")
    else:
        if band is None:
            raise TeamFileError(item, "band", f'is required for {facts.name}: an Agenda for Change band such as "6"')
        if not isinstance(band, str):
            raise TeamFileError(item, "band", f'expected a string such as "6" or "8a", got {_type(band)}')
        try:
            band = normalise_band(band)
        except ValueError as error:
            raise TeamFileError(item, "band", str(error)) from None

    if "wte" not in data:
        raise TeamFileError(item, "wte", "is required: the post's whole-time equivalent, e.g. 1.0")
    wte = _number(data["wte"], item, "wte")
    if not 0 < wte <= MAX_WTE:
        raise TeamFileError(item, "wte", f"must be above 0 and at most {MAX_WTE} (one post is one person; use count)")

    registered = _bool(data["registered"], item, "registered") if "registered" in data else facts.registered
    supervises = (
        _bool(data["supervises_others"], item, "supervises_others")
        if "supervises_others" in data
        else facts.supervises_others
    )
    filled = _bool(data["filled"], item, "filled") if "filled" in data else True
    competencies = _names(data["competencies"], item, "competencies") if "competencies" in data else []
    if "title" in data and not isinstance(data["title"], str):
        raise TeamFileError(item, "title", f"expected a string, got {_type(data['title'])}")
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise TeamFileError(item, "count", f"expected a whole number of at least 1, got {count!r}")

    post = Post(
        role_slug=facts.slug,
        staff_group=facts.staff_group,
        band=band,
        medical=facts.medical,
        wte=wte,
        registered=registered,
        competencies=frozenset(competencies),
        filled=filled,
        supervision_hours_per_wte=facts.supervision_hours_per_wte,
        supervises_others=supervises,
    )
    return [post] * count


def parse_team(data: object, roles: Mapping[str, RoleFacts]) -> TeamFile:
    """Parse a TEAM.json object (see the module docstring), raising ``TeamFileError`` naming item and field."""
    if not isinstance(data, Mapping):
        raise TeamFileError(None, "", f'expected a team object with a "posts" array, got {_type(data)}')
    _unknown(data, TOP_FIELDS, None)
    team = TeamFile(name="", posts=[])

    name = data.get("team", "")
    if not isinstance(name, str):
        raise TeamFileError(None, "team", f"expected a string, got {_type(name)}")
    team.name = name.strip()

    if "pay_year" in data:
        years = available_pay_years()
        if data["pay_year"] not in years:
            raise TeamFileError(None, "pay_year", f"{data['pay_year']!r} has no pay table; use one of {years}")
        team.pay_year = data["pay_year"]
    if "pay_point" in data:
        if data["pay_point"] not in ("top", "mid", "bottom"):
            raise TeamFileError(None, "pay_point", f"{data['pay_point']!r} is not one of top, mid, bottom")
        team.pay_point = data["pay_point"]
    if "on_cost" in data:
        team.on_cost = _number(data["on_cost"], None, "on_cost")
        if not 0 <= team.on_cost <= 1:
            raise TeamFileError(None, "on_cost", "must be a fraction of basic pay from 0 to 1, e.g. 0.28 for 28%")
    if "supervisor_hours_per_wte" in data:
        team.supervisor_hours_per_wte = _number(data["supervisor_hours_per_wte"], None, "supervisor_hours_per_wte")
        if team.supervisor_hours_per_wte < 0:
            raise TeamFileError(None, "supervisor_hours_per_wte", "must be 0 or more")
    salary = data.get("medical_salary")
    if isinstance(salary, Mapping):
        team.medical_salary = {}
        for slug, pay in salary.items():
            value = _number(pay, None, f"medical_salary.{slug}")
            if value < 0:
                raise TeamFileError(None, f"medical_salary.{slug}", "must be 0 or more")
            team.medical_salary[str(slug)] = value
    elif salary is not None:
        team.medical_salary = _number(salary, None, "medical_salary")
        if team.medical_salary < 0:
            raise TeamFileError(None, "medical_salary", "must be 0 or more")
    if "required_competencies" in data:
        team.required_competencies = _names(data["required_competencies"], None, "required_competencies")

    if "posts" not in data:
        raise TeamFileError(None, "posts", "is required: an array of posts")
    posts = data["posts"]
    if not isinstance(posts, list):
        raise TeamFileError(None, "posts", f"expected an array of posts, got {_type(posts)}")
    for index, entry in enumerate(posts):
        team.posts.extend(_parse_post(entry, index, roles))
    return team
