"""`{% recount_notice %}`: the staff-record pages say when a recount after a catalogue change is under way."""

from __future__ import annotations

from typing import Any

from django import template

from newroles.workforce import recount_jobs

register = template.Library()


@register.inclusion_tag("workforce/_recount_notice.html")
def recount_notice() -> dict[str, Any]:
    return {"recount": recount_jobs.active()}
