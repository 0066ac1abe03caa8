"""Shared fixtures: the reference data loaded once per test database, and named personas.

alice edits (and manages) Sheffield (TAH), bob reads Sheffield, charlie edits Rotherham Doncaster and
South Humber (RXE), nadia is a national reader, rita a researcher, olive belongs to no trust, and
admin is an administrator.

`client_for(user)` signs a test client in as the user without a password; for a researcher or an
administrator it also marks the session as having passed the second factor (as entering a code does), so
tests of what they may see need not repeat the sign-in; the sign-in itself is tested in accounts' tests.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from newroles.accounts import mfa, policy
from newroles.accounts import services as accounts
from newroles.accounts.models import Membership, User
from newroles.organisations import services as organisations
from newroles.organisations.models import Team, Trust

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.utils.module_loading import import_string

    with django_db_blocker.unblock():
        for dotted in settings.REFERENCE_LOADERS:
            import_string(dotted)()


def _user(email: str, *, trust: str | None = None, role: str | None = None, **flags: bool) -> User:
    user, _ = accounts.create_user(
        actor=policy.SYSTEM, email=email, password=PASSWORD, display_name=email.split("@")[0], **flags
    )
    if trust:
        accounts.add_member(
            actor=policy.SYSTEM, trust=Trust.objects.get(ods_code=trust), email=email, role=role or "viewer"
        )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def restores_reference_data(django_db_blocker):  # type: ignore[no-untyped-def]
    """For tests whose transactions really commit (another connection sees them, or waits on their lock).

    Such a test (with `transactional_db`, requested after this) empties every table when it ends, the
    reference data loaded once per test database included, and tests that run after it in the same
    process need that data: this loads it again once the tables are emptied (it is torn down after
    `transactional_db` because it is set up before it).
    """
    yield
    from django.conf import settings
    from django.utils.module_loading import import_string

    with django_db_blocker.unblock():
        for dotted in settings.REFERENCE_LOADERS:
            import_string(dotted)()


@pytest.fixture
def sheffield(db) -> Trust:  # type: ignore[no-untyped-def]
    return Trust.objects.get(ods_code="TAH")


@pytest.fixture
def rotherham(db) -> Trust:  # type: ignore[no-untyped-def]
    return Trust.objects.get(ods_code="RXE")


@pytest.fixture
def alice(sheffield) -> User:  # type: ignore[no-untyped-def]
    return _user("alice@example.org", trust="TAH", role=Membership.MANAGER)


@pytest.fixture
def bob(sheffield) -> User:  # type: ignore[no-untyped-def]
    return _user("bob@example.org", trust="TAH", role=Membership.VIEWER)


@pytest.fixture
def eve(sheffield) -> User:  # type: ignore[no-untyped-def]
    """An editor (not a manager) at Sheffield."""
    return _user("eve@example.org", trust="TAH", role=Membership.EDITOR)


@pytest.fixture
def charlie(rotherham) -> User:  # type: ignore[no-untyped-def]
    return _user("charlie@example.org", trust="RXE", role=Membership.EDITOR)


@pytest.fixture
def nadia(db) -> User:  # type: ignore[no-untyped-def]
    return _user("nadia@example.org", is_national_reader=True)


@pytest.fixture
def rita(db) -> User:  # type: ignore[no-untyped-def]
    return _user("rita@example.org", is_researcher=True)


@pytest.fixture
def olive(db) -> User:  # type: ignore[no-untyped-def]
    return _user("olive@example.org")


@pytest.fixture
def admin_user(db) -> User:  # type: ignore[no-untyped-def]
    return _user("admin@example.org", is_admin=True)


@pytest.fixture
def private_team(sheffield) -> Team:  # type: ignore[no-untyped-def]
    return organisations.create_team(actor=policy.SYSTEM, trust=sheffield, name="Maple Ward", service_type="inpatient")


@pytest.fixture
def shared_team(sheffield) -> Team:  # type: ignore[no-untyped-def]
    return organisations.create_team(
        actor=policy.SYSTEM, trust=sheffield, name="CMHT North", service_type="community", is_shared=True
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        if mfa.requires_second_factor(user):
            pass_second_factor(client, user)
    return client


def pass_second_factor(client: Client, user: User) -> TOTPDevice:
    """Mark the client's session as verified by a (test) authenticator app, as OTPMiddleware reads it."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test authenticator", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


# Fixtures through which a test reaches the test database (pytest-django blocks it otherwise).
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that never reaches the test database gives the same answer on SQLite and PostgreSQL.

    Such tests (pure rules, the normaliser, browser tests against their own server, subprocess tests) are
    marked db_independent, so the PostgreSQL run (`make test-postgres`, CI's second run) leaves them out.
    """
    for item in items:
        uses_database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        if not uses_database:
            item.add_marker(pytest.mark.db_independent)
