"""Backup and restore: a round trip brings back every row of every table and every stored file.

The round trip runs the `newroles` commands in subprocesses against two throwaway instances (as the e2e
tests run their server): the source built with `migrate` and a little data, the target a fresh folder or
database with nothing in it. On PostgreSQL (NEWROLES_DB=postgres) the two are new databases on the same
server; on SQLite they are files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from newroles.ops import services

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = os.environ.get("NEWROLES_DB") == "postgres"

# Run inside the source instance: a trust register, a user, a deployment with small figures, a stored
# document, and an upload waiting for its import (which must not be backed up).
MAKE_DATA = """
from pathlib import Path
from django.conf import settings
from newroles.organisations.services import load_reference
from newroles.organisations.models import Trust
from newroles.mapping.services import create_deployment
from newroles.roles.services import upload_document
from newroles.accounts.models import User
from newroles.accounts import policy
from newroles.accounts.services import add_member
load_reference()
trust = Trust.objects.get(ods_code="TAH")
add_member(actor=policy.SYSTEM, trust=trust, email="alice@example.org", role="editor")
alice = User.objects.get(email="alice@example.org")
create_deployment(actor=alice, trust=trust, local_title="Peer Worker", role=None, headcount=3,
                  figures_source="staff_record")
upload_document(actor=alice, trust=trust, title="Job description", doc_type="job_description",
                data=b"Peer support worker job description\\n", filename="jd.txt")
waiting = Path(settings.PRIVATE_FILES_DIR) / "workforce" / "extract-1.upload"
waiting.parent.mkdir(parents=True, exist_ok=True)
waiting.write_text("Assignment Number,Surname\\n12345678-1,Quaxworthy\\n")
"""


class Instance:
    """A throwaway newroles instance: its own files folder, and its own database."""

    def __init__(self, name: str) -> None:
        self.var = Path(tempfile.mkdtemp(prefix=f"newroles-{name}-"))
        self.env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.env.update({"NEWROLES_DEBUG": "True", "NEWROLES_VAR_DIR": str(self.var)})
        self.database = ""
        if POSTGRES:
            self.database = f"newroles_ops_{name}_{os.getpid()}"
            self.env["NEWROLES_DB_NAME"] = self.database
            self._pg(["createdb", self.database])

    def _pg(self, command: list[str]) -> None:
        db = settings.DATABASES["default"]
        env = {**os.environ, "PGHOST": str(db.get("HOST") or ""), "PGPORT": str(db.get("PORT") or ""),
               "PGUSER": str(db.get("USER") or ""), "PGPASSWORD": str(db.get("PASSWORD") or "")}  # fmt: skip
        if shutil.which(command[0]) is None or subprocess.run(command, env=env, capture_output=True).returncode:
            pytest.skip(f"cannot run {command[0]} against the PostgreSQL server")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        if check and done.returncode:
            raise AssertionError(f"{args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def counts(self) -> dict[str, int]:
        """Rows per table, read by the instance itself."""
        script = "import json; from newroles.ops.services import table_counts; print(json.dumps(table_counts()))"
        return json.loads(self.run("shell", "-c", script).stdout.strip().splitlines()[-1])

    def files(self) -> dict[str, str]:
        """SHA-256 of every file under the private folder, by path."""
        root = self.var / "private"
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}  # fmt: skip

    def remove(self) -> None:
        shutil.rmtree(self.var, ignore_errors=True)
        if self.database:
            self._pg(["dropdb", "--if-exists", self.database])


@pytest.fixture
def instances() -> Iterator[tuple[Instance, Instance]]:
    made: list[Instance] = []
    try:
        source = Instance("source")
        made.append(source)
        target = Instance("target")
        made.append(target)
        yield source, target
    finally:
        for instance in made:
            instance.remove()


def test_a_round_trip_brings_back_every_row_and_every_file(instances) -> None:
    source, target = instances
    source.run("migrate", "-v", "0")
    source.run("shell", "-c", MAKE_DATA)
    archive = source.var / "backup.tar.gz"
    out = source.run("backup", "-o", str(archive)).stdout
    assert "Backed up" in out and oct(archive.stat().st_mode)[-3:] == "600"

    done = target.run("restore", str(archive))
    assert "Restored" in done.stdout, done.stderr
    before, after = source.counts(), target.counts()
    assert before == after and before["mapping_deployment"] == 1 and before["roles_documentversion"] == 1
    kept = {path: digest for path, digest in source.files().items() if not path.startswith("workforce/")}
    assert target.files() == kept and any(path.startswith("documents/") for path in kept)
    assert "workforce/extract-1.upload" in source.files()  # the raw upload stayed out of the backup

    # Now in use: a second restore is refused, unless forced.
    refused = target.run("restore", str(archive), check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr
    assert "Restored" in target.run("restore", str(archive), "--force").stdout
    assert target.counts() == before and target.files() == kept


# Checks made before anything is touched (in-process: they never reach the database) ------------------


def _archive(folder: Path, members: dict[str, bytes], *, sums: dict[str, str] | None = None) -> Path:
    manifest = {"format": services.FORMAT, "version": services.VERSION, "engine": "sqlite",
                "database": "database.sqlite3", "tables": {}, "files": []}  # fmt: skip
    members = {services.MANIFEST: json.dumps(manifest).encode(), "database.sqlite3": b"SQLite", **members}
    digests = {n: hashlib.sha256(d).hexdigest() for n, d in members.items()} | (sums or {})
    members[services.SUMS] = "".join(f"{d}  {n}\n" for n, d in digests.items()).encode()
    path = folder / "backup.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, __import__("io").BytesIO(data))
    return path


def test_a_changed_archive_is_refused_before_anything_changes(tmp_path: Path) -> None:
    path = _archive(tmp_path, {}, sums={"database.sqlite3": "0" * 64})
    with pytest.raises(services.BackupError, match="Checksums do not match"):
        services.verify(path, tmp_path / "staging")


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "files/../../escape"])
def test_a_member_outside_the_archive_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(services.BackupError, match="unexpected member"):
        services.verify(_archive(tmp_path, {name: b"x"}), tmp_path / "staging")
    assert not (tmp_path / "escape").exists()


def test_a_file_not_in_the_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(services.BackupError, match="manifest and the archive"):
        services.verify(_archive(tmp_path, {"files/documents/extra": b"x"}), tmp_path / "staging")


def test_an_instance_in_use_is_not_restored_over(alice, tmp_path: Path) -> None:
    if POSTGRES:
        pytest.skip("the archive built here is of a SQLite database")
    database = tmp_path / "database.sqlite3"
    sqlite3.connect(database).close()
    path = _archive(tmp_path, {})
    with pytest.raises(services.BackupError, match="not empty"):
        services.restore(path)
    assert "user accounts" in services.in_use()
