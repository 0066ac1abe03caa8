"""The national map's costly pages are drawn once until the data changes (newroles.audit.cache)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newroles.audit import cache
from newroles.conftest import client_for
from newroles.mapping import services
from newroles.mapping.tests.helpers import deploy


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache._entries.clear()
    cache._computing.clear()
    cache._version = None
    yield
    cache._entries.clear()
    cache._computing.clear()
    cache._version = None


def test_the_dashboard_is_drawn_once_until_a_write(page_cache, olive, sheffield, monkeypatch):
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    client = client_for(olive)
    drawn = []
    real = services.national_picture
    monkeypatch.setattr(services, "national_picture", lambda *a, **k: drawn.append(1) or real(*a, **k))
    first = client.get("/map/").content.decode()
    client.get("/map/")
    assert len(drawn) == 1  # the second visit reused the picture
    deploy(sheffield, "Recovery Worker Plus", "peer_support_worker", status="active")
    second = client.get("/map/").content.decode()
    assert len(drawn) == 2  # a write drew it again
    assert "Recovery Worker Plus" not in first or first != second
    assert second.count("Deployments") >= 1


def test_a_cached_page_answers_with_few_queries(page_cache, olive, sheffield):
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    client = client_for(olive)
    client.get("/map/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/map/").status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "mapping_deployment" not in sql and "mapping_engagement" not in sql  # the picture was not recomputed
    assert len(queries) <= 6  # session, user, second factor, memberships, the data version


def test_every_signed_in_user_shares_the_map_while_every_deployment_is_public(
    page_cache, olive, eve, sheffield, monkeypatch
):
    from newroles.mapping.models import Deployment

    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    drawn = []
    real = services.national_picture
    monkeypatch.setattr(services, "national_picture", lambda *a, **k: drawn.append(1) or real(*a, **k))
    client_for(olive).get("/map/regions/Y63/")
    client_for(eve).get("/map/regions/Y63/")  # a member of a trust reads the same deployments
    assert len(drawn) == 1
    # Were some deployments private, users who see differently would each get their own drawing.
    monkeypatch.setattr(Deployment, "shared_when", [])
    client_for(olive).get("/map/regions/Y63/")
    client_for(eve).get("/map/regions/Y63/")
    assert len(drawn) == 3


def test_the_cache_is_off_unless_asked(settings, olive, sheffield, monkeypatch):
    settings.PAGE_CACHE = False
    drawn = []
    real = services.national_picture
    monkeypatch.setattr(services, "national_picture", lambda *a, **k: drawn.append(1) or real(*a, **k))
    client = client_for(olive)
    client.get("/map/")
    client.get("/map/")
    assert len(drawn) == 2


def test_the_version_changes_with_every_audited_write(db, sheffield):
    before = cache.data_version()
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    assert cache.data_version() != before


def test_the_deployments_export_is_written_once_per_filter_until_a_write(page_cache, olive, sheffield, monkeypatch):
    from newroles.mapping import views

    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    written = []
    real = views._export_row
    monkeypatch.setattr(views, "_export_row", lambda d: written.append(d.pk) or real(d))
    client = client_for(olive)
    first = client.get("/map/deployments/?format=csv")
    assert client.get("/map/deployments/?format=csv").content == first.content
    assert len(written) == 1
    assert first["Content-Disposition"] == 'attachment; filename="deployments.csv"'
    client.get("/map/deployments/?format=csv&status=planned")  # another filter: its own file
    assert len(written) == 1  # nothing planned, so no row written, but not the cached file either
    assert b"Peer Support Worker" not in client.get("/map/deployments/?format=csv&status=planned").content
    deploy(sheffield, "Recovery Worker Plus", "peer_support_worker", status="active")
    assert b"Recovery Worker Plus" in client.get("/map/deployments/?format=csv").content


def test_a_cached_export_never_shows_an_outsider_a_members_figures(page_cache, olive, eve, sheffield):
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active", headcount=3,
           figures_source="staff_record")  # fmt: skip
    member = client_for(eve).get("/map/deployments/?format=csv").content.decode()
    outsider = client_for(olive).get("/map/deployments/?format=csv").content.decode()
    row = next(line for line in member.splitlines() if "Peer Support Worker" in line)
    assert ",3," in row
    row = next(line for line in outsider.splitlines() if "Peer Support Worker" in line)
    assert ",3," not in row and ",*," in row


def test_threads_asking_for_one_key_compute_it_once(page_cache, monkeypatch):
    monkeypatch.setattr(cache, "data_version", lambda: (1, None))  # no database in the threads
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "figures"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.until_change("k", slow))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["figures"] * 4
    assert len(calls) == 1


def test_a_drawing_is_shared_with_the_servers_other_processes(page_cache, olive, sheffield, monkeypatch):
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    drawn = []
    real = services.national_picture
    monkeypatch.setattr(services, "national_picture", lambda *a, **k: drawn.append(1) or real(*a, **k))
    client = client_for(olive)
    client.get("/map/")
    cache._entries.clear()  # as another process would start: nothing of its own yet
    cache._version = None
    assert client.get("/map/").status_code == 200
    assert len(drawn) == 1  # read from the shared cache, not drawn again
    deploy(sheffield, "Recovery Worker Plus", "peer_support_worker", status="active")
    cache._entries.clear()
    client.get("/map/")
    assert len(drawn) == 2  # a new version of the data is drawn afresh


def test_a_drawing_made_by_other_code_is_not_read_after_an_upgrade(page_cache, olive, sheffield, monkeypatch):
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    drawn = []
    real = services.national_picture
    monkeypatch.setattr(services, "national_picture", lambda *a, **k: drawn.append(1) or real(*a, **k))
    client = client_for(olive)
    client.get("/map/")
    cache._entries.clear()
    monkeypatch.setattr(cache, "_code_stamp", "newer code")  # the same data, read by upgraded code
    client.get("/map/")
    assert len(drawn) == 2
