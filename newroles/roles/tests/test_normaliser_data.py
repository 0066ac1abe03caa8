"""The normaliser's package and its word tables (roles/data/normaliser.toml): pure Python throughout,
and every role the tables name is a catalogue role."""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

from newroles.roles import normaliser
from newroles.roles.normaliser import tables

PACKAGE = Path(normaliser.__file__).resolve().parent
CATALOGUE = PACKAGE.parent / "data" / "catalogue.json"


def test_every_module_of_the_normaliser_is_pure_python() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0
        }
        assert not [name for name in imported if name.split(".")[0] in {"django", "newroles"}], path.name


def test_the_word_tables_name_only_catalogue_roles() -> None:
    slugs = {role["slug"] for role in json.loads(CATALOGUE.read_text(encoding="utf-8"))["roles"]}
    words = tomllib.loads(tables.WORDS_FILE.read_text(encoding="utf-8"))
    named = set(words["rules"]["supplementary_aliases"]) | set(words["rules"]["qualifier_phrases"].values())
    named |= {slug for roles in words["rules"]["ambiguous_titles"].values() for slug in roles}
    named |= set(words["rules"]["refines"]) | {s for refined in words["rules"]["refines"].values() for s in refined}
    named |= set(words["rules"]["held_with_a_profession"]) | set(words["staff_groups"]["extra"])
    named |= set(words["codes"]["by_specialty"].values())
    assert named - slugs == set()


def test_the_words_are_written_as_cleaning_leaves_a_title() -> None:
    words = tomllib.loads(tables.WORDS_FILE.read_text(encoding="utf-8"))
    lists = [*words["cleaning"].values(), *words["rules"].values()]
    for table in lists:
        entries = table.items() if isinstance(table, dict) else [(word, "") for word in table]
        for key, value in entries:
            texts = [key] + ([value] if isinstance(value, str) else list(value))
            assert all(text == text.lower().strip() for text in texts), key
