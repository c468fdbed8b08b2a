"""What the benchmarks share: a synthetic Cà Mau catalogue grown to any size, the buyer
queries, the machine's description and the marked sections of docs/benchmarks.md.

Used by benchmarks/search.py (search at 10k/100k products, SQLite) and benchmarks/load.py
(gunicorn under load, PostgreSQL). Needs Django set up before `generate()` is called.
"""

from __future__ import annotations

import os
import platform
import random
import time
from datetime import date, timedelta
from pathlib import Path

SEED = 20260


# --- the synthetic catalogue --------------------------------------------------

#: (product words, category code) — real Cà Mau products.
PRODUCTS: list[tuple[str, str]] = [
    ("Mật ong", "thuc-pham/mat-ong"),
    ("Mật ong rừng tràm", "thuc-pham/mat-ong"),
    ("Sáp ong", "thuc-pham/mat-ong"),
    ("Tôm khô", "thuc-pham/thuy-san-kho"),
    ("Tôm khô loại 1", "thuc-pham/thuy-san-kho"),
    ("Khô cá lóc", "thuc-pham/thuy-san-kho"),
    ("Khô cá bổi", "thuc-pham/thuy-san-kho"),
    ("Khô cá kèo", "thuc-pham/thuy-san-kho"),
    ("Khô cá sặc", "thuc-pham/thuy-san-kho"),
    ("Khô cá chỉ vàng", "thuc-pham/thuy-san-kho"),
    ("Khô mực", "thuc-pham/thuy-san-kho"),
    ("Cá khoai khô", "thuc-pham/thuy-san-kho"),
    ("Bánh phồng tôm", "thuc-pham/thuy-san-che-bien"),
    ("Ba khía muối", "thuc-pham/thuy-san-che-bien"),
    ("Mắm ba khía", "thuc-pham/thuy-san-che-bien"),
    ("Mắm tôm chà", "thuc-pham/thuy-san-che-bien"),
    ("Mắm cá lóc", "thuc-pham/thuy-san-che-bien"),
    ("Chả cá thác lác", "thuc-pham/thuy-san-che-bien"),
    ("Cua gạch", "thuc-pham/thuy-san-tuoi-song"),
    ("Cua thịt", "thuc-pham/thuy-san-tuoi-song"),
    ("Tôm sú", "thuc-pham/thuy-san-tuoi-song"),
    ("Sò huyết", "thuc-pham/thuy-san-tuoi-song"),
    ("Nước mắm cá cơm", "thuc-pham/gia-vi-nuoc-mam"),
    ("Nước mắm truyền thống", "thuc-pham/gia-vi-nuoc-mam"),
    ("Muối tôm", "thuc-pham/gia-vi-nuoc-mam"),
    ("Bánh tét lá cẩm", "thuc-pham/banh-keo"),
    ("Kẹo chuối", "thuc-pham/banh-keo"),
    ("Gạo một bụi đỏ", "thuc-pham/gao"),
    ("Gạo ST25", "thuc-pham/gao"),
    ("Yến sào", "thuc-pham/yen-sao"),
    ("Rượu hoa dừa", "do-uong/ruou"),
    ("Rượu gạo", "do-uong/ruou"),
    ("Nước cốt chanh", "do-uong/nuoc-ep-nuoc-cot"),
    ("Trà mãng cầu", "duoc-lieu/tra-thao-duoc"),
    ("Trà khổ qua rừng", "duoc-lieu/tra-thao-duoc"),
    ("Tinh dầu tràm", "duoc-lieu/tinh-dau"),
    ("Bột nghệ", "duoc-lieu/duoc-lieu-kho-bot"),
    ("Đũa đước", "thu-cong-my-nghe/do-go-tre"),
    ("Thớt đước", "thu-cong-my-nghe/do-go-tre"),
    ("Giỏ lác", "thu-cong-my-nghe/dan-lat"),
    ("Lan rừng U Minh", "sinh-vat-canh/hoa-lan"),
]
PLACES = [
    "U Minh",
    "U Minh Hạ",
    "Rạch Gốc",
    "Đầm Dơi",
    "Năm Căn",
    "Cái Nước",
    "Bạc Liêu",
    "Thới Bình",
    "Trần Văn Thời",
    "Ngọc Hiển",
    "Đất Mũi",
    "Sông Đốc",
    "Cà Mau",
    "Phú Tân",
    "Hòa Bình",
    "Giá Rai",
    "Đông Hải",
    "Vĩnh Lợi",
    "Hồng Dân",
    "Khánh Hội",
]
PACKAGING = [
    "hộp 500 g",
    "hộp 1 kg",
    "túi 200 g",
    "túi 500 g",
    "hũ 250 g",
    "hũ 500 ml",
    "chai 500 ml",
    "chai 1 lít",
    "can 2 lít",
    "gói 100 g",
    "bó 10 đôi",
    "khay 300 g",
]
QUALIFIERS = [
    "",
    "",
    "",
    "loại 1",
    "đặc biệt",
    "nguyên chất",
    "truyền thống",
    "thượng hạng",
    "quà biếu",
    "size lớn",
]
SHOP_KINDS = ["Hộ kinh doanh", "Cơ sở", "HTX", "Công ty TNHH", "Tổ hợp tác"]
SHOP_NAMES = [
    "Út Hiền",
    "Bảy Nhỏ",
    "Ba Tâm",
    "Năm Lợi",
    "Tư Hòa",
    "Sáu Mến",
    "Hai Thành",
    "Mười Hương",
    "Chín Dũng",
    "Tám Liên",
    "Thuận Phát",
    "Phước Lộc",
    "Kim Ngân",
    "Đất Mũi Xanh",
    "Rừng Tràm",
    "Biển Tây",
    "Minh Hải",
    "Phú Quý",
]


