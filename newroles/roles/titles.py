"""What a title means, read from the database: the title normaliser built from the catalogue curators
keep (roles, approved aliases, codes, the occupation code lookup) and a trust's own aliases, and the
resolution of one local title to a catalogue role.

The normaliser itself (`roles/normaliser/`) is pure Python and takes the catalogue as dicts in the
catalogue.json schema; this module reads the same shape from the tables, so the national catalogue
and every trust's learning reach every import and every title typed on the map.

A trust's "not a new role" decisions are kept with its staff record (a higher app), so they are
passed in here (`not_new`) rather than read: the catalogue never imports the apps built on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from newroles.organisations.models import Trust
from newroles.roles import normaliser as pure
from newroles.roles.models import OccupationCode, Role, RoleAlias, RoleCode, normalise_title

# A title the normaliser places with less confidence than this stays unmapped, for a person to resolve.
RESOLVE_CONFIDENCE = 0.8

# A trust's titles it marked "not a new role", in a stable order (given by the app that keeps them).
NotNewTitles = Callable[[Trust], Iterable[str]]


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


def trust_aliases(trust: Trust, not_new: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """A trust's learned titles: its own aliases (slug), then the titles it marked "not a new role" (None)."""
    pairs: list[tuple[str, str | None]] = list(
        RoleAlias.objects.filter(trust=trust).order_by("pk").values_list("title", "role__slug")
    )
    pairs += [(key, None) for key in not_new]
    return pairs


@dataclass
class Normalisers:
    """Normalisers for one or many trusts, built once per import: the national catalogue is read once,
    and trusts with no learned titles of their own share one normaliser (and its cache of answers).

    `not_new` gives a trust's "not a new role" titles; without it only the trust's aliases count.
    """

    not_new: NotNewTitles | None = None
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
            extra = trust_aliases(trust, self.not_new(trust) if self.not_new is not None else ())
            self._by_trust[trust.pk] = pure.Normaliser(self.roles, self.codes, extra) if extra else self.national()
        return self._by_trust[trust.pk]


def exact_alias_match(trust: Trust | None, title: str) -> Role | None:
    """Match the normalised title against approved aliases (the trust's own first, then national ones),
    then against the roles' own names."""
    key = normalise_title(title or "")
    if not key:
        return None
    # A national alias whose title could mean several roles ("NA", "Approved Clinician") is not an answer
    # on its own: the normaliser settles it only with a code. A trust's own alias is its word for its post.
    national = Q(trust__isnull=True) if not pure.is_ambiguous_title(title) else Q(pk__in=[])
    owners = national | Q(trust=trust) if trust is not None else national
    aliases = list(RoleAlias.objects.filter(owners, normalised=key, status=RoleAlias.APPROVED).select_related("role"))
    aliases.sort(key=lambda a: a.trust_id is None)  # the trust's own alias wins over a national one
    if aliases:
        return aliases[0].role
    return next((r for r in Role.objects.all() if normalise_title(r.name) == key), None)


def resolve_title(trust: Trust | None, title: str, *, normalisers: Normalisers | None = None) -> Role | None:
    """The canonical role a trust's local title means, or None when nothing matches well enough.

    First an exact match on the trust's and the national aliases, then the title normaliser (band and
    site text, abbreviations, spelling drift, a calibrated fuzzy match), which abstains rather than
    guess. Bulk callers pass one `Normalisers` so the catalogue is read once.
    """
    role = exact_alias_match(trust, title)
    if role is not None or not (title or "").strip():
        return role
    normalisers = normalisers or Normalisers()
    match = normalisers.for_trust(trust).normalise(title)
    if match.slug is None or match.confidence < RESOLVE_CONFIDENCE:
        return None
    return Role.objects.filter(slug=match.slug).first()
