"""The staff-record pages: tenancy of every page, the upload-map-progress-result flow, suppression, exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from newroles.conftest import client_for
from newroles.workforce import services
from newroles.workforce.models import ExtractImport, StaffRecordSuggestion
from newroles.workforce.tests.conftest import APRIL, MAPPING, post, rows_of

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"workforce:{name}", args=args)


def private_pages(obj: ExtractImport) -> list[str]:
    code = obj.trust.ods_code
    return [
        url("trust", code), url("titles", code), url("quality", code), url("quality", code) + "?format=csv",
        reverse("mapping:staff_record", args=[code]), url("import", code, obj.pk), url("progress", code, obj.pk),
        url("upload", code),
    ]  # fmt: skip


def write_pages(obj: ExtractImport) -> list[tuple[str, dict[str, str]]]:
    code = obj.trust.ods_code
    suggestion = StaffRecordSuggestion.objects.filter(trust=obj.trust).first()
    pages = [
        (url("upload", code), {"month": "2025-03"}),
        (url("titles", code), {"group": "recovery navigator"}),
        (url("titles", code), {"action": "not_new_all"}),
        (url("cancel", code, obj.pk), {}),
    ]
    if suggestion is not None:
        pages += [(reverse("mapping:staff_record_suggestion", args=[code, suggestion.pk, "accept"]), {}),
                  (reverse("mapping:staff_record_suggestion", args=[code, suggestion.pk, "dismiss"]), {})]  # fmt: skip
    return pages


def test_pages_require_sign_in(imported: ExtractImport) -> None:
    response = client_for(None).get(url("trust", "TAH"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["alice", "eve", "bob", "admin_user"])
def test_members_read_every_trust_page(request, persona: str, imported: ExtractImport) -> None:
    client = client_for(request.getfixturevalue(persona))
    for page in private_pages(imported):
        response = client.get(page)
        assert response.status_code in (200, 403 if page.endswith("/import/") else 200), page


def test_a_viewer_cannot_upload(bob, imported: ExtractImport) -> None:
    assert client_for(bob).get(url("upload", "TAH")).status_code == 403


@pytest.mark.parametrize("persona", ["olive", "charlie", "nadia", "rita"])
def test_outsiders_get_404_on_every_private_page(request, persona: str, imported: ExtractImport) -> None:
    client = client_for(request.getfixturevalue(persona))
    for page in private_pages(imported):
        assert client.get(page).status_code == 404, page
    for page, data in write_pages(imported):
        assert client.post(page, data).status_code == 404, page


def test_a_viewer_gets_403_on_every_write(bob, imported: ExtractImport) -> None:
    client = client_for(bob)
    for page, data in write_pages(imported):
        assert client.post(page, data).status_code == 403, page
    assert client.post(imported.get_absolute_url(), MAPPING).status_code == 403


def test_an_editor_of_another_trust_cannot_import_for_tah(charlie, sheffield, extract_csv: Path) -> None:
    client = client_for(charlie)
    with open(extract_csv, "rb") as handle:
        response = client.post(url("upload", "TAH"), {"month": "2025-03", "file": handle})
    assert response.status_code == 404
    assert not ExtractImport.objects.filter(trust=sheffield).exists()


def test_an_import_from_another_trusts_url_is_not_found(alice, charlie, rotherham, run_import) -> None:
    theirs = run_import(rotherham)
    assert client_for(alice).get(url("import", "TAH", theirs.pk)).status_code == 404
    assert client_for(alice).get(url("import", "RXE", theirs.pk)).status_code == 404
    assert client_for(charlie).get(url("import", "RXE", theirs.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["olive", "bob", "charlie", "nadia"])
def test_everyone_signed_in_reads_the_national_pages(request, persona: str, imported: ExtractImport) -> None:
    client = client_for(request.getfixturevalue(persona))
    for page in (url("index"), url("national"), url("national_quality"), url("national") + "?format=xlsx",
                 url("national_quality") + "?format=csv"):  # fmt: skip
        assert client.get(page).status_code == 200, page


def test_only_curators_see_the_proposals(olive, alice, rita) -> None:
    assert client_for(olive).get(url("aliases")).status_code == 403
    assert client_for(alice).get(url("aliases")).status_code == 403
    assert client_for(rita).get(url("aliases")).status_code == 200


def test_the_web_import_flow(alice, sheffield, extract_csv: Path) -> None:
    client = client_for(alice)
    page = client.get(url("upload", "TAH")).content.decode()
    assert 'for="id_month"' in page and 'for="id_file"' in page and "Position title" in page
    with open(extract_csv, "rb") as handle:
        response = client.post(url("upload", "TAH"), {"month": "2025-03", "file": handle})
    obj = ExtractImport.objects.get(trust=sheffield)
    assert response["Location"] == obj.get_absolute_url() and obj.status == ExtractImport.MAPPING
    assert services.upload_path(obj).exists()

    page = client.get(obj.get_absolute_url()).content.decode()
    assert "Personal data will not be read" in page
    for header in ("Surname", "Forename", "Date of Birth", "NI Number"):
        assert f"<li>{header}</li>" in page
    assert "Quaxworthy" not in page and "QQ100000C" not in page  # the preview leaves personal columns out
    assert '<option value="Position Title" selected>' in page  # ESR headers map themselves
    assert '<option value="Surname"' not in page  # personal columns are not offered

    response = client.post(obj.get_absolute_url(), MAPPING)
    assert response.status_code == 302
    obj.refresh_from_db()
    # The tests run tasks at once; the worker would run it in the background.
    assert obj.status == ExtractImport.DONE and obj.is_current, obj.error
    assert not services.upload_path(obj).exists()
    page = client.get(obj.get_absolute_url()).content.decode()
    assert "Imported March 2025" in page
    assert "Surname, Forename, Date of Birth, NI Number: never read, nothing stored" in page
    assert "counted from Assignment Number hashed as it was read" in page
    assert sheffield.extract_mapping.mapping == MAPPING


def test_a_mapping_without_the_title_is_refused_with_an_error_summary(alice, sheffield, extract_csv: Path) -> None:
    client = client_for(alice)
    with open(extract_csv, "rb") as handle:
        client.post(url("upload", "TAH"), {"month": "2025-03", "file": handle})
    obj = ExtractImport.objects.get(trust=sheffield)
    response = client.post(obj.get_absolute_url(), {"band": "Grade"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Choose the column that holds Position title: it is required." in page
    obj.refresh_from_db()
    assert obj.status == ExtractImport.MAPPING


def test_a_bad_upload_is_refused_and_nothing_kept(alice, sheffield, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\x00\x01binary")
    before = set(services.uploads_dir().iterdir())
    with open(path, "rb") as handle:
        response = client_for(alice).post(url("upload", "TAH"), {"month": "2025-03", "file": handle})
    assert response.status_code == 400 and "not readable text" in response.content.decode()
    assert not ExtractImport.objects.exists()
    assert set(services.uploads_dir().iterdir()) == before


def test_cancelling_deletes_the_file(alice, sheffield, extract_csv: Path) -> None:
    client = client_for(alice)
    with open(extract_csv, "rb") as handle:
        client.post(url("upload", "TAH"), {"month": "2025-03", "file": handle})
    obj = ExtractImport.objects.get(trust=sheffield)
    client.post(url("cancel", "TAH", obj.pk))
    obj.refresh_from_db()
    assert obj.status == ExtractImport.CANCELLED and not services.upload_path(obj).exists()


def test_the_progress_bar_polls_until_done(alice, imported: ExtractImport) -> None:
    client = client_for(alice)
    ExtractImport.objects.filter(pk=imported.pk).update(status=ExtractImport.RUNNING, progress=40,
                                                         stage="Matching titles to roles")  # fmt: skip
    page = client.get(imported.get_absolute_url()).content.decode()
    assert '<progress class="newroles-progress" id="import-progress-bar" max="100" value="40">40%</progress>' in page
    assert 'for="import-progress-bar">Import progress</label>' in page and "40% done: matching titles to roles." in page
    assert 'hx-trigger="every 1s"' in page and 'aria-live="polite"' in page
    ExtractImport.objects.filter(pk=imported.pk).update(status=ExtractImport.DONE, progress=100)
    response = client.get(url("progress", "TAH", imported.pk), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_outside_the_trust_small_counts_are_suppressed(alice, charlie, nadia, admin_user, imported) -> None:
    # Sheffield: 2 clinical associates in psychology, 5 nursing associates, 9 peer support workers.
    def row(client, role: str) -> str:
        page = client.get(url("national")).content.decode()
        start = page.index(role)
        return page[start : page.index("</tr>", start)]

    outside = row(client_for(charlie), "Clinical associate in psychology")
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">*</td>' in outside
    assert ">2<" not in outside
    assert ">9<" in row(client_for(nadia), "Peer support worker")
    assert ">2<" in row(client_for(admin_user), "Clinical associate in psychology")
    export = client_for(nadia).get(url("national") + "?format=csv").content.decode()
    assert "Clinical associate in psychology,1,*,*,0" in export  # 0 says nothing about anyone
    assert "Peer support worker,1,9,9.0,0" in export
    # The trust's own pages show its members everything.
    assert (
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">2</td>'
        in client_for(alice).get(url("trust", "TAH")).content.decode()
    )


def test_the_national_quality_report_suppresses_and_cleans_examples(nadia, alice, imported) -> None:
    page = client_for(nadia).get(url("national_quality")).content.decode()
    assert "‘clinical associate psychologist’ (*)" in page  # cleaned title, small count hidden
    export = client_for(nadia).get(url("national_quality") + "?format=csv").content.decode()
    assert "Codes that contradict titles,*" in export
    own = client_for(alice).get(url("quality", "TAH") + "?format=csv").content.decode()
    assert "Codes that contradict titles,2" in own and "‘Clinical Associate Psychologist’" not in own
    assert "Clinical Associate Psychologist (2)" in own


def test_the_month_can_be_chosen(alice, sheffield, run_import, imported) -> None:
    run_import(sheffield, rows_of((3, post("Peer Worker", grade="Band 3"))), month=APRIL)
    client = client_for(alice)
    assert "Staff in each role, April 2025" in client.get(url("trust", "TAH")).content.decode()
    assert "Staff in each role, March 2025" in client.get(url("trust", "TAH") + "?month=2025-03").content.decode()


def test_the_nav_links_the_staff_record(alice) -> None:
    page = client_for(alice).get(url("index")).content.decode()
    assert 'href="/workforce/" aria-current="page">Staff record</a>' in page
