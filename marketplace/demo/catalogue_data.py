"""The demo catalogue as plain data: categories, shops, products, certificates.

Everything here is deterministic (derived from names through SHA-256, never from
`random` or the clock) except the certificate dates, which are offsets from the
`today` passed in. `services.py` writes this plan to the database.

Sources: `data/camau_catalogue.json` (real Cà Mau producers, products, OCOP stars,
reported prices) and `data/extra_products.json` (illustrative shops, marked as such).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from catalogue.models import STAR_SCORE_RANGES, add_months
from catalogue.ocop import (  # noqa: F401 -- re-exported for the loader and its tests
    OCOP_GROUP_CODES,
    OCOP_GROUPS,
    OTHER_CATEGORY,
    category_specs,
)
from marketplace.core.text import fold, slugify_vi

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_EMAIL_DOMAIN = "demo.ocop.vn"

GROUP_CODE_BY_NAME = {name: code for code, name, _children in OCOP_GROUPS}

PRODUCT_CLASS_NAME = "Sản phẩm"

# --- Real product lines: category, packaging profile and a description we wrote ---
# Keyed by the product name in camau_catalogue.json.
LINE_INFO: dict[str, tuple[str, str, str]] = {
    "Ba khía muối": ("thuc-pham/thuy-san-che-bien", "preserve",
        "Ba khía làm sạch, ướp muối theo cách làm của vùng ven biển Cà Mau. "
        "Trộn với tỏi, ớt, chanh, đường để ăn cùng cơm trắng."),
    "Ba khía muối nước mắm": ("thuc-pham/thuy-san-che-bien", "preserve",
        "Ba khía ngâm nước mắm, vị mặn ngọt đậm đà; dùng ngay hoặc trộn thêm chanh, tỏi, ớt."),
    "Tôm khô Rạch Gốc": ("thuc-pham/thuy-san-kho", "dried",
        "Tôm khô làm từ tôm đất vùng Rạch Gốc, thịt chắc, ngọt tự nhiên. "
        "Ăn kèm củ kiệu, trộn gỏi hoặc nấu canh."),
    "Tôm khô tách vỏ": ("thuc-pham/thuy-san-kho", "dried",
        "Tôm khô đã bóc vỏ, tiện nấu canh, xào, trộn gỏi hoặc làm quà."),
    "Bánh phồng hàu": ("thuc-pham/banh-keo", "snack",
        "Bánh phồng có hàu, chiên trong dầu nóng hoặc nướng cho phồng giòn; món ăn chơi."),
    "Bánh phồng tôm": ("thuc-pham/banh-keo", "snack",
        "Bánh phồng có tôm, chiên phồng giòn, dùng ăn chơi hoặc đãi khách ngày Tết."),
    "Yến chưng": ("thuc-pham/yen-sao", "jar",
        "Yến sào chưng sẵn đóng hũ, dùng ngay hoặc để lạnh."),
    "Yến tinh chế": ("thuc-pham/yen-sao", "box",
        "Tổ yến đã làm sạch lông và tạp chất, chưng cùng đường phèn, táo đỏ hoặc hạt sen."),
    "Mật ong U Minh Hạ": ("thuc-pham/mat-ong", "litre",
        "Mật ong từ vùng rừng tràm U Minh Hạ; pha nước ấm, chanh hoặc dùng khi nấu ăn."),
    "Nước cốt nhàu": ("do-uong/nuoc-ep-nuoc-cot", "bottle",
        "Nước cốt từ trái nhàu, đóng chai; pha loãng với nước trước khi uống."),
    "Muối tinh Bạc Liêu": ("thuc-pham/gia-vi-nuoc-mam", "salt",
        "Muối biển tinh từ vùng muối Bạc Liêu, hạt mịn, dùng nêm nếm hằng ngày."),
    "Muối hạt Bạc Liêu": ("thuc-pham/gia-vi-nuoc-mam", "salt",
        "Muối hạt từ đồng muối Bạc Liêu, dùng muối dưa, ướp cá, nêm nếm."),
    "Cua biển Cà Mau (có tem QR truy xuất)": ("thuc-pham/thuy-san-tuoi-song", "fresh",
        "Cua biển Cà Mau bán theo ký, mỗi con có tem QR truy xuất nguồn gốc. "
        "Hấp, rang me hoặc nấu lẩu."),
    "Mắm lóc Thới Bình": ("thuc-pham/thuy-san-che-bien", "preserve",
        "Mắm cá lóc vùng Thới Bình; chưng thịt, kho quẹt hoặc nấu lẩu mắm."),
    "Tôm khô": ("thuc-pham/thuy-san-kho", "dried",
        "Tôm khô phơi sấy từ tôm tươi; ăn kèm củ kiệu, nấu canh hoặc trộn gỏi."),
    "Khô cá kèo": ("thuc-pham/thuy-san-kho", "dried",
        "Cá kèo phơi khô; nướng hoặc chiên, chấm nước mắm me."),
    "Chả tôm": ("thuc-pham/thuy-san-che-bien", "frozen",
        "Chả làm từ tôm tươi quết nhuyễn; chiên hoặc hấp, ăn với cơm, bún."),
    "Chà bông tôm": ("thuc-pham/thuy-san-che-bien", "jar",
        "Tôm rang tơi, xé sợi; ăn kèm cháo, cơm, bánh mì."),
    "Mắm tôm": ("thuc-pham/gia-vi-nuoc-mam", "jar",
        "Mắm tôm đóng hũ, làm nước chấm hoặc nêm món ăn."),
    "Rượu trái giác": ("do-uong/ruou", "bottle",
        "Rượu lên men từ trái giác, màu đỏ tím, vị chua ngọt. Chỉ bán cho người đủ 18 tuổi."),
    "Nha đam": ("thuc-pham/rau-cu-qua-che-bien", "jar",
        "Nha đam sơ chế, nấu đường, đóng hũ; món giải khát mát lạnh."),
    "Dưa bồn bồn": ("thuc-pham/rau-cu-qua-che-bien", "jar",
        "Bồn bồn – cây mọc ở vùng đất ngập nước – muối chua; ăn kèm cơm, thịt kho."),
    "Chuối sấy dẻo": ("thuc-pham/rau-cu-qua-che-bien", "pack",
        "Chuối chín sấy dẻo, ăn vặt hoặc làm quà."),
    "Khô cá bổi": ("thuc-pham/thuy-san-kho", "dried",
        "Cá bổi phơi khô; chiên giòn hoặc nướng, ăn với cơm."),
    "Nước mắm Mạch Long": ("thuc-pham/gia-vi-nuoc-mam", "bottle",
        "Nước mắm đóng chai, dùng làm nước chấm và nêm nếm."),
    "Nước mắm Ngọc Trân": ("thuc-pham/gia-vi-nuoc-mam", "bottle",
        "Nước mắm đóng chai của HTX Ngọc Trân, dùng chấm và nêm món ăn."),
    "Gạo Từ Tâm": ("thuc-pham/gao", "rice",
        "Gạo trắng đóng túi của HTX Từ Tâm, nấu cơm hằng ngày."),
    "Đũa đước": ("thu-cong-my-nghe/do-go-tre", "bundle",
        "Đũa làm từ gỗ cây đước, loài cây của rừng ngập mặn Cà Mau."),
}

# ESTIMATES, not reported prices: the JSON gives no price for these products.
# Plausible retail prices (whole đồng, per the JSON unit) for that kind of product,
# keyed by (producer, product).
ESTIMATED_PRICES: dict[tuple[str, str], int] = {
    ("HTX Tân Phát Lợi", "Tôm khô tách vỏ"): 1_500_000,  # per kg, as the same shop's tôm khô
    ("HTX Tân Phát Lợi", "Bánh phồng hàu"): 250_000,  # per kg
    ("Yến sào Đất Mũi", "Yến chưng"): 40_000,  # per 70 ml jar
    ("Yến sào Đất Mũi", "Yến tinh chế"): 1_500_000,  # per 50 g box
    ("Vinh Hòa Phát", "Bánh phồng tôm"): 220_000,  # per kg, as the reported 220–280k
    ("Kiên Cường", "Bánh phồng tôm"): 240_000,  # per kg
    ("SK NONI", "Nước cốt nhàu"): 120_000,  # per 500 ml bottle
    ("Công ty CP Muối Bạc Liêu", "Muối tinh Bạc Liêu"): 25_000,  # per kg
    ("Công ty CP Muối Bạc Liêu", "Muối hạt Bạc Liêu"): 15_000,  # per kg
    ("Cơ sở Yến Khoa", "Mắm lóc Thới Bình"): 200_000,  # per kg
    ("Cơ sở Ngọc Giàu", "Tôm khô"): 1_200_000,  # per kg
    ("Cơ sở Ngọc Giàu", "Khô cá kèo"): 350_000,  # per kg
    ("Cơ sở Ngọc Giàu", "Chả tôm"): 300_000,  # per kg
    ("HTX Tài Thịnh Phát FARM", "Chà bông tôm"): 90_000,  # per 100 g jar
    ("HTX Sông Đầm", "Mắm tôm"): 50_000,  # per jar
    ("Huỳnh Quốc Sơn", "Rượu trái giác"): 150_000,  # per bottle
    ("Cô Ba Gần", "Nha đam"): 40_000,  # per jar
    ("Minh Duy", "Dưa bồn bồn"): 45_000,  # per jar
    ("Minh Quân", "Chuối sấy dẻo"): 35_000,  # per 250 g pack
    ("Ba Đức", "Khô cá bổi"): 250_000,  # per kg
    ("Đại Phát", "Nước mắm Mạch Long"): 60_000,  # per bottle
    ("HTX Ngọc Trân", "Nước mắm Ngọc Trân"): 55_000,  # per bottle
    ("HTX Từ Tâm", "Gạo Từ Tâm"): 25_000,  # per kg
    ("Chí Nguyện", "Đũa đước"): 30_000,  # per bundle of 10 pairs
}

# Packaging variants: (label, quantity in base units, price factor, fixed extra in đồng).
# Small packs cost a little more per unit, bulk packs a little less; gift boxes add
# the box. Prices are rounded to 1.000 ₫.
GIFT = "Hộp quà Tết"
PROFILES: dict[str, list[tuple[str, float, float, int]]] = {
    "dried": [("túi 200 g", 0.2, 1.10, 0), ("hộp 500 g", 0.5, 1.05, 0),
              (f"{GIFT} 1 kg", 1, 1.0, 120_000)],
    "preserve": [("hũ 500 g", 0.5, 1.05, 0), ("thùng 5 kg", 5, 0.92, 0),
                 (f"{GIFT} 2 hũ 500 g", 1, 1.05, 60_000)],
    "snack": [("gói 200 g", 0.2, 1.15, 0), ("gói 500 g", 0.5, 1.05, 0),
              (f"{GIFT} 3 gói 500 g", 1.5, 1.05, 60_000)],
    "frozen": [("gói 250 g", 0.25, 1.10, 0), ("gói 500 g", 0.5, 1.05, 0),
               (f"{GIFT} 1 kg", 1, 1.0, 80_000)],
    "fresh": [("500 g", 0.5, 1.05, 0), ("thùng xốp 2 kg", 2, 1.0, 30_000),
              ("Giỏ quà biếu 1 kg", 1, 1.0, 80_000)],
    "salt": [("hũ 500 g", 0.5, 1.20, 0), ("túi 5 kg", 5, 0.90, 0),
             (f"{GIFT} 2 hũ 500 g", 1, 1.20, 50_000)],
    "rice": [("túi 5 kg", 5, 0.95, 0), ("túi 10 kg", 10, 0.92, 0),
             (f"{GIFT} 2 kg", 2, 1.0, 60_000)],
    "jar": [("combo 3 hũ", 3, 0.95, 0), ("combo 6 hũ", 6, 0.90, 0),
            (f"{GIFT} 2 hũ", 2, 1.0, 50_000)],
    "bottle": [("combo 2 chai", 2, 0.95, 0), ("thùng 6 chai", 6, 0.90, 0),
               (f"{GIFT} 2 chai", 2, 1.0, 60_000)],
    "litre": [("chai 250 ml", 0.25, 1.20, 0), ("chai 500 ml", 0.5, 1.10, 0),
              (f"{GIFT} 2 chai 500 ml", 1, 1.10, 60_000)],
    "box": [("combo 2 hộp", 2, 0.97, 0), ("combo 5 hộp", 5, 0.93, 0), (GIFT, 1, 1.0, 150_000)],
    "pack": [("combo 5 gói", 5, 0.92, 0), ("combo 10 gói", 10, 0.88, 0),
             (f"{GIFT} 4 gói", 4, 1.0, 50_000)],
    "bundle": [("combo 3 bó", 3, 0.95, 0), ("combo 10 bó", 10, 0.85, 0),
               ("Hộp quà 5 bó", 5, 1.0, 40_000)],
}
UNIT_LABELS = {"kg": "1 kg", "lít": "1 lít", "hũ": "1 hũ", "hộp": "1 hộp", "chai": "1 chai",
               "gói": "1 gói", "bó": "1 bó (10 đôi)"}

# Certificates that deliberately break the happy path, to exercise the rules.
# Keyed by (producer, product); they apply to the whole product line.
CERT_EXPIRED = {("HTX Sông Đầm", "Mắm tôm")}  # issued 40 months ago: expired
CERT_REVOKED = {("Cơ sở Ngọc Giàu", "Khô cá kèo")}  # verified, then revoked
CERT_EXPIRING_SOON = {("HTX Tài Thịnh Phát FARM", "Chà bông tôm")}  # expires in 20 days
# Verified under an older name, renamed by the seller since: back in the staff queue
# (catalogue/certificates.py: certificates_recheck). Value: the name staff verified.
CERT_REVERIFY = {("Cơ sở Ngọc Giàu", "Chả tôm"): "Chả tôm Rạch Gốc"}

ILLUSTRATIVE_NOTE = (
    "Sản phẩm minh họa cho bản demo: tên, mô tả và giá chỉ mang tính tham khảo."
)
PRODUCER_PREFIXES = {
    "company": "Công ty",
    "cooperative": "Hợp tác xã",
    "cooperative_group": "Tổ hợp tác",
    "household": "Hộ kinh doanh",
}
PRODUCER_LABELS = {
    "company": "doanh nghiệp",
    "cooperative": "hợp tác xã",
    "cooperative_group": "tổ hợp tác",
    "household": "hộ kinh doanh",
}


def stable_int(*parts: object) -> int:
    """A deterministic integer from the given parts (same on every machine and run)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return int(digest[:16], 16)


