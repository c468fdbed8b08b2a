"""What is withheld from a paid sale: the seller's profile and the rate in force that day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from marketplace.tax.models import BusinessGroup, SellerType, TaxProfile, TaxRate

# A shop with no tax profile is read from its producer type.
_FROM_PRODUCER_TYPE = {
    "company": SellerType.COMPANY,
    "cooperative": SellerType.COOPERATIVE,
    "cooperative_group": SellerType.COOPERATIVE,
    "household": SellerType.HOUSEHOLD,
}

# Payment routes: who received the buyer's money.
ROUTE_CARD = "card"
ROUTE_PROGRAMME_TRANSFER = "programme_transfer"
ROUTE_SHOP_TRANSFER = "shop_transfer"
ROUTE_COD = "cod"
PROGRAMME_ROUTES = frozenset({ROUTE_CARD, ROUTE_PROGRAMME_TRANSFER})


@dataclass(frozen=True)
class Withholding:
    vat: int
    pit: int
    vat_basis_points: int
    pit_basis_points: int


NONE = Withholding(0, 0, 0, 0)


def profile_for(shop) -> TaxProfile:
    """The shop's saved profile, or an unsaved one read from its producer type."""
    try:
        return shop.tax_profile
    except TaxProfile.DoesNotExist:
        return TaxProfile(
            shop=shop,
            seller_type=_FROM_PRODUCER_TYPE.get(shop.producer_type, SellerType.HOUSEHOLD),
            tax_code=shop.registration_number or "",
            seller_name=shop.legal_name or shop.name,
        )


def rate_on(group: str, day: datetime.date) -> TaxRate | None:
    return (
        TaxRate.objects.filter(business_group=group, valid_from__lte=day).order_by("-valid_from").first()
    )


def route_withheld(route: str) -> bool:
    """Whether the platform withholds on money that came this way (settings, ADR 0024)."""
    return bool(settings.TAX_WITHHOLD_ROUTES.get(route, False))


def part(amount: int, basis_points: int) -> int:
    """`amount` × rate, rounded half up to the whole đồng."""
    return (amount * basis_points + 5000) // 10000


def withholding_for(shop, amount: int, *, day: datetime.date, route: str) -> Withholding:
    """VAT and PIT to withhold from a sale of `amount` đồng paid on `day` by `route`."""
    profile = profile_for(shop)
    if amount <= 0 or not profile.withheld or not route_withheld(route):
        return NONE
    rate = rate_on(profile.business_group or BusinessGroup.GOODS, day)
    if rate is None:
        return NONE
    pit_basis_points = rate.pit_for(resident=profile.resident)
    return Withholding(
        vat=part(amount, rate.vat_basis_points), pit=part(amount, pit_basis_points),
        vat_basis_points=rate.vat_basis_points, pit_basis_points=pit_basis_points,
    )
