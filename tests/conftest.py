"""Shared fixtures: the real embedded servers, started once per test session.

Tests talk to real local servers: osmem-server for search, localstripe for
Stripe, and PostgreSQL when DATABASE_URL points at one. Sockets to anything but
loopback are refused (pytest-socket, see pyproject.toml).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from marketplace import embedded
from search.engine import reset_client


@pytest.fixture(scope="session")
def search_server():
    """A real osmem-server for the whole session; settings point at it."""
    server = embedded.start_search()
    previous = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = server.url
    yield server
    settings.ELASTICSEARCH_URL = previous
    server.stop()


@pytest.fixture
def search_settings(search_server, settings):
    """Settings pointing at the session's search server, no retries, a fresh client (restored
    after the test)."""
    settings.ELASTICSEARCH_URL = search_server.url
    settings.ELASTICSEARCH_MAX_RETRIES = 0
    reset_client()
    yield settings
    reset_client()


@pytest.fixture(scope="session")
def stripe_server():
    """A real localstripe for the whole session; settings point the Stripe client at it."""
    server = embedded.start_stripe()
    overrides = embedded.stripe_environment(server)
    previous = {name: getattr(settings, name) for name in overrides}
    for name, value in overrides.items():
        setattr(settings, name, value)
    yield server
    for name, value in previous.items():
        setattr(settings, name, value)
    server.stop()


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker, search_server, tmp_path_factory):
    """The demo catalogue loaded once per test module, inside a transaction rolled back after.

    The same pattern as Django's TestCase.setUpTestData: each test's own transaction is a
    savepoint inside this one, so tests see the demo data and leave nothing behind. The
    search index is rebuilt from it on the real embedded search server.
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", quiet=True)
            call_command("search_index", rebuild=True, verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
