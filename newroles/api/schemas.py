"""What the API's reads and writes look like (pydantic schemas, so the OpenAPI document is generated from them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

# A count of staff as the caller may see it: the number, or "*" where it is small and outside the caller's trust.
Shown = int | Literal["*"] | None
ShownDecimal = Decimal | Literal["*"] | None


class RegionOut(Schema):
    code: str
    name: str
    short_name: str


class TrustOut(Schema):
    ods_code: str
    name: str
    region: str = Field(description="Region code.")
    status: str
    in_study_set: bool
    website: str


class TeamOut(Schema):
    id: int
    trust: str = Field(description="ODS code of the trust.")
    name: str
    service_type: str
    description: str
    is_shared: bool
    updated_at: dt.datetime


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    service_type: str = Field(min_length=1, max_length=30)
    description: str = ""
    is_shared: bool = False


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=150)
    service_type: str | None = Field(None, min_length=1, max_length=30)
    description: str | None = None
    is_shared: bool | None = None


class AliasOut(Schema):
    title: str
    kind: str
    in_training: bool
    trust: str | None = Field(None, description="ODS code for a trust's own alias; null for the national catalogue.")


class CodeOut(Schema):
    system: str
    code: str
    label: str
    in_training: bool


class RoleOut(Schema):
    slug: str
    name: str
    staff_group: str
    newness: str
    level: str
    regulator: str
    registration: str
    medical: bool
    band_min: str
    band_max: str
    lead_time_months: int | None
    aliases: list[AliasOut]
    codes: list[CodeOut]


class ComponentOut(Schema):
    key: str
    text: str
    not_yet_written: bool


class PackOut(Schema):
    id: int
    role: str = Field(description="Role slug.")
    trust: str | None = Field(None, description="ODS code; null for a national pack.")
    version: int
    title: str
    status: str
    is_current: bool
    is_shared: bool
    review_by: dt.date | None
    components: list[ComponentOut]


class DeploymentOut(Schema):
    id: int
    trust: str
    region: str
    local_title: str
    role: str | None = Field(None, description="Role slug; null while the title is not matched to a role.")
    status: str
    first_post_started: dt.date | None
    planned_start: dt.date | None
    headcount: Shown = Field(None, description='People in post; "*" where small and from the staff record.')
    wte: ShownDecimal = None
    figures_as_of: dt.date | None
    figures_source: str
    teams: list[int] = Field(description="Ids of the teams you may see.")
    reasons: list[str]
    reason_other: str
    stance: str
    trust_newness: str
    intended_kinds: list[str]
    actual_kinds: list[str]
    drifted: bool
    updated_at: dt.datetime


class DeploymentIn(Schema):
    local_title: str = Field(min_length=1, max_length=200)
    role: str | None = Field(None, description="Role slug; left out, the title is matched to a role.")
    status: str = "active"
    first_post_started: dt.date | None = None
    planned_start: dt.date | None = None
    headcount: int | None = Field(None, ge=0, le=100_000)
    wte: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    figures_as_of: dt.date | None = None
    figures_source: str = ""
    teams: list[int] = []
    reasons: list[str] = []
    reason_other: str = ""
    stance: str = ""
    trust_newness: str = ""
    intended_kinds: list[str] = []
    intended_evidence: str = ""
    actual_kinds: list[str] = []
    actual_evidence: str = ""
    notes: str = ""


class DeploymentPatch(Schema):
    local_title: str | None = Field(None, min_length=1, max_length=200)
    role: str | None = None
    status: str | None = None
    first_post_started: dt.date | None = None
    planned_start: dt.date | None = None
    headcount: int | None = Field(None, ge=0, le=100_000)
    wte: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    figures_as_of: dt.date | None = None
    figures_source: str | None = None
    teams: list[int] | None = None
    reasons: list[str] | None = None
    reason_other: str | None = None
    stance: str | None = None
    trust_newness: str | None = None
    intended_kinds: list[str] | None = None
    intended_evidence: str | None = None
    actual_kinds: list[str] | None = None
    actual_evidence: str | None = None
    notes: str | None = None


class EngagementOut(Schema):
    id: int
    trust: str
    phase: str
    date: dt.date | None
    participant_post: str
    status: str


class RegionCoverageOut(Schema):
    region: str
    engaged: int
    total: int


class CoverageOut(Schema):
    engaged: int
    total: int
    regions: list[RegionCoverageOut]


class RoleRankOut(Schema):
    role: str
    trusts: int
    deployments: int


class ReasonOut(Schema):
    key: str
    label: str
    count: int


class KindOut(Schema):
    key: str
    label: str
    intended: int
    actual: int


class NewnessOut(Schema):
    role: str
    new_role: int
    new_title: int
    not_new: int
    disagree: bool


class NationalOut(Schema):
    deployments: int
    trusts: int
    roles: int
    titles: int
    unmapped: int
    roles_ranked: list[RoleRankOut]
    reasons: list[ReasonOut]
    kinds: list[KindOut]
    newness: list[NewnessOut]
    drifted: list[int] = Field(description="Ids of deployments whose actual change differs from the intended.")
    by_region: dict[str, int]
