"""Who may act for which shop. Every seller-facing view goes through here.

Sellers are not trusted: a shop's objects are reachable only through an active
membership of that shop, and anything else is a 404 (not a 403, which would confirm
that the object exists).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from marketplace.core.models import AuditEvent
from shops.models import Partner, ShopMember

ROLE_TO_CAPACITY = {
    ShopMember.Role.OWNER: AuditEvent.Capacity.OWNER,
    ShopMember.Role.STAFF: AuditEvent.Capacity.STAFF,
    ShopMember.Role.HELPER: AuditEvent.Capacity.HELPER,
}


def shops_for_user(user) -> QuerySet[Partner]:
    """The shops the user works in (any status: a pending shop prepares its listings)."""
    if not getattr(user, "is_authenticated", False):
        return Partner.objects.none()
    return (
        Partner.objects.filter(members__user=user, members__revoked_at__isnull=True)
        .exclude(status=Partner.Status.REJECTED)
        .distinct()
        .order_by("name")
    )


def membership_for(user, shop: Partner) -> ShopMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ShopMember.objects.active().filter(shop=shop, user=user).first()


def seller_shop_or_404(user, shop_code: str) -> tuple[Partner, ShopMember]:
    """The shop with this code and the user's membership of it, or Http404."""
    membership = (
        ShopMember.objects.active()
        .select_related("shop")
        .filter(user=user, shop__code=shop_code)
        .exclude(shop__status=Partner.Status.REJECTED)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise Http404("No such shop for this seller")
    return membership.shop, membership


def capacity_of(membership: ShopMember) -> str:
    return ROLE_TO_CAPACITY[membership.role]
