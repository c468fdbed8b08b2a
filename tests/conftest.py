"""Shared fixtures: the real embedded servers, started once per test session.

Tests talk to real local servers: osmem-server for search, localstripe for
Stripe, and PostgreSQL when DATABASE_URL points at one. Sockets to anything but
loopback are refused (pytest-socket, see pyproject.toml).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from marketplace import embedded


@pytest.fixture(scope="session")
def search_server():
    """A real osmem-server for the whole session; settings point at it."""
    server = embedded.start_search()
    previous = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = server.url
    yield server
    settings.ELASTICSEARCH_URL = previous
    server.stop()


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
