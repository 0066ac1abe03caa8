"""The national map's costly pages are drawn once until the data changes (newroles.audit.cache)."""

from __future__ import annotations

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
    cache._entries.clear()
    cache._version = None
    yield
    cache._entries.clear()
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


def test_users_who_see_differently_do_not_share_a_page(page_cache, olive, eve, sheffield, monkeypatch):
    deploy(sheffield, "Peer Support Worker", "peer_support_worker", status="active")
    drawn = []
    real = services.national_picture
    monkeypatch.setattr(services, "national_picture", lambda *a, **k: drawn.append(1) or real(*a, **k))
    client_for(olive).get("/map/regions/Y63/")
    client_for(eve).get("/map/regions/Y63/")  # a member of a trust: a key of her own
    assert len(drawn) == 2


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
