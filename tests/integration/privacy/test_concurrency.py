"""Two deletion requests of one account at once (a double tap, two tabs) delete it once.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order
from marketplace.privacy import services
from marketplace.privacy.models import PrivacyRequest
from tests.factories import person_with_data

pytestmark = pytest.mark.django_db(transaction=True)
CALLS = 4


def test_two_deletions_at_once_delete_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with DATABASE_URL=postgres://…")
    world = person_with_data("an@example.vn", shop_code="htx-an", name="An", phone="+84911111111")
    buyer = world["buyer"]
    barrier = threading.Barrier(CALLS)
    done, gone, errors = [], [], []

    def run():
        try:
            barrier.wait(10)
            done.append(services.account_delete(user=buyer))
        except services.AccountGone as refusal:
            gone.append(refusal)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(CALLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert (len(done), len(gone)) == (1, CALLS - 1)
    assert not get_user_model().objects.filter(pk=buyer.pk).exists()
    assert PrivacyRequest.objects.filter(kind="deletion").count() == 1
    assert AuditEvent.objects.filter(action="privacy.account_deleted").count() == 1
    assert Order.objects.get(pk=world["orders"][0].pk).guest_email == f"deleted-{buyer.pk}@invalid"
