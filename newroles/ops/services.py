"""Backup and restore of a whole instance: the database and the private files, in one checked archive.

`backup(path)` writes a gzip-compressed tar holding

- `manifest.json`: what the archive is (format, version, time, database engine, each table's row count,
  each file's size and SHA-256, the latest migration of each app);
- the database: a copy made with SQLite's online backup API (`database.sqlite3`), or a `pg_dump` custom-format
  dump on PostgreSQL (`database.pgdump`), both consistent while the site keeps running;
- `files/…`: every file kept under settings.PRIVATE_FILES_DIR (shared documents), except uploads waiting for
  their import (`TRANSIENT_DIRS`), which hold raw files (a staff-record extract carries names and NI numbers)
  that must be deleted when their import ends, and so must never outlive it in a backup;
- `SHA256SUMS`: the checksum of every other member, in `sha256sum -c` format.

`restore(path)` checks every checksum and the manifest before touching anything, refuses an instance that is
in use (it has user accounts, change records or private files) unless `force`, then replaces the database
and the private files, and checks each table's row count against the manifest.

This is the one place that writes the database without the service functions: it replaces the whole
database with an earlier state of itself, which the audit records in it describe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection

FORMAT = "newroles-backup"
VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
FILES = "files"
# Folders of uploads waiting for their import: deleted when the import ends, so never backed up.
TRANSIENT_DIRS = ("workforce", "imports", "evidence-review")  # the review of a transcript holds what was replaced
CHUNK = 1024 * 1024
BACKUP_PAGES = 1024  # SQLite pages (4 KiB) copied per step of the online backup
BUSY_LIMIT_SECONDS = 120


class BackupError(Exception):
    """The backup or restore stopped; the message says why. A restore that raises changed nothing
    unless the message says otherwise."""


@dataclass
class Report:
    """What a backup or restore did, for the command to print."""

    path: Path
    engine: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# What is in the instance --------------------------------------------------------------------------


def engine() -> str:
    """ "sqlite" or "postgresql"."""
    return connection.vendor


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (Django's own tables included), by table name."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def private_files() -> Iterator[tuple[str, Path]]:
    """(archive-relative path, file) of every private file to back up, in a stable order."""
    root = Path(settings.PRIVATE_FILES_DIR)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not path.is_symlink() and relative.parts[0] not in TRANSIENT_DIRS:
            yield relative.as_posix(), path


def in_use() -> list[str]:
    """Why the instance is not empty: user accounts, change records, private files (reference data and
    migrations do not count; `newroles load_reference` makes them again)."""
    from django.apps import apps

    reasons = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))  # none at all before `migrate`
    for label, what in (("accounts.User", "user accounts"), ("audit.ChangeRecord", "change records")):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model.objects.exists():
            reasons.append(what)
    if next(private_files(), None) is not None:
        reasons.append("private files")
    return reasons


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _latest_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# Backup -------------------------------------------------------------------------------------------


def _database_url_env() -> dict[str, str]:
    """libpq's environment for the configured PostgreSQL database (the password never on a command line)."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools.")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(folder: Path) -> str:
    """Write a consistent copy of the database into `folder`; return its file name."""
    if engine() == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        started = time.monotonic()

        def give_up_when_stuck(status: int, remaining: int, total: int) -> None:
            # Copied a few pages at a time, so writers get in between; a writer that holds the database
            # for longer than the limit stops the backup with a clear message rather than a silent wait.
            if status != sqlite3.SQLITE_OK and time.monotonic() - started > BUSY_LIMIT_SECONDS:
                raise BackupError(f"The database stayed busy for {BUSY_LIMIT_SECONDS} s; try again.")

        try:
            connection.connection.backup(copy, pages=BACKUP_PAGES, progress=give_up_when_stuck)
        finally:
            copy.close()
        return target.name
    if engine() == "postgresql":
        target = folder / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], _database_url_env())
        return target.name
    raise BackupError(f"Backing up a {engine()} database is not supported.")


