"""The OCOP programme's reference data: product groups and the categories behind them.

The six product groups are those of Decision 148/QĐ-TTg (2023); the sub-groups are a
marketplace choice. They exist in every deployment (created after `migrate`), not only
in the demo.
"""

from __future__ import annotations

from catalogue.models import Category
from marketplace.core.text import slugify_vi

# (code, name, children)
OCOP_GROUPS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("thuc-pham", "Thực phẩm", [
        ("thuy-san-kho", "Thủy sản khô"),
        ("thuy-san-che-bien", "Thủy sản chế biến"),
        ("thuy-san-tuoi-song", "Thủy sản tươi sống"),
        ("mat-ong", "Mật ong"),
        ("yen-sao", "Yến sào"),
        ("gia-vi-nuoc-mam", "Gia vị & nước mắm"),
        ("banh-keo", "Bánh kẹo"),
        ("gao", "Gạo"),
        ("rau-cu-qua-che-bien", "Rau củ quả chế biến"),
    ]),
    ("do-uong", "Đồ uống", [
        ("ruou", "Rượu"),
        ("nuoc-ep-nuoc-cot", "Nước ép & nước cốt"),
    ]),
    ("duoc-lieu", "Dược liệu và sản phẩm từ dược liệu", [
        ("tinh-dau", "Tinh dầu"),
        ("tra-thao-duoc", "Trà thảo dược"),
        ("duoc-lieu-kho-bot", "Dược liệu khô & bột"),
    ]),
    ("thu-cong-my-nghe", "Hàng thủ công mỹ nghệ", [
        ("do-go-tre", "Đồ gỗ & tre"),
        ("dan-lat", "Đan lát"),
    ]),
    ("sinh-vat-canh", "Sinh vật cảnh", [
        ("cay-canh-bonsai", "Cây cảnh & bonsai"),
        ("hoa-lan", "Hoa lan"),
    ]),
    ("du-lich", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", [
        ("du-lich-sinh-thai", "Du lịch sinh thái"),
        ("du-lich-cong-dong-homestay", "Du lịch cộng đồng & homestay"),
        ("tour-trai-nghiem", "Tour trải nghiệm"),
    ]),
]
OCOP_GROUP_CODES = [code for code, _name, _children in OCOP_GROUPS]
# Not an OCOP group: local specialties sold on the marketplace without a rating.
OTHER_CATEGORY = ("dac-san-dia-phuong-khac", "Đặc sản địa phương khác")


def category_specs() -> list[tuple[str, str, str | None]]:
    """(code, name, parent code) of every group, sub-group and the 'other' category."""
    specs: list[tuple[str, str, str | None]] = []
    for code, name, children in OCOP_GROUPS:
        specs.append((code, name, None))
        specs.extend((f"{code}/{child}", child_name, code) for child, child_name in children)
    specs.append((OTHER_CATEGORY[0], OTHER_CATEGORY[1], None))
    return specs


def ensure_ocop_categories() -> int:
    """Create the missing OCOP categories (idempotent); returns how many were created."""
    by_code = {c.code: c for c in Category.objects.filter(code__isnull=False)}
    created = 0
    for code, name, parent_code in category_specs():
        if code in by_code:
            continue
        slug = slugify_vi(name)
        if parent_code is None:
            category = Category.add_root(name=name, code=code, slug=slug)
        else:
            parent = Category.objects.get(pk=by_code[parent_code].pk)  # fresh treebeard node
            category = parent.add_child(name=name, code=code, slug=slug)
        by_code[code] = category
        created += 1
    return created


def ensure_ocop_categories_after_migrate(sender, **kwargs) -> None:
    """`post_migrate` receiver of the catalogue app (connected in catalogue/apps.py)."""
    ensure_ocop_categories()
