"""The privacy tests' common ground: the first privacy notice and the fixed-date holidays that
migration privacy/0002 creates — made again when a transactional test elsewhere in the
session flushed the database (flushes drop rows that migrations wrote)."""

from __future__ import annotations

import datetime

import pytest

from marketplace.privacy.models import Holiday, PrivacyNotice


@pytest.fixture(autouse=True)
def migrated_privacy_rows(db):
    PrivacyNotice.objects.get_or_create(version="v1", defaults={"effective_on": datetime.date(2026, 1, 1)})
    for day in (datetime.date(2026, 4, 30), datetime.date(2026, 5, 1)):
        Holiday.objects.get_or_create(date=day, defaults={"name": "Nghỉ lễ"})
