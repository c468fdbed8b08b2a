"""An invitation accepted from two tabs (or two devices) at once makes one membership.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite,
whose writers do not run concurrently the way the production database's do.
"""

from __future__ import annotations

import pytest

from marketplace.core.models import AuditEvent
from shops.invitations import InvitationError, invitation_accept, invitation_revoke, invitation_send
from shops.models import ShopInvitation, ShopMember
from tests.concurrency import needs_postgresql, race
from tests.factories import make_invitation, make_shop, make_user

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

CALLS = 8


@pytest.fixture
def invited():
    owner = make_user("owner-c@example.vn")
    shop = make_shop("shop-c", owner=owner)
    helper = make_user("helper-c@example.vn")
    invitation, _ = make_invitation(shop, "helper-c@example.vn", invited_by=owner)
    return owner, shop, helper, invitation


def fresh(invitation):
    return ShopInvitation.objects.select_related("shop", "invited_by").get(pk=invitation.pk)


def test_accepted_at_once_from_many_tabs_makes_one_member(invited):
    _, shop, helper, invitation = invited
    results, refusals = race(
        [lambda: invitation_accept(invitation=fresh(invitation), user=helper)] * CALLS, InvitationError
    )
    assert len(results) == 1 and len(refusals) == CALLS - 1
    assert ShopMember.objects.filter(shop=shop, user=helper).count() == 1
    assert fresh(invitation).status == "accepted"
    assert AuditEvent.objects.filter(action="shop.invitation_accepted").count() == 1


def test_accept_and_revoke_at_once_one_wins(invited):
    owner, shop, helper, invitation = invited
    calls = [
        lambda: invitation_accept(invitation=fresh(invitation), user=helper),
        lambda: invitation_revoke(shop=shop, invitation=fresh(invitation), actor=owner, acting_as="owner"),
    ] * (CALLS // 2)
    results, refusals = race(calls, InvitationError)
    assert len(results) == 1 and len(refusals) == CALLS - 1
    status = fresh(invitation).status
    members = ShopMember.objects.filter(shop=shop, user=helper).count()
    assert (status, members) in (("accepted", 1), ("revoked", 0))


def test_invitations_sent_at_once_to_one_address_make_one(invited):
    """Review finding 11: both sends passed the exists() check and both inserted."""
    owner, shop, _helper, _invitation = invited
    calls = [
        lambda n=n: invitation_send(
            shop=shop, email="Moi-Cung-Luc@example.vn" if n % 2 else "moi-cung-luc@example.vn",
            role="staff", consent_note="", actor=owner, acting_as="owner",
        )
        for n in range(CALLS)
    ]
    results, refusals = race(calls, InvitationError)
    assert len(results) == 1 and len(refusals) == CALLS - 1
    assert all("đã có một lời mời đang chờ" in str(r) for r in refusals)
    assert ShopInvitation.objects.filter(shop=shop, email__iexact="moi-cung-luc@example.vn").count() == 1
    assert AuditEvent.objects.filter(action="shop.member_invited").count() == 1