def round_thousand(amount: float) -> int:
    """Whole đồng, rounded half-up to 1.000 ₫."""
    return max(1000, int(amount / 1000 + 0.5) * 1000)


def ean13(twelve_digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve_digits))
    return twelve_digits + str((10 - total % 10) % 10)


# --- Plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateSpec:
    stars: int
    score: int
    decision_number: str
    issuing_body: str  # "province" | "central"
    issued_on: datetime.date
    status: str  # "verified" | "revoked" | "pending" (sent back for re-verification)
    decision_reason: str = ""
    renamed_from: tuple[str, str] | None = None  # (verified line name, current) — CERT_REVERIFY


@dataclass
class ProductSpec:
    title: str
    upc: str
    partner_sku: str
    category_code: str
    group_code: str
    price: int
    num_in_stock: int
    description: str
    shop_code: str
    certificate: CertificateSpec | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class DeliverySpec:
    name: str
    kind: str  # shops.models.ShippingOption.Kind value
    fee: int = 0
    free_above: int | None = None


@dataclass(frozen=True)
class BankSpec:
    bank_bin: str
    account_number: str
    account_name: str


@dataclass
class ShopSpec:
    code: str
    name: str
    legal_name: str
    producer_type: str
    registration_number: str
    phone: str
    commune_code: int
    street_address: str
    description: str
    owner_email: str
    products: list[ProductSpec] = field(default_factory=list)
    illustrative: bool = False
    # Delivery options the shop offers (none: the programme's default delivery applies).
    delivery: list[DeliverySpec] = field(default_factory=list)
    # The shop's own VietQR payee, or None: the programme's account receives transfers.
    bank: BankSpec | None = None


