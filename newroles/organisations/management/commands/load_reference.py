"""newroles load_reference: load every app's reference data (settings.REFERENCE_LOADERS). Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from newroles.audit.context import request_scope


class Command(BaseCommand):
    help = "Load the reference data (regions, trusts, and each app's catalogue). Safe to run repeatedly."

    def handle(self, *args: Any, **opts: Any) -> None:
        with request_scope():
            for dotted in settings.REFERENCE_LOADERS:
                counts = import_string(dotted)()
                summary = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items())
                self.stdout.write(f"{dotted.rsplit('.', 2)[0].removeprefix('newroles.')}: {summary}")
