"""Ids that group audit records: one per web request or CLI run, one per import batch."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("newroles_request_id", default="")
batch_id_var: ContextVar[str] = ContextVar("newroles_batch_id", default="")
# How the change came in when not through a page (e.g. "API token 'Power BI refresh'"): added to each record's message.
via_var: ContextVar[str] = ContextVar("newroles_via", default="")


def new_id() -> str:
    return str(uuid.uuid4())


@contextlib.contextmanager
def batch(batch_id: str | None = None) -> Iterator[str]:
    """Give every audit record written inside the block the same batch id."""
    value = batch_id or new_id()
    token = batch_id_var.set(value)
    try:
        yield value
    finally:
        batch_id_var.reset(token)


@contextlib.contextmanager
def request_scope(request_id: str | None = None) -> Iterator[str]:
    value = request_id or new_id()
    token = request_id_var.set(value)
    try:
        yield value
    finally:
        request_id_var.reset(token)


@contextlib.contextmanager
def via(channel: str) -> Iterator[str]:
    """Name, in the message of every audit record written inside the block, the channel the change came by."""
    token = via_var.set(channel)
    try:
        yield channel
    finally:
        via_var.reset(token)