@lru_cache(maxsize=1)
def load_sources() -> tuple[dict, dict]:
    real = json.loads((DATA_DIR / "camau_catalogue.json").read_text(encoding="utf-8"))
    extra = json.loads((DATA_DIR / "extra_products.json").read_text(encoding="utf-8"))
    return real, extra




def _strip_prefix(name: str) -> str:
    return re.sub(r"^(Xã|Phường|Đặc khu)\s+", "", name)


def resolve_commune(hint: str | None, key: str, communes: tuple[tuple[int, str], ...]) -> int:
    """The commune named in a free-text hint ("Rạch Gốc (Xã Phan Ngọc Hiển area)").

    The longest commune name found in the folded hint wins; without a match the
    commune is picked deterministically from `key`.
    """
    if hint:
        folded_hint = " " + re.sub(r"[^a-z0-9]+", " ", fold(hint).lower()) + " "
        best: tuple[int, int] | None = None
        for code, name in communes:
            folded = re.sub(r"[^a-z0-9]+", " ", fold(_strip_prefix(name)).lower()).strip()
            if f" {folded} " in folded_hint and (best is None or len(folded) > best[0]):
                best = (len(folded), code)
        if best:
            return best[1]
    ordered = sorted(code for code, _name in communes)
    return ordered[stable_int("commune", key) % len(ordered)]


