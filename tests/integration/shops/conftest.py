"""Fixtures for shop onboarding tests: users, small real files, the search server."""

from __future__ import annotations

import pytest

from tests.factories import make_user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def applicant(db):
    return make_user("an.nguyen@example.vn")


@pytest.fixture
def staff(db):
    return make_user("canbo@example.vn", is_staff=True)
