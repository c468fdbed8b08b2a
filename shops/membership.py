"""Shop membership services: owners, staff and community helpers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from shops.models import Partner, ShopMember


class MembershipError(ValueError):
    pass


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
    """End a membership. The last owner cannot be removed (the shop would be orphaned)."""
    member = ShopMember.objects.select_for_update().get(pk=member.pk)
    if member.revoked_at is not None:
        return member
    if member.role == ShopMember.Role.OWNER:
        other_owners = ShopMember.objects.active().filter(
            shop=member.shop, role=ShopMember.Role.OWNER
        ).exclude(pk=member.pk)
        if not other_owners.exists():
            raise MembershipError("A shop keeps at least one owner.")
    member.revoked_at = timezone.now()
    member.revoked_by = revoked_by
    member.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action="shop.member_revoked", actor=revoked_by, acting_as=acting_as, shop=member.shop,
        target=member, reason=reason, data={"user": member.user.email, "role": member.role},
    )
    return member