def legal_name_for(name: str, producer_type: str) -> str:
    """'HTX Ba Khía Đầm Dơi' -> 'Hợp tác xã Ba Khía Đầm Dơi'; 'Minh Duy' -> 'Hộ kinh doanh Minh Duy'."""
    if name.startswith("HTX "):
        return "Hợp tác xã " + name[4:]
    if name.startswith("Công ty"):
        return name
    base = name[len("Cơ sở "):] if name.startswith("Cơ sở ") else name
    return f"{PRODUCER_PREFIXES[producer_type]} {base}"


def registration_number_for(name: str) -> str:
    """10 digits, clearly not a real tax code: real ones never start with 0000."""
    return "0000" + f"{stable_int('mst', name) % 1_000_000:06d}"


def phone_for(name: str) -> str:
    """A demo mobile in E.164: +84 9 0000 xxxx."""
    return "+8490000" + f"{stable_int('phone', name) % 10_000:04d}"


def street_for(name: str, commune_name: str) -> str:
    number = stable_int("street", name) % 9 + 1
    return f"Khóm {number}" if commune_name.startswith("Phường") else f"Ấp {number}"


def _upc(shop_code: str, title: str) -> str:
    # GS1 prefix 20–29 is reserved for in-store (restricted circulation) numbers:
    # these cannot collide with a real product barcode.
    return ean13("20" + f"{stable_int('upc', shop_code, title) % 10**10:010d}")


