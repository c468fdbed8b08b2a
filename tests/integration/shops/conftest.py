"""Fixtures for shop onboarding tests: users, small real files, the search server."""

from __future__ import annotations

import pytest

from search.engine import reset_client

from .factories import make_user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def search_settings(search_server, settings):
    """Settings pointing at the session's real osmem-server (restored after the test)."""
    settings.ELASTICSEARCH_URL = search_server.url
    settings.ELASTICSEARCH_MAX_RETRIES = 0
    reset_client()
    yield settings
    reset_client()


@pytest.fixture
def applicant(db):
    return make_user("an.nguyen@example.vn")


@pytest.fixture
def staff(db):
    return make_user("canbo@example.vn", is_staff=True)
