"""How long the tabular import holds SQLite's write lock: the chunked check, and the one-transaction commit.

    python benchmarks/bench_import_lock.py --rows 50000

1. Builds a fresh SQLite database (a file, WAL, IMMEDIATE transactions: the production settings) in a
   temporary folder, with the trust register and one editor of Sheffield (TAH).
2. Generates a teams CSV of N rows (the import's row limit is 50,000) and, while a probe thread in
   another connection takes the write lock every 50 ms (waiting for it as a sign-in would), times
   (a) the check: rows through the real services in rolled-back chunks (newroles.imports.engine), on the
       first --check-rows rows, as the longest wait depends on the chunk's length, not the file's;
   (b) the commit: every row again through the services, in one transaction with one batch id;
   (c) the baseline: a bare insert of the same rows (bulk_create, one transaction, no services, no audit),
       measured in the same run on the same database and rolled back.
3. For each, the longest the probe waited for the lock is the longest the site's other writers would
   wait (a sign-in, another trust's edit); past the busy timeout (20 s) they get the "busy" page.
   Prints each and the ratio commit / bare insert, and ends with
       rows=N check_rows=C check_s=X check_max_lock_s=Y commit_lock_s=Z baseline_lock_s=B ratio=R
The machine may be busy with other work; the figures are what this run measured, not a promise.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class LockProbe(threading.Thread):
    """Another writer, as a sign-in is: every `interval` seconds it takes the write lock, waiting for it as
    long as it must (the site's busy timeout), and keeps the longest it had to wait."""

    def __init__(self, path: str, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.path, self.interval = path, interval
        self.running = True
        self.longest = 0.0
        self.tries = 0

    def run(self) -> None:
        db = sqlite3.connect(self.path, timeout=24 * 60 * 60, isolation_level=None)  # wait however long it takes
        while self.running:
            started = time.monotonic()
            db.execute("BEGIN IMMEDIATE")
            self.longest = max(self.longest, time.monotonic() - started)
            db.execute("ROLLBACK")
            self.tries += 1
            time.sleep(self.interval)
        db.close()

    def stop(self) -> float:
        self.running = False
        self.join()
        return self.longest


def measure(path: str, work) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """Run work() with a probe: (seconds it took, longest lock-out the probe saw, its result)."""
    probe = LockProbe(path)
    probe.start()
    time.sleep(0.1)
    started = time.monotonic()
    result = work()
    elapsed = time.monotonic() - started
    time.sleep(0.1)
    return elapsed, probe.stop(), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows committed, and the bare insert's rows")
    parser.add_argument(
        "--check-rows", type=int, default=2_000,
        help="rows checked: the longest wait depends on the chunk, not the length of the file (default 2,000)",
    )  # fmt: skip
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="newroles-bench-lock-")
    os.environ["NEWROLES_VAR_DIR"] = var_dir
    os.environ.setdefault("NEWROLES_DEBUG", "True")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newroles.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from newroles.accounts import services as accounts
    from newroles.imports import engine
    from newroles.imports.registry import ImportContext, get_kind
    from newroles.lib.tabular import read_table
    from newroles.organisations.models import Team, Trust
    from newroles.organisations.services import load_reference

    call_command("migrate", verbosity=0)
    load_reference()
    trust = Trust.objects.get(ods_code="TAH")
    user, _ = accounts.create_user(actor=None, email="bench@example.test", password="x" * 16, display_name="Bench")
    accounts.add_member(actor=None, trust=trust, email=user.email, role="editor")
    db_path = connection.settings_dict["NAME"]

    lines = ["Team,Service,Shared"] + [f"Bench team {n},community,{'yes' if n % 2 else 'no'}" for n in range(args.rows)]
    table = read_table(("\n".join(lines) + "\n").encode(), "teams.csv", max_rows=engine.MAX_ROWS)
    kind = get_kind("teams")
    mapping = {"name": "Team", "service_type": "Service", "is_shared": "Shared"}
    print(f"{args.rows:,} rows of teams for {trust.name}; database {db_path}")

    chunks: list[int] = []
    to_check = replace(table, rows=table.rows[: args.check_rows])
    check_s, check_lock, check = measure(
        db_path,
        lambda: engine.run_import(
            kind, to_check, mapping, ImportContext(user, trust), commit=False, progress=lambda d, t: chunks.append(d)
        ),
    )
    assert check.ok, check.errors[:3]
    print(
        f"(a) check of {check.rows:,} rows: {check_s:8.2f} s in {len(chunks):,} chunks; "
        f"longest wait of another writer {check_lock:.3f} s"
    )

    def bare_insert() -> None:
        with transaction.atomic():
            Team.objects.bulk_create(
                [Team(trust=trust, name=f"Bench team {n}", service_type="community", is_shared=bool(n % 2))
                 for n in range(args.rows)],
                batch_size=1000,
            )  # fmt: skip
            transaction.set_rollback(True)

    base_s, base_lock, _ = measure(db_path, bare_insert)
    print(
        f"(c) bare insert of the same rows (baseline): {base_s:8.2f} s; another writer waited up to {base_lock:.3f} s"
    )

    commit_s, commit_lock, result = measure(
        db_path, lambda: engine.run_import(kind, table, mapping, ImportContext(user, trust), commit=True)
    )
    assert result.committed, result.errors[:3]
    ratio = commit_lock / base_lock if base_lock else float("nan")
    print(
        f"(b) commit: {commit_s:8.2f} s; another writer waited up to {commit_lock:.3f} s ({ratio:.1f}x the bare insert)"
    )
    print(
        f"rows={args.rows} check_rows={check.rows} check_s={check_s:.2f} check_max_lock_s={check_lock:.3f} "
        f"commit_lock_s={commit_lock:.2f} "
        f"baseline_lock_s={base_lock:.3f} ratio={ratio:.1f}"
    )


if __name__ == "__main__":
    main()
