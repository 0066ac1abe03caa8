"""The catalogue as loaded: required slugs, idempotent loading, pages and the CSV round trip."""

from __future__ import annotations

import pytest

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports import engine
from newroles.imports.registry import ImportContext, get_kind
from newroles.lib.tabular import read_table
from newroles.roles import services
from newroles.roles.models import Role, RoleAlias, RoleCode
from newroles.roles.tests.test_catalogue_data import ESTABLISHED_ROLES, NEW_ROLES

ESTABLISHED = ESTABLISHED_ROLES


def test_the_catalogue_has_every_required_role(db):
    slugs = set(Role.objects.values_list("slug", flat=True))
    assert set(NEW_ROLES) <= slugs
    assert set(ESTABLISHED) <= slugs
    assert all(Role.objects.get(slug=s).newness == "established" for s in ESTABLISHED)
    assert all(Role.objects.get(slug=s).newness != "established" for s in NEW_ROLES)


def test_it_seeds_real_codes_and_abbreviations(db):
    assert RoleCode.objects.filter(system="sds_job_role", code="R9809", role__slug="nursing_associate").exists()
    assert RoleCode.objects.filter(system="occupation_code", code="NGD", role__slug="nursing_associate").exists()
    assert RoleAlias.objects.filter(normalised="psw", role__slug="peer_support_worker").exists()


def test_loading_twice_writes_nothing(db):
    before = ChangeRecord.objects.count()
    services.load_catalogue()
    assert ChangeRecord.objects.count() == before


def test_curated_roles_are_not_overwritten_by_the_loader(db, admin_user):
    services.save_role(actor=admin_user, slug="paramedic", training_note="Edited by a curator.")
    services.load_catalogue()
    assert Role.objects.get(slug="paramedic").training_note == "Edited by a curator."


def test_only_curators_change_roles(db, alice, rita):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_role(actor=alice, slug="paramedic", training_note="x")
    services.save_role(actor=rita, slug="paramedic", training_note="Researchers curate.")


@pytest.mark.parametrize("table", ["roles", "aliases", "codes"])
def test_the_catalogue_csv_round_trips(db, admin_user, table):
    client = client_for(admin_user)
    exported = client.get(f"/roles/?format=csv&table={table}").content
    kind = get_kind({"roles": "roles", "aliases": "role_aliases", "codes": "role_codes"}[table])
    table_data = read_table(exported, "export.csv")
    mapping = engine.suggest_mapping(kind, table_data.headers, {})
    assert set(mapping) == {f.name for f in kind.fields}
    before = ChangeRecord.objects.count()
    result = engine.run_import(kind, table_data, mapping, ImportContext(actor=admin_user), commit=True)
    assert result.ok, result.errors[:3]
    assert result.created == 0
    # Importing what was exported changes nothing, so writes no audit record.
    assert ChangeRecord.objects.count() == before
    assert client.get(f"/roles/?format=csv&table={table}").content == exported


def test_a_changed_cell_imports_as_a_change(db, admin_user):
    kind = get_kind("roles")
    data = b"slug,name,newness,band_min,band_max\nparamedic,Paramedic,new_role,6,9\n"
    table = read_table(data, "roles.csv")
    mapping = engine.suggest_mapping(kind, table.headers, {})
    result = engine.run_import(kind, table, mapping, ImportContext(actor=admin_user), commit=True)
    assert result.ok and result.updated == 1
    assert Role.objects.get(slug="paramedic").band_max == "9"


def test_a_bad_band_is_reported_with_row_and_column(db, admin_user):
    kind = get_kind("roles")
    table = read_table(b"slug,name,band_max\nparamedic,Paramedic,Band 10\n", "roles.csv")
    result = engine.run_import(
        kind, table, engine.suggest_mapping(kind, table.headers, {}), ImportContext(actor=admin_user), commit=True
    )
    assert str(result.errors[0]) == "row 2, column band_max: 'Band 10' is not an Agenda for Change band (1-9, 8a-8d)"


def test_catalogue_imports_are_for_curators_only(alice, rita):
    assert not get_kind("roles").may_use(alice)
    assert get_kind("roles").may_use(rita)


def test_pages_render(db, bob):
    client = client_for(bob)
    assert b"Peer support worker" in client.get("/roles/").content
    page = client.get("/roles/nursing_associate/")
    assert page.status_code == 200 and b"R9809" in page.content
    compare = client.get("/roles/compare/?roles=nursing_associate&roles=physician_associate")
    assert b"Physician associate" in compare.content


def test_role_page_and_comparison_show_both_lead_times_or_not_known(db, bob):
    client = client_for(bob)
    page = client.get("/roles/nursing_associate/").content.decode()
    assert "Time to recruit a trained post-holder" in page and "Plan ahead" in page
    assert "Time from trainee start to qualified in post" in page and "24 months" in page
    assert 'href="https://www.nmc.org.uk/' in page  # the source is a link
    assert "Not known" in client.get("/roles/peer_support_worker/").content.decode()  # no source: not guessed
    compare = client.get("/roles/compare/?roles=nursing_associate&roles=peer_support_worker").content.decode()
    assert "Trainee start to qualified in post" in compare and "24 months" in compare and "Not known" in compare


def test_role_edit_is_403_for_trust_editors(db, alice, admin_user):
    assert client_for(alice).get("/roles/paramedic/edit/").status_code == 403
    assert client_for(admin_user).get("/roles/paramedic/edit/").status_code == 200