def backup(output: Path) -> Report:
    """Write the instance's database and private files to one archive at `output` (replaced if present)."""
    output = Path(output)
    report = Report(path=output, engine=engine(), tables=table_counts())
    with tempfile.TemporaryDirectory(prefix="newroles-backup-") as tmp:
        folder = Path(tmp)
        database = _dump_database(folder)
        members: list[tuple[str, Path]] = [(database, folder / database)]
        files = []
        for relative, path in private_files():
            member = f"{FILES}/{relative}"
            members.append((member, path))
            files.append({"path": relative, "size": path.stat().st_size, "sha256": _sha256(path)})
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": report.engine,
            "database": database,
            "tables": report.tables,
            "migrations": _latest_migrations(),
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        members.insert(0, (MANIFEST, folder / MANIFEST))
        sums = "".join(f"{_sha256(path)}  {name}\n" for name, path in members)
        (folder / SUMS).write_text(sums, encoding="utf-8")
        members.append((SUMS, folder / SUMS))
        # Written beside the target and renamed into place, so a failed backup never leaves half an archive;
        # readable by its owner only, as it holds the accounts and every trust's private data.
        partial = output.with_name(f".{output.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                for name, path in members:
                    archive.add(path, arcname=name, recursive=False, filter=_plain)
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    report.files = len(files)
    report.bytes = output.stat().st_size
    return report


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Members carry no owner names or modes of this machine."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# Restore ------------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _unpack(archive: tarfile.TarFile, staging: Path, digests: dict[str, str]) -> None:
    """Write each member into `staging` (plain files inside it only), noting each one's SHA-256."""
    for member in archive:
        if not member.isfile() or not _safe_member(member.name) or member.name in digests:
            raise BackupError(f"The archive holds an unexpected member: {member.name!r}.")
        source = archive.extractfile(member)
        if source is None:
            raise BackupError(f"The archive's member {member.name!r} cannot be read.")
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with source, open(target, "wb") as handle:
            while block := source.read(CHUNK):
                digest.update(block)
                handle.write(block)
        digests[member.name] = digest.hexdigest()


def verify(archive_path: Path, staging: Path) -> dict[str, Any]:
    """Unpack the archive into `staging`, checking every member against SHA256SUMS and the manifest.

    Raises BackupError on anything unexpected: a member missing, extra, not a plain file, outside the
    archive's folder, or whose checksum differs. Returns the manifest.
    """
    digests: dict[str, str] = {}
    try:
        with tarfile.open(archive_path, mode="r:*") as archive:
            _unpack(archive, staging, digests)
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise BackupError(f"{archive_path} is not a readable newroles backup: {exc}") from None
    if SUMS not in digests or MANIFEST not in digests:
        raise BackupError("The archive has no manifest or no checksums: it is not a newroles backup.")
    expected = {}
    for line in (staging / SUMS).read_text(encoding="utf-8").splitlines():
        checksum, _, name = line.partition("  ")
        expected[name] = checksum
    listed = set(expected) | {SUMS}
    if listed != set(digests):
        raise BackupError(f"The archive's members differ from its checksum list: {sorted(listed ^ set(digests))}.")
    wrong = sorted(name for name, checksum in expected.items() if digests[name] != checksum)
    if wrong:
        raise BackupError(f"Checksums do not match (the archive is damaged or was changed): {', '.join(wrong)}.")
    manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("The manifest is not of a newroles backup this version can restore.")
    files = {f"{FILES}/{f['path']}" for f in manifest["files"]}
    if files | {manifest["database"], MANIFEST} != set(expected):
        raise BackupError("The manifest and the archive's members disagree.")
    return manifest


def _load_database(manifest: dict[str, Any], staging: Path) -> None:
    dump = staging / manifest["database"]
    if engine() == "sqlite":
        connection.close()
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # page by page into the live database, schema included
        finally:
            source.close()
        connection.close()
        return
    connection.close()  # pg_restore drops and recreates every table: no session of ours may hold one
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         f"--dbname={settings.DATABASES['default']['NAME']}", str(dump)],
        _database_url_env(),
    )  # fmt: skip


def _replace_files(staging: Path) -> int:
    """Swap the restored files in for the private folder's own (transient uploads are left where they are)."""
    root = Path(settings.PRIVATE_FILES_DIR)
    root.mkdir(parents=True, exist_ok=True)
    incoming = staging / FILES
    for _, path in list(private_files()):
        path.unlink()
    restored = 0
    if incoming.exists():
        for path in sorted(incoming.rglob("*")):
            if path.is_file():
                target = root / path.relative_to(incoming)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)
                restored += 1
    return restored


def restore(archive_path: Path, *, force: bool = False) -> Report:
    """Replace this instance's database and private files with the archive's, after checking all of it."""
    archive_path = Path(archive_path)
    with tempfile.TemporaryDirectory(prefix="newroles-restore-", dir=settings.VAR_DIR) as tmp:
        staging = Path(tmp)
        manifest = verify(archive_path, staging)
        if manifest["engine"] != engine():
            raise BackupError(f"The backup is of a {manifest['engine']} database; this instance uses {engine()}.")
        reasons = in_use()
        if reasons and not force:
            raise BackupError(
                f"This instance is not empty (it has {', '.join(reasons)}). Restore into a new instance, or give "
                "--force to replace everything in it."
            )
        _load_database(manifest, staging)
        files = _replace_files(staging)
    tables = table_counts()
    differ = sorted(t for t, n in manifest["tables"].items() if tables.get(t) != n)
    if differ:
        raise BackupError(f"Restored, but these tables' row counts differ from the backup's: {', '.join(differ)}.")
    return Report(path=archive_path, engine=engine(), tables=tables, files=files, bytes=archive_path.stat().st_size)


def describe(report: Report) -> str:
    return f"{len(report.tables)} tables, {report.rows} rows, {report.files} files"