def product_title(rng: random.Random) -> tuple[str, str]:
    words, category_code = rng.choice(PRODUCTS)
    parts = [words]
    if "U Minh" not in words:
        parts.append(rng.choice(PLACES))
    qualifier = rng.choice(QUALIFIERS)
    if qualifier:
        parts.append(qualifier)
    parts.append(rng.choice(PACKAGING))
    return " ".join(parts), category_code


def generate(target: int, rng: random.Random, log) -> float:
    """Grow the catalogue to `target` public products; returns seconds spent."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from catalogue.models import Category, OcopCertificate, Product, ProductClass
    from marketplace.core.addresses import communes
    from marketplace.core.text import fold, slugify_vi
    from shops.models import Partner

    ProductCategory = get_model("catalogue", "ProductCategory")
    StockRecord = get_model("partner", "StockRecord")

    started = time.perf_counter()
    existing = Product.objects.count()
    if existing >= target:
        return 0.0
    product_class, _ = ProductClass.objects.get_or_create(
        name="Đặc sản", defaults={"slug": "dac-san", "requires_shipping": True, "track_stock": True}
    )
    categories = {c.code: c.pk for c in Category.objects.filter(code__isnull=False)}
    missing = {code for _words, code in PRODUCTS} - set(categories)
    assert not missing, f"OCOP categories missing: {missing}"

    # A few hundred shops: 1 per 300 products, 30 to 300.
    n_shops = min(300, max(30, target // 300))
    have_shops = Partner.objects.filter(code__startswith="bench-").count()
    commune_codes = [code for code, _name in communes()]
    new_shops = []
    for i in range(have_shops, n_shops):
        name = f"{rng.choice(SHOP_KINDS)} {rng.choice(SHOP_NAMES)} {rng.choice(PLACES)}"
        new_shops.append(
            Partner(
                code=f"bench-{i:04d}",
                name=name,
                status=Partner.Status.APPROVED,
                producer_type=rng.choice(Partner.ProducerType.values),
                commune_code=rng.choice(commune_codes),
            )
        )
    Partner.objects.bulk_create(new_shops)
    shop_ids = list(Partner.objects.filter(code__startswith="bench-").values_list("pk", flat=True))

    today = date.today()
    batch = 5000
    for start in range(existing, target, batch):
        stop = min(target, start + batch)
        with transaction.atomic():
            rows, cats = [], []
            for n in range(start, stop):
                title, category_code = product_title(rng)
                rows.append(
                    Product(
                        upc=f"BENCH{n:07d}",
                        title=title,
                        slug=slugify_vi(title)[:128],
                        search_text=fold(title).lower(),  # bulk_create skips Product.save()
                        description=(
                            f"{title}: đặc sản Cà Mau, sản xuất tại {rng.choice(PLACES)}. "
                            "Đóng gói cẩn thận, giao hàng toàn quốc."
                        ),
                        product_class_id=product_class.pk,
                        shop_id=rng.choice(shop_ids),
                        structure=Product.STANDALONE,
                        is_public=True,
                        is_featured=rng.random() < 0.01,
                    )
                )
                cats.append(categories[category_code])
            created = Product.objects.bulk_create(rows)
            stock, links, certificates = [], [], []
            for product, category_id in zip(created, cats, strict=True):
                stock.append(
                    StockRecord(
                        product_id=product.pk,
                        partner_id=product.shop_id,
                        partner_sku=product.upc,
                        price=rng.randrange(20, 1500) * 1000,
                        num_in_stock=0 if rng.random() < 0.05 else rng.randrange(1, 300),
                    )
                )
                links.append(ProductCategory(product_id=product.pk, category_id=category_id))
                if rng.random() < 0.15:  # a share with verified OCOP certificates
                    stars = rng.choices((3, 4, 5), weights=(6, 3, 1))[0]
                    low, high = {3: (50, 69), 4: (70, 89), 5: (90, 100)}[stars]
                    issued = today - timedelta(days=rng.randrange(0, 1000))
                    certificates.append(
                        OcopCertificate(
                            product_id=product.pk,
                            stars=stars,
                            score=rng.randint(low, high),
                            decision_number=f"{rng.randrange(100, 9999)}/QĐ-UBND",
                            issuing_body=(
                                OcopCertificate.IssuingBody.CENTRAL
                                if stars == 5
                                else OcopCertificate.IssuingBody.PROVINCE
                            ),
                            issued_on=issued,
                            expires_on=issued + timedelta(days=3 * 365),
                            status=OcopCertificate.Status.VERIFIED,
                        )
                    )
            StockRecord.objects.bulk_create(stock)
            ProductCategory.objects.bulk_create(links)
            OcopCertificate.objects.bulk_create(certificates)
        log(f"  generated {stop:,}/{target:,} products")
    return time.perf_counter() - started


# --- the queries --------------------------------------------------------------


def build_queries(slugs: dict[str, str]) -> list[tuple[str, dict]]:
    """30 buyer queries: (label, GET parameters). Every one has words (haystack needs them)."""
    kho, mam, mat_ong = (
        slugs["thuc-pham/thuy-san-kho"],
        slugs["thuc-pham/gia-vi-nuoc-mam"],
        slugs["thuc-pham/mat-ong"],
    )
    return [
        ("mật ong", {"q": "mật ong"}),
        ("mat ong (no accents)", {"q": "mat ong"}),
        ("tôm khô", {"q": "tôm khô"}),
        ("tom kho nam can", {"q": "tom kho nam can"}),
        ("khô cá lóc", {"q": "khô cá lóc"}),
        ("kho ca loc u minh", {"q": "kho ca loc u minh"}),
        ("bánh phồng tôm", {"q": "bánh phồng tôm"}),
        ("banh phong tom rach goc", {"q": "banh phong tom rach goc"}),
        ("ba khía muối", {"q": "ba khía muối"}),
        ("mam ba khia", {"q": "mam ba khia"}),
        ("nước mắm", {"q": "nước mắm"}),
        ("ruou hoa dua", {"q": "ruou hoa dua"}),
        ("trà khổ qua", {"q": "trà khổ qua"}),
        ("typo: mat ongg", {"q": "mat ongg"}),
        ("typo: tom khoo", {"q": "tom khoo"}),
        ("typo: banh phongg tom", {"q": "banh phongg tom"}),
        ("typo: nuoc mamm dam doi", {"q": "nuoc mamm dam doi"}),
        ("cua, price ↑", {"q": "cua", "sort": "price_asc"}),
        ("mật ong, 4★", {"q": "mật ong", "stars": "4"}),
        ("tôm khô, 200–500k ₫", {"q": "tôm khô", "price_min": "200000", "price_max": "500000"}),
        ("khô, category Thủy sản khô", {"q": "khô", "category": kho}),
        ("mật ong, price ↓", {"q": "mật ong", "sort": "price_desc"}),
        ("đũa đước, newest", {"q": "đũa đước", "sort": "newest"}),
        ("tom, 3–5★, price ↑", {"q": "tom", "stars": "3,4,5", "sort": "price_asc"}),
        ("u minh, page 2", {"q": "u minh", "page": "2"}),
        ("hộp 500 g", {"q": "hộp 500 g"}),
        ("mắm, category + < 100k ₫", {"q": "mắm", "category": mam, "price_max": "99999"}),
        ("dam doi, popular", {"q": "dam doi", "sort": "popular"}),
        ("tinh dầu tràm", {"q": "tinh dầu tràm"}),
        (
            "mat ong u minh, 5★, ≤ 1M ₫",
            {"q": "mat ong u minh", "stars": "5", "price_max": "1000000", "category": mat_ong},
        ),
    ]


# --- the report ---------------------------------------------------------------


def write_section(path: Path, body: str, name: str) -> None:
    """Replace only the section between `<!-- {name}:start -->` and `<!-- {name}:end -->`
    (append it the first time); the rest of the file stays as it is."""
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"{start_marker}\n{body.rstrip()}\n{end_marker}\n"
    if start_marker in text and end_marker in text:
        before, rest = text.split(start_marker, 1)
        _old, after = rest.split(end_marker, 1)
        text = before + section + after.lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def machine() -> str:
    """ "AMD EPYC, 2 cores, 24 GB RAM, Linux; CPython 3.11.7": what a figure was measured on."""
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, {memory_gb()}, {platform.system()}; "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def today() -> str:
    return date.today().isoformat()
