"""shops/retention.py and `manage.py shops_purge_application_documents`: an application's
document is kept until the staff decision plus APPLICATION_DOCUMENT_RETENTION_DAYS, then the
file is deleted and the field cleared, audited; pending or recent ones are kept; twice is safe."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.core.models import AuditEvent
from shops.models import Partner
from shops.retention import PURGED_ACTION, application_documents_purge
from tests.factories import apply_for_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.APPLICATION_DOCUMENT_RETENTION_DAYS = 30
    now = timezone.now()
    made = {}
    for key, status, days_ago in (
        ("approved_old", Partner.Status.APPROVED, 31),
        ("rejected_old", Partner.Status.REJECTED, 45),
        ("approved_recent", Partner.Status.APPROVED, 29),
        ("pending_old", Partner.Status.PENDING, 400),
    ):
        shop = apply_for_shop(make_user(f"{key}@example.vn"), name=f"Cửa hàng {key}")
        Partner.objects.filter(pk=shop.pk).update(status=status, status_changed_at=now - datetime.timedelta(days=days_ago))
        shop.refresh_from_db()
        made[key] = shop
    return made


def exists(shop) -> bool:
    return shop.application_document.storage.exists(shop.application_document.name)


def test_decided_and_old_documents_are_deleted_and_audited(shops):
    paths = {key: shop.application_document.name for key, shop in shops.items()}
    assert all(exists(shop) for shop in shops.values())
    assert application_documents_purge() == 2
    for key in ("approved_old", "rejected_old"):
        shop = Partner.objects.get(pk=shops[key].pk)
        assert shop.application_document.name == "" and shop.application_document_purged_at is not None
        assert not shops[key].application_document.storage.exists(paths[key])
        event = AuditEvent.objects.get(action=PURGED_ACTION, shop=shop)
        assert event.data["file"] == paths[key] and event.data["retention_days"] == 30
    for key in ("approved_recent", "pending_old"):
        shop = Partner.objects.get(pk=shops[key].pk)
        assert shop.application_document.name == paths[key] and exists(shop)
        assert shop.application_document_purged_at is None


def test_running_twice_is_safe(shops):
    out = io.StringIO()
    call_command("shops_purge_application_documents", stdout=out)
    call_command("shops_purge_application_documents", stdout=out)
    assert out.getvalue().splitlines() == ["2 application document(s) deleted", "0 application document(s) deleted"]
    assert AuditEvent.objects.filter(action=PURGED_ACTION).count() == 2


def test_a_run_interrupted_after_the_file_was_deleted_is_finished_by_the_next(shops):
    shop = shops["approved_old"]
    shop.application_document.storage.delete(shop.application_document.name)  # the crash: file gone, row kept
    assert application_documents_purge() == 2
    assert Partner.objects.get(pk=shop.pk).application_document.name == ""


def test_the_retention_is_a_setting(shops, settings):
    settings.APPLICATION_DOCUMENT_RETENTION_DAYS = 60
    assert application_documents_purge() == 0
    settings.APPLICATION_DOCUMENT_RETENTION_DAYS = 0
    assert application_documents_purge() == 3  # the recent decision too; pending never
    assert Partner.objects.get(pk=shops["pending_old"].pk).application_document.name != ""
