"""Trusts' local titles on the map, for the catalogue's search (`roles/search.py` finds this module).

Deployments are read by everyone signed in (the map is national), so a deployment's title is searchable
by anyone who may see the map; the policy's visible rows are used all the same, so a change to who
may read deployments reaches search too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from newroles.accounts import policy
from newroles.mapping.models import Deployment
from newroles.roles.search import LocalTitle, register_title_source

LIMIT = 100


def deployment_titles(user: Any, words: list[str]) -> list[LocalTitle]:
    condition = Q()
    for word in words:
        condition &= Q(local_title__icontains=word)
    deployments = policy.visible(user, Deployment.objects.filter(condition)).select_related("trust", "role")
    return [
        LocalTitle(title=d.local_title, trust_name=d.trust.name, role=d.role, url=d.get_absolute_url())
        for d in deployments.order_by("local_title", "pk")[:LIMIT]
    ]


register_title_source("mapping.deployments", deployment_titles)
