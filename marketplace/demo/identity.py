"""Demo legal representatives (shops/identity/, docs/decisions/0033-seller-identity.md): every
demo shop has one, verified by programme staff against documents, except the household shop
`co-ba-gan`, declared but not verified yet, so the staff flag and the seller's banner have
something to show. Every name and number is illustrative (the personal IDs are well formed:
Cà Mau's code 096, the century and sex digit, the birth year). A representative already
there (a seller's own edit) is left alone: safe to run twice.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from shops.models import LegalRepresentative

#: The shop whose representative waits for verification.
UNVERIFIED_SHOP = "co-ba-gan"

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Lâm", "Dương"]
_MEN = ["Văn Hùng", "Minh Tâm", "Thanh Tùng", "Văn Sáu", "Hoàng Phúc", "Quốc Bảo"]
_WOMEN = ["Thị Lan", "Thị Hồng", "Ngọc Hân", "Thị Mai", "Kim Loan", "Thị Bảy"]


def _illustrative(index: int) -> dict:
    female = index % 3 == 1
    year = 1962 + (index * 7) % 30
    given = (_WOMEN if female else _MEN)[index % 6]
    return {
        "full_name": f"{_FAMILY[index % len(_FAMILY)]} {given}",
        "birth_date": datetime.date(year, 1 + index % 12, 1 + (index * 5) % 28),
        "id_kind": LegalRepresentative.IdKind.PERSONAL_ID,
        "id_number": f"096{1 if female else 0}{year % 100:02d}{100000 + index:06d}",
    }


#: co-ba-gan is a household: its owner's personal ID is its tax code since Circular 86/2024,
#: the one its demo tax profile carries (marketplace/demo/tax.py).
UNVERIFIED = {
    "full_name": "Nguyễn Thị Ba",
    "birth_date": datetime.date(2000, 3, 8),
    "id_kind": LegalRepresentative.IdKind.PERSONAL_ID,
    "id_number": "096300000001",
}


def ensure_representatives(shops: dict, staff, result) -> None:
    """`shops`: code → Partner (load_demo's), `staff`: who checked the documents."""
    existing = set(LegalRepresentative.objects.filter(shop__in=shops.values()).values_list("shop_id", flat=True))
    rows = []
    for index, code in enumerate(sorted(shops)):
        shop = shops[code]
        if shop.pk in existing:
            continue
        if code == UNVERIFIED_SHOP:
            rows.append(LegalRepresentative(shop=shop, **UNVERIFIED))
            continue
        rows.append(LegalRepresentative(
            shop=shop, **_illustrative(index),
            verification_method=LegalRepresentative.Method.STAFF_DOCUMENTS,
            verified_at=timezone.now(), verified_by=staff,
            verification_note="Đối chiếu CCCD bản gốc tại UBND xã (dữ liệu minh họa).",
        ))
    LegalRepresentative.objects.bulk_create(rows)
    result.created["representatives"] += len(rows)
