"""Background jobs of the reports: a PDF takes longer than a page should wait."""

from __future__ import annotations

from django_tasks import task

from newroles.reports import rendering


@task()
def render_report_pdf(kind: str, key: str, audience: str, token: str) -> str:
    """Write one report's PDF into the cache; the progress page polls its status file meanwhile."""
    rendering.render_to_file(rendering.ReportName(kind, key, audience), token)
    return token
