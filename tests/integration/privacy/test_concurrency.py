"""Two deletion requests of one account at once (a double tap, two tabs) delete it once; two
co-owners leaving a shop at once (deleting their accounts, or revoked) leave it one owner.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.order.models import Order
from marketplace.privacy import services
from marketplace.privacy.models import PrivacyRequest
from shops.membership import MembershipError, member_revoke
from shops.models import ShopMember
from tests.concurrency import needs_postgresql, race
from tests.factories import make_shop, make_staff, make_user, person_with_data

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


def _two_owner_shop():
    first, second = make_user("chu1@htx-an.vn"), make_user("chu2@htx-an.vn")
    shop = make_shop("htx-an", owner=first)
    ShopMember.objects.create(shop=shop, user=second, role=ShopMember.Role.OWNER)
    return shop, first, second


def _owners(shop) -> int:
    return ShopMember.objects.active().filter(shop=shop, role=ShopMember.Role.OWNER).count()


def test_two_co_owners_deleting_at_once_leave_the_shop_an_owner():
    # Review finding 4: each counted the other as still active.
    shop, first, second = _two_owner_shop()
    done, refused = race([lambda: services.account_delete(user=first),
                          lambda: services.account_delete(user=second)], Refused)
    assert (len(done), len(refused)) == (1, 1)
    assert _owners(shop) == 1


def test_an_owner_deleting_while_the_other_is_revoked_leaves_the_shop_an_owner():
    shop, first, second = _two_owner_shop()
    staff = make_staff("bql@ocop.vn")
    membership = ShopMember.objects.get(shop=shop, user=second)
    done, refused = race([lambda: services.account_delete(user=first),
                          lambda: member_revoke(member=membership, revoked_by=staff)], Refused)
    assert (len(done), len(refused)) == (1, 1)
    assert _owners(shop) == 1


def test_two_owners_revoked_at_once_leave_the_shop_an_owner():
    # The same race in shops.membership.member_revoke's last-owner check.
    shop, first, second = _two_owner_shop()
    staff = make_staff("bql@ocop.vn")
    members = list(ShopMember.objects.filter(shop=shop).order_by("pk"))
    done, refused = race([lambda m=m: member_revoke(member=m, revoked_by=staff) for m in members],
                         MembershipError)
    assert (len(done), len(refused)) == (1, 1)
    assert _owners(shop) == 1
