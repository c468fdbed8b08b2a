"""Two deletion requests of one account at once (a double tap, two tabs) delete it once.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order
from marketplace.privacy import services
from marketplace.privacy.models import PrivacyRequest
from tests.concurrency import needs_postgresql, race
from tests.factories import person_with_data

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]
CALLS = 4


def test_two_deletions_at_once_delete_once():
    world = person_with_data("an@example.vn", shop_code="htx-an", name="An", phone="+84911111111")
    buyer = world["buyer"]
    done, gone = race([lambda: services.account_delete(user=buyer)] * CALLS, services.AccountGone)
    assert (len(done), len(gone)) == (1, CALLS - 1)
    assert not get_user_model().objects.filter(pk=buyer.pk).exists()
    assert PrivacyRequest.objects.filter(kind="deletion").count() == 1
    assert AuditEvent.objects.filter(action="privacy.account_deleted").count() == 1
    assert Order.objects.get(pk=world["orders"][0].pk).guest_email == f"deleted-{buyer.pk}@invalid"