def _sku(title: str) -> str:
    return slugify_vi(title).upper()[:128]


def _stock(shop_code: str, title: str, variant_label: str | None) -> int:
    h = stable_int("stock", shop_code, title)
    # Seasonal gift boxes of some lines are sold out: a few products at 0.
    if variant_label and "quà" in variant_label and h % 4 == 0:
        return 0
    return 5 + h % 196  # 5..200


def _certificate(producer: str, product: str, stars: int, today: datetime.date) -> CertificateSpec:
    key = (producer, product)
    low, high = STAR_SCORE_RANGES[stars]
    h = stable_int("ocop", producer, product)
    score = low + h % (high - low + 1)
    central = stars == 5  # 5★ is recognised by the central council, 3–4★ by the province
    number = 1000 + h % 9000
    decision = f"DEMO-{number}/QĐ-BNN" if central else f"DEMO-{number}/QĐ-UBND"
    months = 6 + (h >> 8) % 24  # 6..29 months (+ up to 27 days) before today
    issued = add_months(today, -months) - datetime.timedelta(days=(h >> 16) % 28)
    status, reason = "verified", ""
    renamed_from = None
    if key in CERT_EXPIRED:
        issued = add_months(today, -40)
    elif key in CERT_EXPIRING_SOON:
        issued = add_months(today + datetime.timedelta(days=20), -36)
    elif key in CERT_REVOKED:
        status = "revoked"
        reason = "Dữ liệu demo: chứng nhận bị thu hồi để minh họa quy định thu hồi."
    elif key in CERT_REVERIFY:
        status, renamed_from = "pending", (CERT_REVERIFY[key], product)
    return CertificateSpec(
        stars=stars, score=score, decision_number=decision,
        issuing_body="central" if central else "province",
        issued_on=issued, status=status, decision_reason=reason,
        renamed_from=renamed_from,
    )


