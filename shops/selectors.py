"""Reads of shops: the directory, storefronts, programme staff's application queue, and who
in a shop hears about it (`shop_notice_recipients`, used by every mail to a shop)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.models import Product
from catalogue.selectors import product_list_public
from marketplace.core.models import AuditEvent
from marketplace.core.phones import national_number
from shops.models import Partner, ShopInvitation, ShopMember


def public_product_count() -> Count:
    """Annotation: the shop's products a buyer can see (public, approved; a product with
    options counts once, its options carry the shop too but are not products of their own)."""
    public = Q(
        products__is_public=True,
        products__moderation_status=Product.Moderation.APPROVED,
    ) & ~Q(products__structure=Product.CHILD)
    return Count("products", filter=public, distinct=True)


def shop_list_approved(
    *, commune_code: int | None = None, producer_type: str | None = None
) -> QuerySet[Partner]:
    """Approved shops for the directory, optionally in one commune / of one producer type."""
    shops = Partner.objects.approved()
    if commune_code is not None:
        shops = shops.filter(commune_code=commune_code)
    if producer_type:
        shops = shops.filter(producer_type=producer_type)
    return shops.annotate(product_count=public_product_count()).order_by("name", "pk")


def shop_get_public(*, slug: str) -> Partner:
    """An approved shop by its slug; Partner.DoesNotExist for any other status."""
    return Partner.objects.approved().get(code=slug)


def storefront_products(*, shop: Partner) -> QuerySet[Product]:
    """The shop's public products: OCOP-certified first (most stars), then the newest."""
    return (
        product_list_public()
        .filter(shop=shop)
        .order_by(F("ocop_stars").desc(nulls_last=True), "-date_created", "-pk")
    )


@dataclass(frozen=True)
class ShopRating:
    average: float | None
    count: int


def shop_rating(*, shop: Partner) -> ShopRating:
    """Average score of approved reviews of the shop's products, in one aggregate query."""
    ProductReview = get_model("reviews", "ProductReview")
    result = ProductReview.objects.filter(
        product__shop=shop, status=ProductReview.APPROVED
    ).aggregate(average=Avg("score"), count=Count("pk"))
    average = result["average"]
    return ShopRating(
        average=round(float(average), 1) if average is not None else None, count=result["count"]
    )


@dataclass(frozen=True)
class ShopContact:
    """How a buyer reaches a shop from its product page: Zalo and a phone call."""

    zalo_url: str | None
    tel_url: str | None


def shop_contact(*, shop: Partner) -> ShopContact:
    """Zalo chat (the shop's Zalo number, else its phone) and call links; None where the shop
    has given no number. Only digits of the stored numbers reach the links."""
    zalo = shop.zalo_phone or shop.phone
    return ShopContact(
        zalo_url=f"https://zalo.me/{national_number(zalo)}" if zalo else None,
        tel_url=f"tel:{national_number(shop.phone)}" if shop.phone else None,
    )


# --- programme staff -------------------------------------------------------------


def application_list(*, status: str | None = None, identity: str | None = None) -> QuerySet[Partner]:
    """Shops for the staff dashboard, newest application first; `identity` "verified" or
    "unverified" keeps the shops whose legal representative is (not) verified."""
    shops = Partner.objects.select_related("applicant", "representative")
    if status:
        shops = shops.filter(status=status)
    if identity == "verified":
        shops = shops.filter(representative__verified_at__isnull=False)
    elif identity == "unverified":
        shops = shops.exclude(representative__verified_at__isnull=False)
    return shops.order_by("-created_at", "-pk")


def application_status_counts() -> dict[str, int]:
    rows = Partner.objects.values("status").annotate(n=Count("pk")).order_by()
    counts = {value: 0 for value, _label in Partner.Status.choices}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def shop_audit_history(*, shop: Partner) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(shop=shop).select_related("actor").order_by("-created_at", "-pk")
    )


# --- who hears about a shop ------------------------------------------------------


def shop_notice_recipients(
    shop: Partner | None,
    *,
    roles: Iterable[str] = tuple(ShopMember.Role.values),
    include_applicant: bool = False,
) -> list:
    """The users a mail about `shop` goes to: its active members in `roles` whose account
    is active and has an e-mail, in the order they joined, each address once (case and
    surrounding blanks ignored).

    `include_applicant` puts the user who applied for the shop first, on the same terms:
    the programme's answer to an application reaches the applicant even when they are not
    (or no longer) an owner. No shop, nobody.
    """
    if shop is None:
        return []
    people = []
    if include_applicant and shop.applicant_id:
        people.append(shop.applicant)
    members = (
        ShopMember.objects.active()
        .filter(shop=shop, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    people.extend(member.user for member in members)
    seen: set[str] = set()
    recipients = []
    for user in people:
        address = (user.email or "").strip().lower()
        if user.is_active and address and address not in seen:
            seen.add(address)
            recipients.append(user)
    return recipients


def pending_invitations(*, shop: Partner) -> QuerySet[ShopInvitation]:
    """The shop's open invitations, newest first: only what the owner typed (e-mail, role),
    nothing read from any account (shops/invitations.py)."""
    return ShopInvitation.objects.filter(
        shop=shop, status=ShopInvitation.Status.PENDING, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-pk")
