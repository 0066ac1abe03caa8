"""The `newroles` console script: Django management commands with the settings preset.

`newroles migrate`, `newroles adduser EMAIL --trust RX4 --role editor`, `newroles load_reference`,
`newroles demo`, and `newroles serve` (the production server, newroles/serve.py). Commands whose names use
a hyphen (`normalise-titles`) map to the underscored command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with DJANGO_SETTINGS_MODULE set to newroles.settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newroles.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if args[1:2] == ["serve"]:  # the production server is a supervisor of processes, not a Django command
        from newroles.serve import main as serve

        sys.exit(serve())
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
