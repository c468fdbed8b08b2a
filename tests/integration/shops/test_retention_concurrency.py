"""Two purges at once (a timer run and one started by hand): each document is cleared once,
with one audit event, and both runs finish without an error.

Needs PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite, whose writers do not run
concurrently the way the production database's do.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from marketplace.core.models import AuditEvent
from shops.models import Partner
from shops.retention import PURGED_ACTION, application_documents_purge
from tests.concurrency import needs_postgresql, race
from tests.factories import apply_for_shop, make_user

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

RUNS = 4


def test_purges_at_once_clear_each_document_once(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    old = timezone.now() - datetime.timedelta(days=settings.APPLICATION_DOCUMENT_RETENTION_DAYS + 1)
    shops = [apply_for_shop(make_user(f"cung-luc-{i}@example.vn"), name=f"HTX Cùng lúc {i}") for i in range(5)]
    Partner.objects.filter(pk__in=[s.pk for s in shops]).update(status=Partner.Status.APPROVED, status_changed_at=old)
    results, _ = race([application_documents_purge] * RUNS)
    assert sum(results) == len(shops)
    assert AuditEvent.objects.filter(action=PURGED_ACTION).count() == len(shops)
    assert not Partner.objects.exclude(application_document="").filter(pk__in=[s.pk for s in shops]).exists()
    assert list(tmp_path.rglob("*.pdf")) == []