def _line_products(
    *, shop_code: str, shop_name: str, producer: str, name: str, unit: str, price: int,
    category_code: str, profile: str, blurb: str, stars: int | None, price_note: str,
    today: datetime.date, illustrative: bool,
) -> list[ProductSpec]:
    """The base product (sold per JSON unit) and its packaging variants."""
    group_code = category_code.split("/")[0]
    certificate = _certificate(producer, name, stars, today) if stars else None
    ocop_line = f"<p>Sản phẩm đạt OCOP {stars} sao.</p>" if stars else ""
    note = f"<p><em>{ILLUSTRATIVE_NOTE}</em></p>" if illustrative else ""
    seller = "Cửa hàng" if illustrative else "Cơ sở sản xuất"
    specs = []
    variants: list[tuple[str | None, float, float, int]] = [(None, 1, 1.0, 0)]
    variants += PROFILES[profile]
    for label, quantity, factor, extra in variants:
        title = name if label is None else f"{name} – {label}"
        amount = price if label is None else round_thousand(price * quantity * factor + extra)
        packing = UNIT_LABELS.get(unit, f"1 {unit}") if label is None else label
        description = (
            f"<p>{blurb}</p>{ocop_line}"
            f"<p>Quy cách: {packing}. {seller}: {shop_name}, Cà Mau.</p>"
            f"{price_note}{note}"
        )
        specs.append(ProductSpec(
            title=title, upc=_upc(shop_code, title), partner_sku=_sku(title),
            category_code=category_code, group_code=group_code, price=amount,
            num_in_stock=_stock(shop_code, title, label), description=description,
            shop_code=shop_code, certificate=certificate, illustrative=illustrative,
        ))
    return specs


def _shop_description(legal_name: str, producer_type: str, commune: str | None,
                      products: list[str], stars: dict[str, int], about: str | None) -> str:
    """Facts from the source data only: a commune picked for a shop without a hint is not named."""
    lines = []
    where = f"{commune}, tỉnh Cà Mau" if commune else "tỉnh Cà Mau"
    if about:
        lines.append(about)
    else:
        lines.append(f"{legal_name} là {PRODUCER_LABELS[producer_type]} ở {where}.")
    lines.append("Sản phẩm: " + ", ".join(products) + ".")
    rated = [f"{p} ({s} sao)" for p, s in stars.items()]
    if rated:
        lines.append("Đạt chứng nhận OCOP: " + ", ".join(rated) + ".")
    if about:
        lines.append("Cửa hàng minh họa cho bản demo, không phải cơ sở có thật.")
    return " ".join(lines)


def build_plan(today: datetime.date, communes: tuple[tuple[int, str], ...]) -> list[ShopSpec]:
    """Every demo shop with its products, in a stable order."""
    real, extra = load_sources()
    names = dict(communes)
    market_prices = real["market_prices_vnd_per_kg"]
    shops: list[ShopSpec] = []

    def make_shop(name, producer_type, hint, legal_name, about) -> ShopSpec:
        code = slugify_vi(name)
        commune = resolve_commune(hint, name, communes)
        return ShopSpec(
            code=code, name=name, legal_name=legal_name, producer_type=producer_type,
            registration_number=registration_number_for(name), phone=phone_for(name),
            commune_code=commune, street_address=street_for(name, names[commune]),
            description="", owner_email=f"seller-{code}@{DEMO_EMAIL_DOMAIN}",
            illustrative=about is not None,
        )

    for producer in real["producers"]:
        ptype = producer["type"]
        legal = legal_name_for(producer["name"], ptype)
        shop = make_shop(producer["name"], ptype, producer.get("commune_hint"), legal, None)
        stars: dict[str, int] = {}
        for item in producer["products"]:
            category_code, profile, blurb = LINE_INFO[item["name"]]
            if item.get("price_vnd"):
                price, note = int(item["price_vnd"][0]), ""  # low end of the reported range
            else:
                price = ESTIMATED_PRICES[(producer["name"], item["name"])]
                note = "<p>Giá tham khảo (ước tính cho bản demo).</p>"
            if item.get("stars"):
                stars[item["name"]] = item["stars"]
            shop.products += _line_products(
                shop_code=shop.code, shop_name=legal, producer=producer["name"],
                name=item["name"], unit=item["unit"], price=price,
                category_code=category_code, profile=profile, blurb=blurb,
                stars=item.get("stars"), price_note=note, today=today, illustrative=False,
            )
        shop.description = _shop_description(
            legal, ptype, names[shop.commune_code] if producer.get("commune_hint") else None,
            [p["name"] for p in producer["products"]], stars, None,
        )
        shops.append(shop)

    for entry in extra["shops"]:
        shop = make_shop(entry["name"], entry["type"], entry.get("commune_hint"),
                         entry["legal_name"], entry["about"])
        for item in entry["products"]:
            if item.get("profile"):
                low = market_prices[item["market_price"]][0]
                shop.products += _line_products(
                    shop_code=shop.code, shop_name=entry["legal_name"], producer=entry["name"],
                    name=item["name"], unit=item["unit"], price=int(low),
                    category_code=item["category"], profile=item["profile"],
                    blurb=item["description"], stars=None,
                    price_note="<p>Giá theo giá chợ được báo chí đưa tin.</p>",
                    today=today, illustrative=True,
                )
                continue
            title = item["name"]
            shop.products.append(ProductSpec(
                title=title, upc=_upc(shop.code, title), partner_sku=_sku(title),
                category_code=item["category"], group_code=item["category"].split("/")[0],
                price=round_thousand(item["price_vnd"]),
                num_in_stock=_stock(shop.code, title, None),
                description=f"<p>{item['description']}</p><p><em>{ILLUSTRATIVE_NOTE}</em></p>",
                shop_code=shop.code, illustrative=True,
            ))
        shop.description = _shop_description(
            entry["legal_name"], entry["type"], names[shop.commune_code],
            [p["name"] for p in entry["products"]], {}, entry["about"],
        )
        shops.append(shop)

    for shop in shops:
        shop.delivery = delivery_for(shop.code)
        shop.bank = bank_for(shop)
    _check_unique(shops)
    return shops


