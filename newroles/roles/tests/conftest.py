from __future__ import annotations

import io

import pytest

from newroles.accounts import policy
from newroles.roles import services
from newroles.roles.models import PACK_COMPONENTS, Role, RolePack


@pytest.fixture
def role(db) -> Role:  # type: ignore[no-untyped-def]
    return Role.objects.get(slug="nursing_associate")


@pytest.fixture
def national_pack(role) -> RolePack:  # type: ignore[no-untyped-def]
    """A fresh current national version with known content (one component not yet written)."""
    components = {key: f"## {label}\n\nText for {label.lower()}." for key, label in PACK_COMPONENTS}
    components["career_pathway"] = {"text": "Steps.", "steps": [{"role": "healthcare_support_worker", "band": "3"}]}
    components["sops"] = ""
    return services.create_national_pack(
        actor=policy.SYSTEM,
        role=role,
        data={
            "title": "National role pack: Nursing associate",
            "as_of": "2026",
            "components": components,
            "not_yet_written": ["sops"],
        },
    )


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A valid one-page PDF made with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
