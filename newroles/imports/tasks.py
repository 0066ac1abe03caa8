"""Background jobs of the tabular import: checking every row and committing outlive a web request."""

from __future__ import annotations

from django_tasks import task

from newroles.imports import health, runs


@task()
def check_import(run_id: int) -> str:
    """Check every row of a mapped upload; the page polls the run's progress while this works."""
    health.sweep_all()  # a new worker first fails what a killed one left running
    run = runs.run_check(run_id)
    return run.status if run else "not queued"


@task()
def commit_import(run_id: int) -> str:
    """Import a checked upload in one transaction."""
    run = runs.run_commit(run_id)
    return run.status if run else "not queued"
