"""The organisations outside the register: the list (kind, region, search, exports), an ICB's page with
its trusts, curators' add and change (everyone else 403), the `organisations` import, and a trust's ICB."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.imports import engine
from newroles.imports.registry import ImportContext, get_kind
from newroles.lib.tabular import read_table
from newroles.organisations import services
from newroles.organisations.models import Organisation, Trust

pytestmark = pytest.mark.django_db

# Session, user, the rows, the demo banner's check, the count: the pages do not grow with the data.
ORGANISATION_PAGE_MAX_QUERIES = 6
LIST_MAX_QUERIES = 6


def _list(user, **query):  # type: ignore[no-untyped-def]
    return client_for(user).get(reverse("organisations:organisations"), query)


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.name for o in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "count", "first"),
    [
        ({}, 36, "NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board"),
        ({"kind": "icb", "region": "Y63"}, 4, "NHS Humber and North Yorkshire Integrated Care Board"),
        ({"q": "south yorkshire"}, 1, "NHS South Yorkshire Integrated Care Board"),
        ({"q": "qf7"}, 1, "NHS South Yorkshire Integrated Care Board"),
        ({"q": "Q"}, 0, None),  # a code is matched whole
        ({"kind": "charity"}, 0, None),
    ],
)
def test_the_list_filters_by_kind_and_region_and_searches(olive, query, count, first):
    response = _list(olive, **query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert (_names(response)[:1] or [None])[0] == first


def test_the_list_counts_each_icbs_trusts(olive):
    rows = {o.ods_code: o.trust_count for o in _list(olive, q="QF7").context["page"].object_list}
    assert rows == {"QF7": 1}  # Rotherham Doncaster and South Humber; Sheffield is not in the ODS extract


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_list_exports_what_it_shows(olive, file_format):
    response = _list(olive, format=file_format, region="Y63")
    assert response["Content-Disposition"] == f'attachment; filename="organisations.{file_format}"'
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Kind", "Name", "ODS code", "Region", "Website", "Source"]
    assert len(rows) == 1 + 4
    assert {r[0] for r in rows[1:]} == {"Integrated care board (ICB)"}
    assert {r[3] for r in rows[1:]} == {"North East and Yorkshire"}


def test_an_icb_page_lists_its_trusts(olive, django_assert_max_num_queries):
    icb = Organisation.objects.get(ods_code="QHM")
    client = client_for(olive)
    client.get(icb.get_absolute_url())  # the first request also warms the caches
    with django_assert_max_num_queries(ORGANISATION_PAGE_MAX_QUERIES):
        response = client.get(icb.get_absolute_url())
    assert response.status_code == 200
    assert [t.ods_code for t in response.context["trusts"]] == ["RX4", "RX3"]  # active first, by name
    page = response.content.decode()
    assert "Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust" in page
    assert "Change<span" not in page  # not a curator


def test_the_list_renders_in_a_bounded_number_of_queries(olive, django_assert_max_num_queries):
    client = client_for(olive)
    client.get(reverse("organisations:organisations"))
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        assert client.get(reverse("organisations:organisations")).status_code == 200


def test_the_trust_page_shows_its_icb(olive):
    page = client_for(olive).get(reverse("organisations:trust", args=["RXE"])).content.decode()
    icb = Organisation.objects.get(ods_code="QF7")
    assert f'<a href="{icb.get_absolute_url()}">NHS South Yorkshire Integrated Care Board</a>' in page
    assert "Not recorded" in client_for(olive).get(reverse("organisations:trust", args=["TAH"])).content.decode()


# Curators write; everyone else is refused ------------------------------------------------------------

FORM = {"kind": "local_authority", "name": " Sheffield City Council ", "ods_code": "", "region": "", "website": ""}


@pytest.mark.parametrize("who", ["rita", "admin_user"])
def test_curators_add_and_change_an_organisation_and_it_is_audited(request, who, sheffield):
    user = request.getfixturevalue(who)
    region = sheffield.region
    response = client_for(user).post(reverse("organisations:organisation_create"), {**FORM, "region": region.pk})
    created = Organisation.objects.get(kind="local_authority")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert (created.name, created.region) == ("Sheffield City Council", region)
    response = client_for(user).post(
        reverse("organisations:organisation_edit", args=[created.pk]),
        {**FORM, "name": "Sheffield City Council", "website": "www.sheffield.gov.uk", "region": region.pk},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.website == "https://www.sheffield.gov.uk"
    records = ChangeRecord.objects.filter(content_type__model="organisation", object_id=str(created.pk))
    assert [(r.action, r.user) for r in records.order_by("time")] == [("create", user), ("update", user)]


@pytest.mark.parametrize("who", ["alice", "eve", "bob", "nadia", "olive"])
def test_no_one_else_may_add_or_change_one(request, who):
    user = request.getfixturevalue(who)
    icb = Organisation.objects.get(ods_code="QF7")
    client = client_for(user)
    assert client.get(reverse("organisations:organisation_create")).status_code == 403
    assert client.post(reverse("organisations:organisation_create"), FORM).status_code == 403
    edit = reverse("organisations:organisation_edit", args=[icb.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {**FORM, "kind": "icb", "ods_code": "QF7"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_organisation(actor=user, organisation=icb, name="Forged")
    with pytest.raises(PermissionDenied):
        services.create_organisation(actor=user, kind="charity", name="Forged charity")
    assert Organisation.objects.get(pk=icb.pk).name == "NHS South Yorkshire Integrated Care Board"
    assert not Organisation.objects.filter(name="Forged charity").exists()


def test_the_form_reports_an_icb_without_a_code_and_a_repeated_code(rita):
    client = client_for(rita)
    response = client.post(reverse("organisations:organisation_create"), {**FORM, "kind": "icb", "name": "New ICB"})
    assert response.status_code == 200
    assert response.context["form"].errors["ods_code"] == ["An integrated care board has an ODS code: give it."]
    response = client.post(
        reverse("organisations:organisation_create"), {**FORM, "kind": "icb", "name": "Copy", "ods_code": "qf7"}
    )
    assert "ods_code" in response.context["form"].errors or response.context["form"].non_field_errors()
    assert Organisation.objects.filter(ods_code="QF7").count() == 1


# The organisations import -------------------------------------------------------------------------

HEADER = "Kind,Name,ODS code,Region,Website,Source"


def _import(actor, *lines: str, commit: bool = True):  # type: ignore[no-untyped-def]
    kind = get_kind("organisations")
    table = read_table(("\n".join([HEADER, *lines]) + "\n").encode(), "organisations.csv")
    mapping = engine.suggest_mapping(kind, table.headers, {})
    return engine.run_import(kind, table, mapping, ImportContext(actor=actor), commit=commit)


def test_a_curator_imports_new_organisations_and_updates_by_code_or_name(rita):
    result = _import(
        rita,
        "Local authority,Sheffield City Council,,North East and Yorkshire,https://www.sheffield.gov.uk,Council site",
        "charity,Peer Voices,,,,",
        "icb,NHS South Yorkshire ICB (renamed),qf7,Y63,,",
    )
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (2, 1)
    assert Organisation.objects.get(ods_code="QF7").name == "NHS South Yorkshire ICB (renamed)"
    again = _import(rita, "charity,peer voices,,London,,")
    assert (again.created, again.updated) == (0, 1)
    assert Organisation.objects.get(kind="charity").region.name == "London"


def test_every_bad_row_is_reported_and_nothing_is_written(rita):
    records = ChangeRecord.objects.count()
    result = _import(
        rita,
        "charity,A Good Charity,,,,",
        "guild,Guild of Things,,,,",
        "charity,,,,,",
        "local_authority,Somewhere Council,,Atlantis,,",
        "icb,An ICB without a code,,London,,",
        "charity,Bad Website,,,not a web address,",
        "provider,Bad Code,ab-12,,,",
    )
    assert not result.ok
    problems = [(e.row, e.column) for e in result.errors]
    assert problems == [
        (3, "Kind"), (4, "Name"), (5, "Region"), (6, "ODS code"), (7, "Website"), (8, "ODS code"),
    ]  # fmt: skip
    assert result.errors[2].message.startswith("is not an NHS England region")
    assert not Organisation.objects.exclude(kind="icb").exists()
    assert ChangeRecord.objects.count() == records


def test_only_curators_may_import_organisations(rita, admin_user, alice, nadia, olive):
    kind = get_kind("organisations")
    assert kind.may_use(rita) and kind.may_use(admin_user)
    assert not any(kind.may_use(u) for u in (alice, nadia, olive))
    assert client_for(alice).get(reverse("imports:upload", args=["organisations"])).status_code == 403
    result = _import(alice, "charity,Sneaky Charity,,,,")
    assert not result.ok and not Organisation.objects.filter(name="Sneaky Charity").exists()


def test_an_exported_file_imports_again_unchanged(rita):
    exported = _list(rita, format="csv", region="Y63").content.decode("utf-8-sig")
    kind = get_kind("organisations")
    table = read_table(exported.encode(), "organisations.csv")
    records = ChangeRecord.objects.count()
    result = engine.run_import(
        kind, table, engine.suggest_mapping(kind, table.headers, {}), ImportContext(actor=rita), commit=True
    )
    assert result.ok and (result.created, result.updated) == (0, 4)
    assert ChangeRecord.objects.count() == records  # nothing changed, nothing recorded


# A trust's ICB through the trusts import (administrators) -----------------------------------------


def _trust_import(actor, *lines: str):  # type: ignore[no-untyped-def]
    kind = get_kind("trusts")
    text = "\n".join(["ODS code,Name,Region,ICB", *lines]) + "\n"
    table = read_table(text.encode(), "trusts.csv")
    return engine.run_import(kind, table, engine.suggest_mapping(kind, table.headers, {}), ImportContext(actor=actor),
                             commit=True)  # fmt: skip


def test_an_administrator_sets_a_trusts_icb_by_import_and_a_bad_code_is_reported(admin_user):
    name = Trust.objects.get(ods_code="TAH").name
    bad = _trust_import(admin_user, f"TAH,{name},Y63,QF7", f"RXE,{Trust.objects.get(ods_code='RXE').name},Y63,QZZ")
    assert [(e.row, e.column) for e in bad.errors] == [(3, "ICB")]
    assert Trust.objects.get(ods_code="TAH").icb is None  # nothing written
    good = _trust_import(admin_user, f"TAH,{name},Y63,qf7")
    assert good.ok
    assert Trust.objects.get(ods_code="TAH").icb.ods_code == "QF7"


def test_the_trust_export_carries_each_trusts_icb_code(olive):
    response = client_for(olive).get(reverse("organisations:trusts"), {"format": "csv", "q": "rxe"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "ICB" and rows[1][-1] == "QF7"


def test_the_demo_partners_are_an_icb_from_the_data_and_two_labelled_illustrative():
    from newroles.organisations.demo import ILLUSTRATIVE_SOURCE, demo_partners, load_demo_organisations

    made = load_demo_organisations()
    assert made == demo_partners()
    assert made["icb"].ods_code == "QF7" and "ONS Open Geography" in made["icb"].source
    for key in ("local_authority", "charity"):
        assert made[key].kind == key and made[key].source == ILLUSTRATIVE_SOURCE
        assert "(illustrative)" in made[key].name
    assert Trust.objects.get(ods_code="TAH").new_roles_lead_email == "editor@demo.test"
    records = ChangeRecord.objects.count()
    load_demo_organisations()
    assert ChangeRecord.objects.count() == records
