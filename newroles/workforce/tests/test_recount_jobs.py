"""The recount after a catalogue change: every stale trust, every month it touches, in the background, with
progress; started by an approval, the command line or the worker's sweep, and only when a month is stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from newroles.conftest import client_for
from newroles.roles import normaliser as pure
from newroles.roles import services as roles
from newroles.roles.models import Role
from newroles.workforce import recount_jobs
from newroles.workforce.memory import current_catalogue_version
from newroles.workforce.models import ExtractImport, ExtractTitle, Recount, StaffCount
from newroles.workforce.tests.conftest import APRIL, MARCH, post, rows_of

FEW = [(6, post("Peer Support Worker", grade="Band 4")), (4, post("Recovery Navigator", grade="Band 3"))]


def navigator(trust, month) -> ExtractTitle:  # type: ignore[no-untyped-def]
    return ExtractTitle.objects.get(trust=trust, month=month, title="Recovery Navigator", extract__is_current=True)


def staff_of(role: Role, trust, month) -> int:  # type: ignore[no-untyped-def]
    cells = StaffCount.objects.filter(trust=trust, month=month, role=role, extract__is_current=True)
    return cells.aggregate(n=Sum("headcount"))["n"] or 0


def three_months(sheffield, rotherham, run_import: Callable) -> None:  # type: ignore[no-untyped-def]
    for trust, month in ((sheffield, MARCH), (sheffield, APRIL), (rotherham, MARCH)):
        assert run_import(trust, rows_of(*FEW), month=month).status == ExtractImport.DONE


def test_an_import_remembers_the_catalogue_it_was_counted_under(sheffield, run_import: Callable) -> None:
    obj = run_import(sheffield, rows_of(*FEW))
    assert obj.counted_under == current_catalogue_version()
    assert recount_jobs.stale_trusts() == []
    assert recount_jobs.start_recount(reason="nothing changed") is None  # nothing stale: no job


def test_a_catalogue_change_recounts_every_month_it_touches(sheffield, rotherham, run_import, rita) -> None:
    three_months(sheffield, rotherham, run_import)
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    assert navigator(sheffield, MARCH).review and navigator(sheffield, MARCH).role_id is None
    roles.save_alias(actor=rita, role=str_worker, title="Recovery Navigator")  # a national alias
    assert {t.pk for t in recount_jobs.stale_trusts()} == {sheffield.pk, rotherham.pk}

    job = recount_jobs.start_recount(reason="an alias added", actor=rita, enqueue=False)
    assert job is not None and job.status == Recount.QUEUED and job.trusts_total == 2 and job.requested_by == rita
    # Asking again while it waits joins it.
    assert recount_jobs.start_recount(reason="again", enqueue=False) == job
    job = recount_jobs.run(job.pk)

    assert (job.status, job.progress, job.trusts_done, job.months_changed, job.titles_changed) == (
        Recount.DONE, 100, 2, 3, 3,
    )  # fmt: skip
    for trust, month in ((sheffield, MARCH), (sheffield, APRIL), (rotherham, MARCH)):
        assert navigator(trust, month).role_id == str_worker.pk
        assert staff_of(str_worker, trust, month) == 4  # the title's staff moved to the role
    assert recount_jobs.stale_trusts() == []
    assert recount_jobs.active() is None


def test_the_sweep_starts_a_recount_only_when_a_month_is_stale(sheffield, run_import: Callable) -> None:
    run_import(sheffield, rows_of(*FEW))
    assert recount_jobs.sweep() == {"failed": 0, "started": 0}
    with mock.patch.object(pure, "NORMALISER_VERSION", pure.NORMALISER_VERSION + 1):  # a new normaliser deployed
        # Queued to run when the sweep's transaction commits (not here: the test's transaction stays open).
        assert recount_jobs.sweep() == {"failed": 0, "started": 1}
        job = Recount.objects.get()
        assert job.reason == "the catalogue or the title normaliser changed" and job.requested_by is None
        assert recount_jobs.sweep()["started"] == 0  # one at a time
        recount_jobs.run(job.pk)
        assert recount_jobs.stale_trusts() == []


def test_a_recount_whose_process_died_is_failed_by_the_sweep(sheffield, run_import: Callable) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job = Recount.objects.create(reason="r", catalogue_version="v", status=Recount.RUNNING, heartbeat_at=long_ago)
    assert recount_jobs.sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == Recount.FAILED and job.error == recount_jobs.STOPPED_MESSAGE


def test_a_failure_keeps_the_trusts_done_and_leaves_the_rest_stale(sheffield, rotherham, run_import, rita) -> None:
    three_months(sheffield, rotherham, run_import)
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    roles.save_alias(actor=rita, role=str_worker, title="Recovery Navigator")
    job = recount_jobs.start_recount(reason="an alias added", enqueue=False)
    real = recount_jobs.recount
    calls: list[str] = []

    def second_fails(*, actor, trust, reason):  # type: ignore[no-untyped-def]
        calls.append(trust.ods_code)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(actor=actor, trust=trust, reason=reason)

    with mock.patch.object(recount_jobs, "recount", second_fails):
        job = recount_jobs.run(job.pk)
    assert job.status == Recount.FAILED and job.trusts_done == 1 and "RuntimeError" in job.error
    assert [t.ods_code for t in recount_jobs.stale_trusts()] == [calls[1]]


def test_the_pages_show_the_recount_and_its_progress(sheffield, rotherham, run_import, rita, alice) -> None:
    three_months(sheffield, rotherham, run_import)
    roles.save_alias(actor=rita, role=Role.objects.get(slug="support_time_recovery_worker"), title="Recovery Navigator")
    job = recount_jobs.start_recount(reason="national alias 'Recovery Navigator' approved", actor=rita, enqueue=False)
    client = client_for(alice)
    for url in (reverse("workforce:index"), reverse("workforce:trust", args=["TAH"])):
        page = client.get(url).content.decode()
        assert "being recounted after a change to the role catalogue" in page and job.get_absolute_url() in page
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Recount after a catalogue change" in page and "Waiting for the background worker" in page
    recount_jobs.run(job.pk)
    progress = client.get(reverse("workforce:recount_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and 'value="100"' in progress.content.decode()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "2 of 2 recounted" in page and "3, in 3 trust months" in page
    assert "being recounted" not in client.get(reverse("workforce:index")).content.decode()
    assert client.get(reverse("workforce:recount", args=[job.pk + 1])).status_code == 404


def test_the_command_line_recounts_the_stale_trusts(sheffield, run_import: Callable, rita) -> None:
    run_import(sheffield, rows_of(*FEW))
    roles.save_alias(actor=rita, role=Role.objects.get(slug="support_time_recovery_worker"), title="Recovery Navigator")
    out = StringIO()
    call_command("workforce", "recount", "--stale", stdout=out)
    assert "1 trust(s): 1 title(s) changed in 1 month(s) (done)" in out.getvalue()
    out = StringIO()
    call_command("workforce", "recount", "--stale", stdout=out)
    assert "counted under the current catalogue" in out.getvalue()
    assert Recount.objects.get().requested_by is None  # run as the system


def test_a_role_edit_makes_the_months_stale_until_recounted(sheffield, run_import: Callable, rita) -> None:
    run_import(sheffield, rows_of(*FEW))
    roles.save_role(actor=rita, slug="peer_support_worker", name="Peer support worker (lived experience)")
    assert recount_jobs.stale_trusts() == [sheffield]
    recount_jobs.run(recount_jobs.start_recount(reason="a role edited", enqueue=False).pk)
    assert recount_jobs.stale_trusts() == []