# --- Delivery and VietQR payee of the demo shops (illustrative, not the producers' own) ---

STANDARD_DELIVERY = "Giao hàng tiêu chuẩn"
PICKUP = "Nhận tại cửa hàng"
STANDARD_FEE = 30_000
FREE_ABOVE = 500_000
#: Bigger producers: standard delivery free from 500.000 ₫.
FREE_ABOVE_SHOPS = frozenset({"htx-tan-phat-loi", "yen-sao-dat-mui", "cong-ty-cp-muoi-bac-lieu"})
#: Small households that set up no delivery: the programme's default delivery applies.
NO_DELIVERY_SHOPS = frozenset({"co-ba-gan", "minh-quan"})
#: Shops paid straight into their own account (BINs from marketplace.payment.banks);
#: the account numbers are made up ("DEMO…") — nobody should ever transfer to them.
SHOP_BANKS: dict[str, str] = {
    "htx-tan-phat-loi": "970405",  # Agribank
    "yen-sao-dat-mui": "970436",  # Vietcombank
    "cong-ty-cp-muoi-bac-lieu": "970418",  # BIDV
    "htx-19-5": "970452",  # Kienlongbank
}


def delivery_for(code: str) -> list[DeliverySpec]:
    if code in NO_DELIVERY_SHOPS:
        return []
    if code in FREE_ABOVE_SHOPS:
        standard = DeliverySpec(STANDARD_DELIVERY, "free_above", STANDARD_FEE, FREE_ABOVE)
    else:
        standard = DeliverySpec(STANDARD_DELIVERY, "flat", STANDARD_FEE)
    return [standard, DeliverySpec(PICKUP, "pickup", 0)]


def bank_for(shop: ShopSpec) -> BankSpec | None:
    bank_bin = SHOP_BANKS.get(shop.code)
    if bank_bin is None:
        return None
    digits = int(hashlib.sha256(shop.code.encode()).hexdigest(), 16) % 10**8
    # What banks show as the payee: upper case without diacritics.
    name = " ".join(re.sub(r"[^A-Z0-9 ]", " ", fold(shop.legal_name).upper()).split())[:64]
    return BankSpec(bank_bin, f"DEMO{digits:08d}", name)


def _check_unique(shops: list[ShopSpec]) -> None:
    codes = [s.code for s in shops]
    upcs = [p.upc for s in shops for p in s.products]
    skus = [(s.code, p.partner_sku) for s in shops for p in s.products]
    regs = [s.registration_number for s in shops]
    for label, values in (("shop code", codes), ("UPC", upcs), ("SKU", skus), ("MST", regs)):
        if len(values) != len(set(values)):
            raise ValueError(f"Duplicate {label} in the demo plan")
