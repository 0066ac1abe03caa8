"""newroles worker: the background worker, with its minute sweep and heartbeat.

    newroles worker [db_worker options, e.g. --interval 1]

Runs django-tasks' database worker (`db_worker`) and, beside it, a thread that every minute runs the
registered sweeps (imports whose worker died are marked failed and their uploads deleted; uploads
abandoned for a day are deleted) and touches the heartbeat the readiness check reads
(`newroles.imports.health.worker_seen_within`).
"""

from __future__ import annotations

import os
from argparse import BooleanOptionalAction
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newroles.imports import health


class Command(BaseCommand):
    help = "Run the background worker with its minute sweep and heartbeat. Other options go to db_worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1, help="Seconds between polls of an empty queue.")
        parser.add_argument("--sweep-every", type=float, default=health.SWEEP_SECONDS, help="Seconds between sweeps.")
        parser.add_argument(
            "--reload", action=BooleanOptionalAction, default=settings.DEBUG,
            help="Restart on code changes (default: DEBUG; not for production).",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        # With --reload, the first process only watches files and starts the real worker as its child
        # (DJANGO_AUTORELOAD_ENV set): the child alone sweeps and beats.
        if not opts["reload"] or os.environ.get("RUN_MAIN") == "true":
            health.start_sweeper(opts["sweep_every"])
        call_command("db_worker", interval=opts["interval"], reload=opts["reload"], verbosity=opts["verbosity"])
