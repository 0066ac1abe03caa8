"""Fixtures for the reports' tests: staff records at two neighbouring trusts, through the real import."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from newroles.organisations.models import Trust
from newroles.workforce.models import ExtractImport
from newroles.workforce.tests.conftest import post, rows_of
from newroles.workforce.tests.conftest import run_import as run_import  # a fixture, used by name below

# Sheffield (TAH) and Rotherham (RXE) are both in North East and Yorkshire: neighbours.
OWN_PEER_WORKERS = 20
NEIGHBOUR_PEER_WORKERS = 3  # small: must never be seen outside Rotherham, nor worked out


@pytest.fixture
def neighbours(
    sheffield: Trust,
    rotherham: Trust,
    run_import: Callable[..., ExtractImport],
) -> dict[str, Any]:
    peer = post("Peer Support Worker", grade="Band 4", group="Additional Clinical Services")
    own = run_import(sheffield, rows_of((OWN_PEER_WORKERS, peer)))
    other = run_import(rotherham, rows_of((NEIGHBOUR_PEER_WORKERS, peer)))
    assert own.status == other.status == ExtractImport.DONE, (own.error, other.error)
    return {"own": own, "other": other}


@pytest.fixture
def third_neighbour(
    sheffield: Trust, rotherham: Trust, run_import: Callable[..., ExtractImport]
) -> Callable[[int], Trust]:
    """Another trust of the same region, with as many peer support workers as asked."""

    def make(staff: int) -> Trust:
        trust = (
            Trust.objects.filter(region=sheffield.region, in_study_set=True)
            .exclude(pk__in=[sheffield.pk, rotherham.pk])
            .first()
        )
        assert trust is not None
        peer = post("Peer Support Worker", grade="Band 4", group="Additional Clinical Services")
        assert run_import(trust, rows_of((staff, peer))).status == ExtractImport.DONE
        return trust

    return make


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
