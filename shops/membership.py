"""Who works in a shop: owners, staff and community helpers (shops.ShopMember).

`member_add` / `member_revoke` are the writes every caller goes through (the application,
the programme's approval of a named helper, staff in /dashboard/shops/, an accepted
invitation in shops/invitations.py); `shop_member_revoke` is the owner's own request from the
seller workspace, checked against the shop first. An owner adds people only by invitation
(the invitee must accept), never by looking an account up by e-mail. Every change is written
to the audit log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from shops.models import Partner, ShopMember


class MembershipError(Refused):
    """The membership change is refused; the message says why (Vietnamese)."""


@transaction.atomic
def member_add(
    *,
    shop: Partner,
    user,
    role: str,
    granted_by=None,
    acting_as: str = AuditEvent.Capacity.OWNER,
    consent_note: str = "",
) -> ShopMember:
    """Give `user` access to `shop` in `role`; an active membership is returned as it is."""
    existing = ShopMember.objects.active().select_for_update().filter(shop=shop, user=user).first()
    if existing is not None:
        return existing
    member = ShopMember.objects.create(
        shop=shop, user=user, role=role, granted_by=granted_by, consent_note=consent_note
    )
    audit_record(
        action="shop.member_added", actor=granted_by, acting_as=acting_as, shop=shop,
        target=member, data={"user": user.email, "role": role, "consent_note": consent_note},
    )
    return member


@transaction.atomic
def member_revoke(
    *, member: ShopMember, revoked_by, acting_as: str = AuditEvent.Capacity.OWNER, reason: str = ""
) -> ShopMember:
    """End a membership. The last owner cannot be removed (the shop would be orphaned).

    The shop's row is locked before the membership and before the owners are counted, as
    marketplace.privacy.services.account_delete locks the shops an owner deleting their account
    owns: two owners leaving at once are counted one after the other, and one is refused."""
    Partner.objects.select_for_update().filter(pk=member.shop_id).values_list("pk", flat=True).first()
    member = ShopMember.objects.select_for_update().get(pk=member.pk)
    if member.revoked_at is not None:
        return member
    if member.role == ShopMember.Role.OWNER:
        other_owners = ShopMember.objects.active().filter(
            shop=member.shop, role=ShopMember.Role.OWNER
        ).exclude(pk=member.pk)
        if not other_owners.exists():
            raise MembershipError(_("Cửa hàng cần ít nhất một chủ cửa hàng; không thể thu hồi."))
    member.revoked_at = timezone.now()
    member.revoked_by = revoked_by
    member.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action="shop.member_revoked", actor=revoked_by, acting_as=acting_as, shop=member.shop,
        target=member, reason=reason, data={"user": member.user.email, "role": member.role},
    )
    return member


# --- the owner's requests from the seller workspace -------------------------------


def shop_member_revoke(
    *, shop: Partner, member: ShopMember, actor, acting_as: str, reason: str = ""
) -> ShopMember:
    """End a member's access to the shop; refused for another shop's member or the last owner."""
    if member.shop_id != shop.pk:
        raise MembershipError(_("Thành viên không thuộc cửa hàng này."))
    return member_revoke(member=member, revoked_by=actor, acting_as=acting_as, reason=reason)
