"""What the evidence adds to pages of the apps below it (see newroles.lib.panels): published quotes only.

A quote reaches anyone beyond the research team only once a researcher publishes it; these panels show
nothing else of the evidence, to everyone signed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newroles.accounts import policy
from newroles.evidence import public
from newroles.lib import panels
from newroles.mapping import classifiers


def role_quotes(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    role = page.get("role")
    quotes = public.published_quotes(role_slug=role.slug) if role is not None else []
    return {"published_quotes": quotes} if quotes else None


def readiness_quotes(request: Any, page: Mapping[str, Any]) -> Mapping[str, Any] | None:
    row = page.get("i")  # the readiness summary's row of the factor (its loop variable)
    item = getattr(row, "item", None)
    quotes = public.quotes_for_readiness_item(item.key) if item is not None else []
    return {"published_quotes": quotes} if quotes else None


# A role's page: what the study's participants said about it.
panels.register("roles.role", "evidence/panels/quotes.html", context=role_quotes)
# A readiness factor on a deployment's readiness summary: a quote that illustrates it.
panels.register("readiness.item", "evidence/panels/quotes.html", context=readiness_quotes)


def _researcher_kind_counts() -> Mapping[str, int]:
    from newroles.evidence.analysis import researcher_kind_counts

    return researcher_kind_counts()


# The map's kinds-of-change chart may show the research team's own classifications beside the rule's.
classifiers.register(
    classifiers.KindSource(
        key="researchers",
        label="Researchers' classification",
        may_see=policy.reads_evidence,
        counts=_researcher_kind_counts,
    )
)
