"""The demo's notices: one national (to every trust that deploys or plans peer support workers) and one
regional (to every trust in North East and Yorkshire), both labelled illustrative like the rest of the
demo. Sent through the same services as a curator's."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newroles.accounts import policy
from newroles.mapping import notices
from newroles.mapping.models import Notice
from newroles.organisations.models import Region
from newroles.roles.models import Role

ILLUSTRATIVE = "*Illustrative notice, made up for the demo.*"

NATIONAL = (
    "Peer support workers: tell us how you supervise them",
    f"""{ILLUSTRATIVE}

The early findings of the New Roles in Mental Health study found that supervision and mentoring capacity
decides whether a new role lands well, and that trusts rarely know how others arrange it.

Before the end of the quarter, please:

- record who supervises your peer support workers, and how often, in the readiness check for the role;
- name a clinical champion for the role if you have not yet;
- share your supervision policy in the role pack's documents, if you are willing for other trusts to see it.

Reply to the research team if anything here does not fit how your trust works.""",
    "peer_support_worker",
    None,
)
REGIONAL = (
    "North East and Yorkshire: new roles leads' network",
    f"""{ILLUSTRATIVE}

The regional workforce team is starting a quarterly network for new roles leads in North East and
Yorkshire: a place for the "candid concerns" the study heard about, and to compare funding timelines
before national programmes open.

The first meeting is online. If your trust has no new roles lead recorded yet, please name one on your
trust's page so the invitation reaches the right person.""",
    None,
    "Y63",
)


@transaction.atomic
def load_notices_demo(*, author: Any = None, early_reader: Any = None) -> dict[str, int]:
    """Write and send the two notices as `author` (a curator; the system when None), once. `early_reader`,
    a member of a trust in the region, marks the regional one read, so the curators' list shows a read."""
    if Notice.objects.exists():
        return {"notices": 0}
    actor = author or policy.SYSTEM
    sent = []
    for title, body, role_slug, region_code in (NATIONAL, REGIONAL):
        role = Role.objects.filter(slug=role_slug).first() if role_slug else None
        region = Region.objects.get(code=region_code) if region_code else None
        draft = notices.create_notice(actor=actor, title=title, body=body, role=role, region=region)
        sent.append(notices.send_notice(actor=actor, notice=draft))
    if early_reader is not None:
        notices.mark_read(actor=early_reader, notice=sent[1])
    return {"notices": len(sent)}
