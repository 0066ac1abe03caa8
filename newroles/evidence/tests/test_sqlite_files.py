"""The SQLite database file and its WAL hold none of the planted identifiers after a transcript is imported.

The other tests search every table of the (in-memory) test database; this one runs a real instance in a
subprocess, with its database in a file in WAL mode as in production, imports the planted transcripts through
the same pseudonymisation and service, and reads the raw bytes of the database and its WAL file while the
connection is still open (closing checkpoints and removes the WAL), and again after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newroles.evidence.tests.test_pseudonymise import BODY, KNOWN_NAMES, PLANTED, VTT, docx_bytes

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import sys
from pathlib import Path
from django.db import connection
from newroles.accounts import policy
from newroles.evidence import services
from newroles.evidence.pseudonymise import pseudonymise
from newroles.evidence.transcripts import read_transcript

folder = Path(sys.argv[1])
services.add_local_name(actor=policy.SYSTEM, kind="site", name="Riverside Unit")
services.add_local_name(actor=policy.SYSTEM, kind="town", name="Hillsborough")
services.add_local_name(actor=policy.SYSTEM, kind="ward", name="Maple Ward")
services.add_local_name(actor=policy.SYSTEM, kind="person", name="Okonkwo")
services.add_local_name(actor=policy.SYSTEM, kind="service",
                        name="Sheffield Health Partnership University NHS Foundation Trust")
j1 = services.create_participant(actor=policy.SYSTEM, code="J1", post_category="hr_lead", organisation_kind="trust")
for name in ("t.txt", "t.docx", "teams.vtt"):
    result = pseudonymise(read_transcript(name, (folder / name).read_bytes()), participants={"Jane Smith": "J1"},
                          known=services.known_terms())
    services.create_source(actor=policy.SYSTEM, title="Interview, Trust J1", kind="interview",
                           phase="phase1_interview", turns=result.turns, participants=[j1])
connection.cursor().execute("SELECT 1")
db = Path(connection.settings_dict["NAME"])
wal = db.with_name(db.name + "-wal")
(folder / "db-open.bin").write_bytes(db.read_bytes() + (wal.read_bytes() if wal.exists() else b""))
print("wal" if wal.exists() else "no-wal")
"""


def test_the_database_file_and_its_wal_hold_no_identifier(tmp_path: Path) -> None:
    env = {**os.environ, "NEWROLES_ENV_FILE": "", "NEWROLES_DEBUG": "True", "NEWROLES_VAR_DIR": str(tmp_path / "var"),
           "NEWROLES_DB_NAME": str(tmp_path / "var" / "db.sqlite3"), "DJANGO_SETTINGS_MODULE": "newroles.settings",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    (tmp_path / "t.txt").write_bytes(BODY.encode())
    (tmp_path / "t.docx").write_bytes(docx_bytes())
    (tmp_path / "teams.vtt").write_bytes(VTT.encode())
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run([*manage, "shell", "-c", SCRIPT.replace("sys.argv[1]", repr(str(tmp_path)))], env=env,
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("\nwal")  # the WAL was there to be read
    database = tmp_path / "var" / "db.sqlite3"
    for blob in ((tmp_path / "db-open.bin").read_bytes(), database.read_bytes()):
        assert b"[EMAIL]" in blob and b"[NHS NUMBER]" in blob  # the text is there, pseudonymised
        for kind, value in PLANTED.items():
            if kind not in ("first_name", "surname", "unknown_speaker"):  # the speaker is a local name here
                assert value.encode() not in blob, kind
        assert b"Jane" not in blob and b"2718000" not in blob.replace(b" ", b"")
    # The names the instance was told of are in its local-names list and nowhere else: the row and its unique
    # index hold each once.
    blob = database.read_bytes()
    for kind, value in {**KNOWN_NAMES, "person": PLANTED["unknown_speaker"]}.items():
        assert blob.count(value.encode()) <= 2, kind
