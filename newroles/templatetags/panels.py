"""`{% panels "page.key" %}`: render every panel other apps registered for this page (see newroles.lib.panels)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from newroles.lib.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, page: str) -> SafeString:
    """Each panel's template rendered with the page's context and the panel's own additions."""
    request = context.get("request")
    html = []
    for panel in panels_for(page):
        extra = panel.extra_context(request, context.flatten())
        if extra is None:
            continue
        # The page's own Context (not a fresh one): csrf_token, messages and the page's variables carry over.
        with context.push(**extra):
            html.append(context.template.engine.get_template(panel.template).render(context))
    return mark_safe("".join(html))  # each part was rendered (and escaped) by the template engine
