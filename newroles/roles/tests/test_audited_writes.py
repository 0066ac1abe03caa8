"""Every write to the catalogue is audited: a new national version retiring the old one, and the search index."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from newroles.audit.models import ChangeRecord
from newroles.roles import services
from newroles.roles.models import RolePack, SearchEntry


def _records(obj) -> list[ChangeRecord]:  # type: ignore[no-untyped-def]
    content_type = ContentType.objects.get_for_model(obj._meta.model)
    return list(ChangeRecord.objects.filter(content_type=content_type, object_id=str(obj.pk)))


def test_a_new_national_version_retires_the_old_one_with_a_change_record(rita, national_pack) -> None:
    newer = services.create_national_pack(
        actor=rita, role=national_pack.role, data=services.pack_content(national_pack)
    )
    national_pack.refresh_from_db()
    assert (national_pack.is_current, newer.is_current) == (False, True)
    [retired] = [r for r in _records(national_pack) if r.action == ChangeRecord.UPDATE]
    assert (retired.before["is_current"], retired.after["is_current"]) == (True, False)
    assert retired.user == rita
    assert not RolePack.objects.filter(role=national_pack.role, trust=None, is_current=True).exclude(pk=newer.pk)


def test_the_search_index_is_written_through_the_audited_writes_by_the_system(rita, national_pack) -> None:
    entry = SearchEntry.objects.get(kind="pack", object_id=national_pack.pk)
    [created] = _records(entry)
    assert (created.action, created.user_name, created.user) == (ChangeRecord.CREATE, "system", None)
    assert "text" not in created.after  # derived text: the indexed rows' own records hold it
    services.create_national_pack(actor=rita, role=national_pack.role, data=services.pack_content(national_pack))
    assert not SearchEntry.objects.filter(kind="pack", object_id=national_pack.pk).exists()
    assert [r.action for r in _records(entry)] == [ChangeRecord.DELETE, ChangeRecord.CREATE]
