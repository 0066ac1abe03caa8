"""The title normaliser built from the database: the catalogue's roles, approved aliases and codes, the
occupation code lookup, and a trust's own aliases and "not a new role" decisions.

The normaliser itself (`normaliser.py`) is pure Python and takes the catalogue as dicts in the
catalogue.json schema; this module reads the same shape from the tables curators maintain, so the
national catalogue and every trust's learning reach every import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from newroles.organisations.models import Trust
from newroles.roles import normaliser as pure
from newroles.roles.models import OccupationCode, Role, RoleAlias, RoleCode
from newroles.workforce.models import TitleDecision


def catalogue_roles() -> list[dict[str, Any]]:
    """Every role as a catalogue.json role dict: name, staff group, approved national aliases, codes.

    Proposed national aliases are left out until a curator approves them; trusts' aliases are given
    separately (`trust_aliases`), since each applies to its own trust only.
    """
    aliases: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for role_id, title, in_training in RoleAlias.objects.filter(
        trust__isnull=True, status=RoleAlias.APPROVED
    ).values_list("role_id", "title", "in_training"):
        aliases[role_id].append({"title": title, "in_training": in_training})
    codes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for role_id, system, code, label, in_training in RoleCode.objects.values_list(
        "role_id", "system", "code", "label", "in_training"
    ):
        codes[role_id].append({"system": system, "code": code, "label": label, "in_training": in_training})
    return [
        {
            "slug": role.slug,
            "name": role.name,
            "staff_group": role.staff_group,
            "aliases": aliases.get(role.pk, []),
            "codes": codes.get(role.pk, []),
        }
        for role in Role.objects.order_by("slug")
    ]


def occupation_codes() -> dict[str, pure.OccupationCode]:
    """The NHS occupation code lookup (NHS England, NHS Occupation Code Manual v22.1, OGL v3.0)."""
    return {
        code: pure.OccupationCode(name=name, level=level, detailed_staff_group=group, valid=valid)
        for code, name, level, group, valid in OccupationCode.objects.values_list(
            "code", "name", "level", "detailed_staff_group", "is_valid"
        )
    }


def trust_aliases(trust: Trust) -> list[tuple[str, str | None]]:
    """A trust's learned titles: its own aliases (slug), then its "not a new role" decisions (None)."""
    pairs: list[tuple[str, str | None]] = list(
        RoleAlias.objects.filter(trust=trust).order_by("pk").values_list("title", "role__slug")
    )
    pairs += [(key, None) for key in TitleDecision.objects.filter(trust=trust, outcome=TitleDecision.NOT_NEW)
              .order_by("key").values_list("key", flat=True)]  # fmt: skip
    return pairs


@dataclass
class Normalisers:
    """Normalisers for one or many trusts, built once per import: the national catalogue is read once,
    and trusts with no learned titles of their own share one normaliser (and its cache of answers)."""

    roles: list[dict[str, Any]] = field(default_factory=catalogue_roles)
    codes: dict[str, pure.OccupationCode] = field(default_factory=occupation_codes)
    _national: pure.Normaliser | None = None
    _by_trust: dict[int, pure.Normaliser] = field(default_factory=dict)

    def national(self) -> pure.Normaliser:
        if self._national is None:
            self._national = pure.Normaliser(self.roles, self.codes)
        return self._national

    def for_trust(self, trust: Trust | None) -> pure.Normaliser:
        if trust is None:
            return self.national()
        if trust.pk not in self._by_trust:
            extra = trust_aliases(trust)
            self._by_trust[trust.pk] = pure.Normaliser(self.roles, self.codes, extra) if extra else self.national()
        return self._by_trust[trust.pk]


def normaliser_for(trust: Trust | None = None) -> pure.Normaliser:
    """The normaliser for one trust (its own aliases first), or the national one for no trust."""
    return Normalisers().for_trust(trust)
