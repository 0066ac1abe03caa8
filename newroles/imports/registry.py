"""Kinds of tabular import. Each app describes its import in an `importers.py` module and registers it.

A kind names its fields (documented from the model fields' help text), who may use it, and
`import_row`, which turns one row's text values into calls to the app's service functions. The engine
(`newroles.imports.engine`) does everything else: reading, mapping, validating every row, reporting,
and the all-or-nothing commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from newroles.lib.tabular import normalise_header


@dataclass(frozen=True)
class ImportField:
    """One accepted column."""

    name: str
    label: str
    required: bool = False
    help_text: str = ""
    synonyms: tuple[str, ...] = ()

    def matches(self, header: str) -> bool:
        key = normalise_header(header)
        return key in {normalise_header(x) for x in (self.name, self.label, *self.synonyms)}


def model_field(
    model: type[models.Model], name: str, *, required: bool | None = None, synonyms: tuple[str, ...] = ()
) -> ImportField:
    """An ImportField documented from the model field's verbose name and help text."""
    f = model._meta.get_field(name)
    # A field with a default (a yes/no flag, a status) may be left out of the file.
    if required is None:
        required = not getattr(f, "blank", True) and not f.has_default()
    label = capfirst(str(getattr(f, "verbose_name", name)))  # not str.capitalize(): keeps "ODS code"
    return ImportField(name, label, required, str(getattr(f, "help_text", "")), synonyms)


class RowError(Exception):
    """A problem with one value of one row; `field` is the import field name (None for the whole row)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class RowErrors(Exception):
    """Several problems with one row, reported together."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


class Collector:
    """Parse a row's cells, collecting every RowError instead of stopping at the first.

    `value = collect(parse_choice, "service_type", text, choices)` returns None on a problem;
    `collect.check()` then raises RowErrors with all of them.
    """

    def __init__(self) -> None:
        self.errors: list[tuple[str | None, str]] = []

    def __call__(self, parse: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(*args, **kwargs)
        except RowError as exc:
            self.errors.append((exc.field, exc.message))
            return None

    def add(self, field: str | None, message: str) -> None:
        self.errors.append((field, message))

    def check(self) -> None:
        if self.errors:
            raise RowErrors(self.errors)


@dataclass
class ImportContext:
    """What the import runs for: the acting user and, for trust-scoped kinds, the trust."""

    actor: Any
    trust: Any = None
    cache: dict[str, Any] = field(default_factory=dict)


class ImportKind:
    """Base class: subclass, set the class attributes, implement `import_row`, then `register(...)`."""

    key: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    trust_scoped: ClassVar[bool] = False
    fields: ClassVar[list[ImportField]]

    def may_use(self, user: Any, trust: Any = None) -> bool:
        raise NotImplementedError

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        """Create or update from one row through service functions; return "created" or "updated".

        Raise RowError or ValidationError (field names as keys) to reject the row.
        """
        raise NotImplementedError

    def done_url(self, trust: Any = None) -> str:
        """Where to go after a successful import."""
        from django.urls import reverse

        return reverse("imports:index")

    @property
    def required_fields(self) -> list[ImportField]:
        return [f for f in self.fields if f.required]

    def field(self, name: str) -> ImportField:
        return next(f for f in self.fields if f.name == name)


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> ImportKind | None:
    return _KINDS.get(key)


def all_kinds() -> list[ImportKind]:
    return sorted(_KINDS.values(), key=lambda k: k.title)


# Helpers the kinds share for reading text cells ----------------------------------------------------

_YES = {"yes", "y", "true", "1", "shared"}
_NO = {"no", "n", "false", "0", "", "private"}


def parse_bool(field_name: str, value: str, default: bool = False) -> bool:
    text = value.strip().lower()
    if text == "":
        return default
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise RowError(field_name, "is not yes or no")


def parse_choice(field_name: str, value: str, choices: list[tuple[str, str]]) -> str:
    """Accept a choice by its key or its label, loosely."""
    key = normalise_header(value)
    for choice_key, label in choices:
        if key in (normalise_header(choice_key), normalise_header(label)):
            return choice_key
    allowed = ", ".join(k for k, _ in choices)
    raise RowError(field_name, f"is not one of: {allowed}")


def validation_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    """(field, message) pairs from a ValidationError; field None for errors about the whole row."""
    if hasattr(exc, "error_dict"):
        out = []
        for name, errors in exc.message_dict.items():
            for message in errors:
                out.append((None if name == "__all__" else name, message))
        return out
    return [(None, m) for m in exc.messages]
