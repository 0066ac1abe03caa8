"""Markdown written by users, rendered to HTML and sanitised (nh3) so it can never carry script."""

from __future__ import annotations

import re

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre", "a",
    "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
_EMPTY_HEADER = re.compile(r"<th>\s*</th>")


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. Headings start at h2 because pages own their h1."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"})
    # A table whose first header is left blank (`| | Essential | Desirable |`, as the person specifications
    # are written) would give screen readers an empty column header: the blank corner is a plain cell.
    clean = _EMPTY_HEADER.sub("<td></td>", clean)
    # Tables scroll sideways in their own box on a phone, with the site's cue that columns are off the edge.
    clean = clean.replace("<table>", '<div class="newroles-table-wrap"><table>').replace("</table>", "</table></div>")
    return mark_safe(clean)  # sanitised by nh3 just above
