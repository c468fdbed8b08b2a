"""The test data builders shared by every test folder: `from tests.factories import make_shop`.

One function per noun, keyword arguments with defaults, split by noun: users, shops,
catalogue (categories, products, certificates), orders (baskets, placements, orders),
content (Wagtail pages and blocks), files (uploads). A test that depends on a value
(a code, an e-mail, a status, a price) passes it at the call site. Pytest fixtures stay in
the conftest files.
"""

from .catalogue import (
    HONEY,
    category_by_code,
    category_path,
    make_certificate,
    make_product,
    make_variant_product,
    product_class,
    reference_categories,
)
from .content import (
    collection_block,
    grid,
    items,
    make_home_page,
    make_image,
    publish,
    raw,
    set_body,
)
from .files import PDF_BYTES, png_bytes, png_upload
from .orders import (
    ADDRESS,
    card_purchase,
    ensure_country,
    make_basket,
    make_order,
    place,
    reload_basket,
    sepay_payload,
    transfer_purchase,
)
from .privacy import delivered_purchase, person_with_data
from .shops import (
    REPRESENTATIVE,
    apply_for_shop,
    commune_code,
    commune_codes,
    make_invitation,
    make_option,
    make_representative,
    make_shop,
)
from .tax import make_tax_profile, paid_sale, refund_sale
from .users import PASSWORD, login, make_staff, make_user

__all__ = [
    "ADDRESS", "HONEY", "PASSWORD", "PDF_BYTES", "REPRESENTATIVE",
    "apply_for_shop", "card_purchase", "category_by_code", "category_path", "collection_block",
    "commune_code", "commune_codes", "ensure_country", "grid", "items", "login",
    "make_basket", "make_certificate", "make_home_page", "make_image", "make_invitation",
    "make_option", "make_representative",
    "make_order", "make_product", "make_shop", "make_variant_product", "make_staff", "make_tax_profile", "make_user",
    "delivered_purchase", "paid_sale", "person_with_data", "place", "refund_sale",
    "png_bytes", "png_upload", "product_class", "publish", "raw", "reference_categories",
    "reload_basket", "sepay_payload", "set_body", "transfer_purchase",
]
