"""The title normaliser for a trust's staff record: the catalogue's (`roles.titles`) with the trust's
"not a new role" decisions, which this app keeps, passed in."""

from __future__ import annotations

from newroles.organisations.models import Trust
from newroles.roles import normaliser as pure
from newroles.roles import titles
from newroles.workforce.models import TitleDecision


def not_new_titles(trust: Trust) -> list[str]:
    """The titles the trust marked "not a new role", by their cleaned form."""
    return list(
        TitleDecision.objects.filter(trust=trust, outcome=TitleDecision.NOT_NEW)
        .order_by("key")
        .values_list("key", flat=True)
    )


def trust_aliases(trust: Trust) -> list[tuple[str, str | None]]:
    """A trust's learned titles: its own aliases (slug), then its "not a new role" decisions (None)."""
    return titles.trust_aliases(trust, not_new_titles(trust))


def normalisers() -> titles.Normalisers:
    """Normalisers for one or many trusts, each with the trust's aliases and decisions."""
    return titles.Normalisers(not_new=not_new_titles)


def normaliser_for(trust: Trust | None = None) -> pure.Normaliser:
    """The normaliser for one trust (its own aliases and decisions first), or the national one for no trust."""
    return normalisers().for_trust(trust)
