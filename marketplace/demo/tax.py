"""Demo tax profiles: one household shop and one cooperative (/work/shared/DESIGN.md, demo
data). Made before the demo purchases are paid, so the household's paid sales carry
withholding. A profile already there (a seller's own edit) is left alone: safe to run twice.
"""

from __future__ import annotations

from marketplace.tax.models import BusinessGroup, SellerType, TaxProfile

# shop code → (seller type, tax code or personal ID, the name the tax office knows)
DEMO_TAX_PROFILES = {
    # A 12-digit personal ID (Circular 86/2024: a household's tax code), province code 096
    # (Cà Mau); illustrative, like every demo identifier.
    "co-ba-gan": (SellerType.HOUSEHOLD, "096300000001", "Hộ kinh doanh Cô Ba Gần (minh họa)"),
    "htx-ba-khia-dam-doi": (SellerType.COOPERATIVE, None, None),
}


def ensure_tax_profiles(shops: dict, result) -> None:
    """`shops`: code → Partner (load_demo's); counts what it creates in `result.created`."""
    for code, (seller_type, tax_code, seller_name) in DEMO_TAX_PROFILES.items():
        shop = shops.get(code)
        if shop is None or TaxProfile.objects.filter(shop=shop).exists():
            continue
        TaxProfile.objects.create(
            shop=shop, seller_type=seller_type, tax_code=tax_code or shop.registration_number,
            seller_name=seller_name or shop.legal_name or shop.name, resident=True,
            business_group=BusinessGroup.GOODS,
        )
        result.created["tax_profiles"] += 1
