"""Page panels: how a higher app shows its content on a lower app's page without the lower app importing it.

A page that others may add to names itself with a page key (`"organisations.team"`, `"roles.role"`) and
renders `{% panels "organisations.team" %}` where the additions go. An app above it adds a panel in its
own `panels.py` (found when the first page asks, as Django's admin finds `admin.py`):

    panels.register("organisations.team", "skillmix/panels/team.html", order=10)

The panel's template is rendered with the page's own context (the page documents what it provides:
`request`, the object, `can_edit`, ...), plus whatever its `context` function returns for that page;
when the function returns None the panel is left out (for example when the user may not see it).
This is the shape of NetBox's plugin template extensions, without the plugin machinery.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

# (request, the page's context) -> extra context for the panel, or None to leave the panel out.
PanelContext = Callable[[Any, Mapping[str, Any]], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """One addition to one page: a template, where it sorts among the page's panels, and its own context."""

    page: str
    template: str
    order: int = 100
    context: PanelContext | None = None

    def extra_context(self, request: Any, page_context: Mapping[str, Any]) -> Mapping[str, Any] | None:
        return {} if self.context is None else self.context(request, page_context)


_PANELS: dict[str, dict[str, Panel]] = {}
_discovered = False
_lock = threading.Lock()


def register(page: str, template: str, *, order: int = 100, context: PanelContext | None = None) -> Panel:
    """Add a panel to a page. Registering the same template on the same page again replaces it."""
    panel = Panel(page=page, template=template, order=order, context=context)
    _PANELS.setdefault(page, {})[template] = panel
    return panel


def discover() -> None:
    """Import every installed app's `panels` module once, so their panels are registered."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("panels")
            _discovered = True


def panels_for(page: str) -> list[Panel]:
    """The panels registered for a page, in order (then by template name, so the order is stable)."""
    discover()
    return sorted(_PANELS.get(page, {}).values(), key=lambda p: (p.order, p.template))
