"""What an ESR job role or NHS occupation code says about a role: the occupation code lookup, and the
evidence a code gives (a role, how strongly, training, its staff group). Pure Python."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .cleaning import clean_title
from .scores import (
    AGREEING_CODES_BONUS,
    AGREEING_CODES_CAP,
    CONF_EXACT,
    DISAGREEING_CODES_FACTOR,
    EVIDENCE_CACHE_LIMIT,
    RETIRED_CODE_FACTOR,
)
from .tables import _BY_SPECIALTY, _DETAILED_TO_NWD, _HELD_WITH_A_PROFESSION, _NURSES, _REFINES


class OccupationCode(NamedTuple):
    """One NHS occupation code (NHS Occupation Code Manual v22.1, NHS England, OGL v3.0)."""

    name: str
    level: str
    detailed_staff_group: str
    valid: bool


def load_occupation_codes(path: str | Path) -> dict[str, OccupationCode]:
    """Read the occupation code lookup CSV into code -> OccupationCode.

    Source: NHS England, NHS Occupation Code Manual v22.1, Open Government Licence v3.0.
    """
    codes: dict[str, OccupationCode] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            codes[row["occupation_code"].strip().upper()] = OccupationCode(
                name=row["occupation_code_name"].strip(),
                level=row["occupation_level"].strip(),
                detailed_staff_group=row["detailed_staff_group"].strip(),
                valid=row["is_currently_valid"].strip().lower() in {"true", "1", "yes", "y"},
            )
    return codes


class _Evidence(NamedTuple):
    """What a code says: a role (or None), how strongly, training, and the code's own NWD staff group
    (None for job roles, whose role's staff groups stand in)."""

    slug: str | None
    strength: float
    in_training: bool
    group: str | None
    specific: bool  # the code denotes that role, not just a kind of post


_NO_EVIDENCE = _Evidence(None, 0.0, False, None, False)


def _nwd_group(detailed_staff_group: str) -> str | None:
    if detailed_staff_group.startswith("Nurses - "):
        return _NURSES
    return _DETAILED_TO_NWD.get(detailed_staff_group)


def _specialty(code: OccupationCode) -> str:
    """The care setting or specialty part of an occupation code name ("X in Y" -> "y")."""
    _, sep, tail = code.name.rpartition(" in ")
    return tail.lower() if sep else ""


# Strength of a code's evidence. Specific: the code exists for that role. Profession: the code names
# the profession. Family: the code names a broad kind of post the role is one of.
_SPECIFIC, _PROFESSION, _FAMILY = 0.85, 0.75, 0.6


def _occupation_rule(code: OccupationCode) -> tuple[str | None, float, bool]:
    """What an occupation code says about the role: (slug, strength, in_training), read from its
    level, staff group and specialty. Slugs the catalogue lacks are dropped by the caller."""
    level = code.level
    group = code.detailed_staff_group
    specialty = _specialty(code)
    if level == "Nursing Associate":
        return "nursing_associate", _SPECIFIC, False
    if level == "Student Nursing Associate":
        return "nursing_associate", _SPECIFIC, True
    if level == "Nurse Consultant":
        return "nurse_consultant", _SPECIFIC if group == "Nurses - mental health" else _PROFESSION, False
    if group == "Nurses - mental health":
        return "mental_health_nurse", _PROFESSION, False
    if group == "Nursing support staff" and level in {
        "Healthcare Assistant",
        "Support Worker",
        "Nursing Assistant/Auxiliary",
    }:
        return "healthcare_support_worker", _FAMILY, False
    if group == "HCHS doctors" and ("psychiatry" in specialty or "psychotherapy" in specialty):
        return "psychiatrist", _PROFESSION, False
    qualified = level in {
        "Therapist",
        "Scientist",
        "Consultant Therapist/Scientist",
        "AHP Manager",
        "Other ST&T Manager",
    }
    trainee = level == "Student/Trainee"
    slug = _BY_SPECIALTY.get(specialty)
    if slug and (qualified or trainee):
        return slug, _PROFESSION, trainee
    if specialty == "applied psychology" and level == "Assistant":
        return "assistant_psychologist", _PROFESSION, False
    if group == "Ambulance staff" and "paramedic" in level.lower():
        return "paramedic", _PROFESSION, False
    return None, 0.0, False


# --------------------------------------------------------------------------------------------------
# The normaliser


class _CodeEvidence:
    """The part of the Normaliser (engine.py) that reads codes: built from the catalogue's codes and the
    occupation code lookup, it answers what a (job role, occupation code) says and whether that
    contradicts the role a title names. The Normaliser sets these tables in its __init__."""

    _roles: dict[str, Mapping[str, Any]]
    _groups: dict[str, frozenset[str]]
    _occupation: dict[str, _Evidence]
    _coded_slugs: frozenset[str]
    _job_roles: dict[str, _Evidence]
    _job_role_cache: dict[str, _Evidence]
    _evidence_cache: dict[tuple[str | None, str | None], tuple[_Evidence, ...]]

    def _resolve_segment(self, key: str) -> Any:
        """A cleaned title segment's answer: the Normaliser's own (a job role is read as a title)."""
        raise NotImplementedError

    # ---- construction ---------------------------------------------------------------------------

    def _build_occupation_evidence(self, occupation_codes: Mapping[str, OccupationCode]) -> None:
        from_catalogue: dict[str, list[tuple[str, bool]]] = {}
        for slug, role in self._roles.items():
            for code in role.get("codes") or ():
                if code.get("system") == "occupation_code" and code.get("code"):
                    from_catalogue.setdefault(code["code"].strip().upper(), []).append(
                        (slug, bool(code.get("in_training")))
                    )
        for code, info in occupation_codes.items():
            key = code.strip().upper()
            group = _nwd_group(info.detailed_staff_group)
            slug, strength, training = _occupation_rule(info)
            specific = strength >= _SPECIFIC
            listed = from_catalogue.get(key)
            if listed:
                slugs = {s for s, _ in listed}
                if len(slugs) == 1:
                    slug, strength, specific = listed[0][0], _SPECIFIC, True
                    training = training or any(t for _, t in listed)
                elif slug not in slugs:
                    slug, strength = None, 0.0  # several roles share the code: it says only the group
            if slug is not None and slug not in self._roles:
                slug, strength, training, specific = None, 0.0, False, False
            if not info.valid:
                strength *= RETIRED_CODE_FACTOR  # a retired code: entered from an old list, weaker evidence
            self._occupation[key] = _Evidence(slug, strength, training, group, specific)
        # Codes the catalogue names but the lookup lacks still count as evidence.
        for key, listed in from_catalogue.items():
            if key not in self._occupation and len({s for s, _ in listed}) == 1:
                slug = listed[0][0]
                self._occupation[key] = _Evidence(slug, _SPECIFIC, any(t for _, t in listed), None, True)

    def _build_job_role_evidence(self) -> None:
        for slug, role in self._roles.items():
            for code in role.get("codes") or ():
                if code.get("system") not in {"nwd_job_role", "sds_job_role"}:
                    continue
                evidence = _Evidence(slug, _SPECIFIC, bool(code.get("in_training")), None, True)
                for text in (code.get("code"), code.get("label")):
                    if text:
                        self._job_roles.setdefault(text.strip().lower(), evidence)

    # ---- codes ----------------------------------------------------------------------------------

    def _job_role_evidence(self, job_role: str) -> _Evidence:
        key = job_role.strip().lower()
        cached = self._job_role_cache.get(key)
        if cached is not None:
            return cached
        evidence = self._job_roles.get(key)
        if evidence is None:
            # An ESR job role ("Staff Nurse", "Healthcare Assistant") read as a title, without fuzzy
            # matching: job roles come from a fixed list, so a near miss is a different job role.
            cleaned = clean_title(job_role)
            evidence = _NO_EVIDENCE
            for segment in cleaned.segments:
                result = self._resolve_segment(segment)
                if result is None:
                    continue
                if result.kind == "resolved" and result.slug is not None:
                    evidence = _Evidence(
                        result.slug,
                        _PROFESSION if result.confidence >= CONF_EXACT else _FAMILY,
                        cleaned.in_training or result.in_training,
                        None,
                        False,
                    )
                break
        self._job_role_cache[key] = evidence
        return evidence

    def _evidence(self, job_role: str | None, occupation_code: str | None) -> tuple[_Evidence, ...]:
        """The occupation code's and the job role's evidence, those that say anything."""
        key = (job_role, occupation_code)
        cached = self._evidence_cache.get(key)
        if cached is None:
            if len(self._evidence_cache) > EVIDENCE_CACHE_LIMIT:  # bound memory on a long-lived instance
                self._evidence_cache.clear()
            cached = self._evidence_cache[key] = self._evidence_uncached(job_role, occupation_code)
        return cached

    def _evidence_uncached(self, job_role: str | None, occupation_code: str | None) -> tuple[_Evidence, ...]:
        found: list[_Evidence] = []
        if occupation_code and occupation_code.strip():
            occupation = self._occupation.get(occupation_code.strip().upper())
            if occupation is not None and (occupation.slug or occupation.group):
                found.append(occupation)
        if job_role and job_role.strip():
            job = self._job_role_evidence(job_role)
            if job.slug:
                found.append(job)
        return tuple(found)

    @staticmethod
    def _combined(evidence: tuple[_Evidence, ...]) -> _Evidence:
        """One answer from the codes alone: agreeing codes strengthen it; disagreeing codes weaken
        the stronger one."""
        named = [e for e in evidence if e.slug is not None]
        if not named:
            return _NO_EVIDENCE
        best = max(named, key=lambda e: e.strength)
        others = [e for e in named if e is not best]
        if not others:
            return best
        if all(e.slug == best.slug for e in others):
            return best._replace(
                strength=min(AGREEING_CODES_CAP, best.strength + AGREEING_CODES_BONUS),
                in_training=any(e.in_training for e in named),
            )
        return best._replace(strength=best.strength * DISAGREEING_CODES_FACTOR)

    def _contradicts(self, slug: str, evidence: _Evidence) -> bool:
        """Whether a code's evidence contradicts the role a title resolved to."""
        if evidence.slug == slug:
            return False
        if evidence.slug is not None:
            if evidence.slug in _HELD_WITH_A_PROFESSION and slug in _REFINES[evidence.slug]:
                return False  # the code is more precise than the title: a nurse who is an MHP
            if slug in _HELD_WITH_A_PROFESSION and evidence.slug in _REFINES[slug]:
                # The code names the title's underlying profession: fine for a role without a code
                # of its own (an AMHP coded as a social worker), a miscoding for one with its own (a
                # nurse consultant coded as a staff nurse).
                return evidence.specific and slug in self._coded_slugs
            if evidence.specific and slug in self._coded_slugs:
                return True  # a role with codes of its own recorded under another role's code
        # Otherwise the staff groups decide: a peer support worker (no code of its own) recorded as a
        # support worker is erratic but plausible; a clinical associate in psychology recorded as
        # nursing support staff is not.
        if evidence.group is not None:
            code_groups = frozenset({evidence.group})
        elif evidence.slug is not None:
            code_groups = self._groups[evidence.slug]
        else:
            return False
        return not (code_groups & self._groups[slug])
