"""Write the demo plan to the database, idempotently.

Every row is found by a natural key before it is created — user e-mail, shop code,
category code, product UPC, (shop, partner SKU), (product, decision number), image
code, (shop, delivery option name) — so a second run creates nothing and changes
nothing. Existing rows are never updated (passwords, prices, stock and a shop's bank
account edited in the demo survive a re-run); dates relative to today are only used
when a row is created.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_model
from tqdm import tqdm

from catalogue.models import (
    CERTIFICATE_VALIDITY_MONTHS,
    Category,
    Collection,
    CollectionItem,
    OcopCertificate,
    Product,
    ProductCategory,
    ProductClass,
    ProductImage,
    add_months,
    today_local,
)
from catalogue.ocop import ensure_ocop_categories
from catalogue.selectors import featured_products
from catalogue.variants import products_merge
from marketplace.checkout.quote import basket_quote, option_key
from marketplace.checkout.services import purchase_place
from marketplace.cms.models import HomePage
from marketplace.complaints.models import Complaint
from marketplace.complaints.services import complaint_dispute, complaint_open, complaint_refuse
from marketplace.core.addresses import communes
from marketplace.core.roles import ensure_programme_staff_group
from marketplace.core.text import fold, slugify_vi
from marketplace.core.uploads import clean_image
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Order, Purchase, Shipment
from marketplace.order.shipments import (
    order_received_by_buyer,
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_returned,
)
from marketplace.order.statuses import OrderStatus
from marketplace.payment.services import order_mark_paid, purchase_card_paid
from shops.models import Partner, ShippingOption, ShopMember, StockRecord
from shops.strategy import MarketplaceStrategy

from . import catalogue_data as data
from .bank import ensure_demo_bank_credits
from .content import ensure_cms_content
from .fees import ensure_demo_fees
from .history import ensure_demo_history
from .identity import ensure_representatives
from .images import product_photo
from .invitations import ensure_demo_invitations
from .money import ensure_demo_money
from .privacy import ensure_demo_privacy
from .reviews import ensure_demo_reviews
from .sales import ensure_demo_sales
from .tax import ensure_tax_profiles
from .vouchers import ensure_demo_vouchers

HELPER_EMAIL = f"helper@{data.DEMO_EMAIL_DOMAIN}"
ADMIN_EMAIL = f"admin@{data.DEMO_EMAIL_DOMAIN}"
STAFF_EMAIL = f"staff@{data.DEMO_EMAIL_DOMAIN}"
BUYER_EMAIL = f"buyer@{data.DEMO_EMAIL_DOMAIN}"

HOME_TITLE = "Chợ OCOP Cà Mau"
HOME_SLUG = "trang-chu"


@dataclass
class LoadResult:
    shops: int = 0
    products: int = 0
    certificates: int = 0
    users: int = 0
    images: int = 0
    categories: int = 0
    created: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        created = sum(self.created.values())
        return (
            f"{self.shops} cửa hàng, {self.products} sản phẩm, "
            f"{self.certificates} chứng nhận OCOP, {self.categories} danh mục, "
            f"{self.users} tài khoản demo ({created} thay đổi) trong {self.seconds:.1f} s"
        )


def load_demo(*, progress: bool = True, today: datetime.date | None = None) -> LoadResult:
    """Create whatever part of the demo data is missing; return what the demo holds."""
    started = time.monotonic()
    today = today or today_local()
    result = LoadResult()
    plan = data.build_plan(today, communes(data.load_sources()[0]["province"]["code"]))
    with transaction.atomic():
        users = ensure_users(plan, result)
        categories = ensure_categories(result)
        product_class = ensure_product_class(result)
        shops = ensure_shops(plan, users, result, progress=progress)
        ensure_representatives(shops, users[STAFF_EMAIL], result)
        ensure_products(plan, shops, categories, product_class, result, progress=progress)
        ensure_demo_variants(shops, result)
        ensure_home_page(result)
        ensure_collections(plan, result)
        ensure_cms_content(result)
        ensure_demo_fees(users, result, today=today)
        ensure_tax_profiles(shops, result)  # before the purchases are paid: they carry the tax
        ensure_demo_purchases(users, shops, result)
        ensure_demo_money(users, shops, result, place=_demo_purchase)
        ensure_demo_bank_credits(BUYER_EMAIL, result, today=today)
        ensure_demo_invitations(plan[0].owner_email, shops[plan[0].code], result)
        ensure_demo_privacy(BUYER_EMAIL, result, today=today)
        ensure_demo_reviews(result)
        ensure_demo_sales(shops, result, today=today)  # after the purchases: list prices paid
        ensure_demo_vouchers(users, shops, result, today=today)
        ensure_demo_history(shops)  # last: dates what the steps above made today
    _count(plan, result)
    result.seconds = time.monotonic() - started
    return result


# --- Accounts -------------------------------------------------------------------


def ensure_users(plan: list[data.ShopSpec], result: LoadResult) -> dict[str, object]:
    """The three role accounts and one owner per shop. Passwords only set on creation."""
    User = get_user_model()
    specs = [
        (ADMIN_EMAIL, "Quản trị", "demo", True, True),
        (STAFF_EMAIL, "Cán bộ", "OCOP", True, False),
        (BUYER_EMAIL, "Khách", "mua hàng", False, False),
        (HELPER_EMAIL, "Tổ công nghệ số", "cộng đồng", False, False),
    ] + [(shop.owner_email, "Chủ cửa hàng", shop.name[:150], False, False) for shop in plan]
    emails = [spec[0] for spec in specs]
    existing = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    missing = [spec for spec in specs if spec[0] not in existing]
    if missing:
        # One hash for all: hashing per user would cost seconds with PBKDF2.
        password = make_password(settings.DEMO_PASSWORD)
        User.objects.bulk_create([
            User(
                username=email[:150], email=email, password=password,
                first_name=first, last_name=last, is_staff=staff, is_superuser=superuser,
            )
            for email, first, last, staff, superuser in missing
        ])
        result.created["users"] += len(missing)
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}

    # The role itself is reference data (marketplace/core/roles.py); the demo adds its member.
    group, changes = ensure_programme_staff_group()
    result.created["groups"] += changes
    staff = users[STAFF_EMAIL]
    if not staff.groups.filter(pk=group.pk).exists():
        staff.groups.add(group)
    return users


# --- Catalogue structure ------------------------------------------------------------


def ensure_product_class(result: LoadResult) -> ProductClass:
    product_class = ProductClass.objects.filter(name=data.PRODUCT_CLASS_NAME).first()
    if product_class is None:
        product_class = ProductClass.objects.create(
            name=data.PRODUCT_CLASS_NAME, slug=slugify_vi(data.PRODUCT_CLASS_NAME),
            requires_shipping=True, track_stock=True,
        )
        result.created["product_classes"] += 1
    return product_class


def ensure_categories(result: LoadResult) -> dict[str, Category]:
    """The OCOP groups (Decision 148/QĐ-TTg, 2023) with sub-groups, plus 'other'."""
    result.created["categories"] += ensure_ocop_categories()
    return {c.code: c for c in Category.objects.filter(code__isnull=False)}


# --- Shops ----------------------------------------------------------------------------


DEMO_DOCUMENT_KINDS = {
    Partner.ProducerType.HOUSEHOLD: Partner.DocumentKind.HOUSEHOLD_REGISTRATION,
    Partner.ProducerType.COMPANY: Partner.DocumentKind.ENTERPRISE_REGISTRATION,
    Partner.ProducerType.COOPERATIVE: Partner.DocumentKind.COOPERATIVE_REGISTRATION,
    Partner.ProducerType.COOPERATIVE_GROUP: Partner.DocumentKind.OCOP_CERTIFICATE,
}


def ensure_shops(
    plan: list[data.ShopSpec], users: dict, result: LoadResult, *, progress: bool
) -> dict[str, Partner]:
    shops = {p.code: p for p in Partner.objects.filter(code__in=[s.code for s in plan])}
    for spec in tqdm(plan, desc="Cửa hàng", unit=" shop", disable=not progress):
        if spec.code in shops:
            continue
        shops[spec.code] = Partner.objects.create(
            code=spec.code, name=spec.name, legal_name=spec.legal_name,
            producer_type=spec.producer_type, registration_number=spec.registration_number,
            phone=spec.phone, commune_code=spec.commune_code,
            street_address=spec.street_address, description=spec.description,
            status=Partner.Status.APPROVED,
            # Decided: the registration certificate they applied with has been deleted at the
            # end of its retention (shops/retention.py); what kind it was stays. Stamped with
            # the load time, never before the shop's own creation.
            application_document_kind=DEMO_DOCUMENT_KINDS.get(spec.producer_type, ""),
            application_document_purged_at=timezone.now(),
            bank_bin=spec.bank.bank_bin if spec.bank else "",
            bank_account_number=spec.bank.account_number if spec.bank else "",
            bank_account_name=spec.bank.account_name if spec.bank else "",
        )
        result.created["shops"] += 1

    # Memberships are the source of truth for who works in a shop (shops.access).
    active = set(
        ShopMember.objects.active()
        .filter(shop__in=shops.values())
        .values_list("shop_id", "user_id", "role")
    )
    wanted = [
        (shops[spec.code], users[spec.owner_email], ShopMember.Role.OWNER, "") for spec in plan
    ]
    # One helper of the community digital-technology team runs two household shops.
    helper = users[HELPER_EMAIL]
    households = [spec for spec in plan if spec.producer_type == Partner.ProducerType.HOUSEHOLD][:2]
    wanted += [
        (
            shops[spec.code], helper, ShopMember.Role.HELPER,
            "Chủ hộ đồng ý bằng văn bản ký tại UBND xã (dữ liệu minh họa).",
        )
        for spec in households
    ]
    members = [
        ShopMember(shop=shop, user=user, role=role, consent_note=note)
        for shop, user, role, note in wanted
        if (shop.pk, user.pk, role) not in active
    ]
    ShopMember.objects.bulk_create(members)
    result.created["shop_members"] += len(members)
    ensure_delivery_options(plan, shops, result)
    return shops


def ensure_delivery_options(
    plan: list[data.ShopSpec], shops: dict[str, Partner], result: LoadResult
) -> None:
    """Each shop's delivery options, found by (shop, name); shops planned without any keep none."""
    existing = set(
        ShippingOption.objects.filter(shop__in=shops.values()).values_list("shop_id", "name")
    )
    rows = [
        ShippingOption(
            shop=shops[spec.code], name=option.name, kind=option.kind, fee=option.fee,
            free_above=option.free_above, position=position,
        )
        for spec in plan
        for position, option in enumerate(spec.delivery)
        if (shops[spec.code].pk, option.name) not in existing
    ]
    ShippingOption.objects.bulk_create(rows)
    result.created["shipping_options"] += len(rows)


# --- Products ----------------------------------------------------------------------------


def ensure_products(
    plan: list[data.ShopSpec],
    shops: dict[str, Partner],
    categories: dict[str, Category],
    product_class: ProductClass,
    result: LoadResult,
    *,
    progress: bool,
) -> None:
    specs = [product for shop in plan for product in shop.products]
    products = {p.upc: p for p in Product.objects.filter(upc__in=[s.upc for s in specs])}
    new = [
        Product(
            upc=spec.upc, title=spec.title, slug=slugify_vi(spec.title),
            search_text=fold(spec.title).lower(),  # bulk_create skips Product.save()
            description=spec.description, product_class=product_class,
            shop=shops[spec.shop_code], structure=Product.STANDALONE, is_public=True,
        )
        for spec in specs
        if spec.upc not in products
    ]
    Product.objects.bulk_create(new)
    result.created["products"] += len(new)
    products = {p.upc: p for p in Product.objects.filter(upc__in=[s.upc for s in specs])}
    ids = [p.pk for p in products.values()]

    stocked = set(
        StockRecord.objects.filter(partner__in=shops.values()).values_list(
            "partner_id", "partner_sku"
        )
    )
    categorised = set(
        ProductCategory.objects.filter(product_id__in=ids).values_list("product_id", flat=True)
    )
    certified = set(
        OcopCertificate.objects.filter(product_id__in=ids).values_list(
            "product_id", "decision_number"
        )
    )
    pictured = set(
        ProductImage.objects.filter(product_id__in=ids).values_list("product_id", flat=True)
    )
    # Options of a product with options (ensure_demo_variants) keep no category or certificate
    # of their own, and may have no photo of their own: their product holds them.
    children = set(Product.objects.filter(pk__in=ids, structure=Product.CHILD).values_list("pk", flat=True))
    categorised |= children
    certified |= {(pk, spec.certificate.decision_number) for spec in specs if spec.certificate
                  for pk in [products[spec.upc].pk] if pk in children}
    pictured |= children

    stock_rows, category_rows, certificate_rows, image_rows = [], [], [], []
    for spec in tqdm(specs, desc="Sản phẩm", unit=" sp", disable=not progress):
        product, shop = products[spec.upc], shops[spec.shop_code]
        if (shop.pk, spec.partner_sku) not in stocked:
            stock_rows.append(StockRecord(
                product=product, partner=shop, partner_sku=spec.partner_sku,
                price=Decimal(spec.price), price_currency="VND",
                num_in_stock=spec.num_in_stock,
            ))
        if product.pk not in categorised:
            category_rows.append(
                ProductCategory(product=product, category=categories[spec.category_code])
            )
        cert = spec.certificate
        if cert and (product.pk, cert.decision_number) not in certified:
            # the product as staff verified it (bulk_create skips the model's save); a renamed
            # one's certificate is back in the staff queue, saying why
            verified_title = product.title if cert.status == OcopCertificate.Status.VERIFIED else ""
            reason = ""
            if cert.renamed_from:
                verified_line, current_line = cert.renamed_from
                verified_title = product.title.replace(current_line, verified_line, 1)
                reason = f"Tên sản phẩm đã đổi từ “{verified_title}” thành “{product.title}”."
            certificate = OcopCertificate(
                product=product, stars=cert.stars, score=cert.score,
                decision_number=cert.decision_number, issuing_body=cert.issuing_body,
                issued_on=cert.issued_on,
                expires_on=add_months(cert.issued_on, CERTIFICATE_VALIDITY_MONTHS),
                status=cert.status, decision_reason=cert.decision_reason,
                verified_title=verified_title,
                verified_category=categories[spec.category_code] if verified_title else None,
                reverification_reason=reason,
            )
            certificate.clean()  # the star/score/issuing-body rules hold for demo data too
            certificate_rows.append(certificate)
        if product.pk not in pictured:
            image = ProductImage(
                product=product, code=f"demo-{spec.upc}", caption=spec.title, display_order=0
            )
            photo = product_photo(title=spec.title, group_code=spec.group_code, shop_name=shop.name)
            image.original.save(f"demo-{spec.upc}.jpg", ContentFile(photo), save=False)
            image_rows.append(image)

    StockRecord.objects.bulk_create(stock_rows)
    ProductCategory.objects.bulk_create(category_rows)
    OcopCertificate.objects.bulk_create(certificate_rows)
    ProductImage.objects.bulk_create(image_rows)
    result.created["stockrecords"] += len(stock_rows)
    result.created["product_categories"] += len(category_rows)
    result.created["certificates"] += len(certificate_rows)
    result.created["images"] += len(image_rows)
    if category_rows:
        _refresh_category_view()


#: Product lines sold as one product with options ("Phân loại hàng", catalogue/variants.py):
#: (shop, line) → the option name of the line's base product (its other packagings are
#: "<line> – <option>" products of the demo plan).
VARIANT_LINES = {("htx-19-5", "Mật ong U Minh Hạ"): "can 1 lít"}


def ensure_demo_variants(shops: dict[str, Partner], result: LoadResult) -> None:
    """Merge each VARIANT_LINES line's packagings into one product with options, as a seller
    does with "Gộp thành một sản phẩm nhiều phân loại" (once: merged lines are skipped)."""
    for (shop_code, line), base_option in VARIANT_LINES.items():
        shop = shops.get(shop_code)
        if shop is None:
            continue
        products = list(
            Product.objects.filter(shop=shop, structure=Product.STANDALONE)
            .filter(Q(title=line) | Q(title__startswith=f"{line} – ")).order_by("title", "pk")
        )
        base = next((p for p in products if p.title == line), None)
        if base is None or len(products) < 2:
            continue
        others = [p for p in products if p is not base]
        # The demo plan copies the line's certificate onto each packaging: one is the line's.
        OcopCertificate.objects.filter(
            product__in=others,
            decision_number__in=OcopCertificate.objects.filter(product=base).values("decision_number"),
        ).delete()
        merged = products_merge(
            shop=shop, product_ids=[base.pk, *(p.pk for p in others)], title=line,
            options={base.pk: base_option}, actor=None, acting_as="owner",
        )
        Product.objects.filter(pk=merged.parent.pk).update(upc=data._upc(shop_code, f"{line} (phân loại)"))
        result.created["products"] += 1


def _refresh_category_view() -> None:
    """bulk_create sends no signals: refresh Oscar's PostgreSQL materialised view ourselves."""
    from oscar.checks import use_productcategory_materialised_view

    if use_productcategory_materialised_view():
        with connection.cursor() as cursor:
            cursor.execute("REFRESH MATERIALIZED VIEW catalogue_product_category_hierarchy;")


# --- Wagtail home page -----------------------------------------------------------------


def _home_body():
    from wagtail.rich_text import RichText

    return [
        ("heading", "OCOP là gì?"),
        ("paragraph", RichText(
            "<p>OCOP – <b>Mỗi xã một sản phẩm</b> – là chương trình phát triển sản phẩm "
            "đặc trưng của từng địa phương. Sản phẩm được chấm theo thang 100 điểm và "
            "xếp hạng 3, 4 hoặc 5 sao.</p>"
        )),
        ("heading", "Sao OCOP nói lên điều gì"),
        ("paragraph", RichText(
            "<ul><li>3 sao: từ 50 đến 69 điểm, do UBND tỉnh công nhận.</li>"
            "<li>4 sao: từ 70 đến 89 điểm, do UBND tỉnh công nhận.</li>"
            "<li>5 sao: từ 90 đến 100 điểm, do Hội đồng Trung ương công nhận.</li></ul>"
            "<p>Giấy chứng nhận có hiệu lực 36 tháng và có thể bị thu hồi. Trên Chợ OCOP, "
            "số sao chỉ hiển thị khi chứng nhận còn hiệu lực và đã được xác minh.</p>"
        )),
        ("heading", "Mua trực tiếp từ người sản xuất"),
        ("paragraph", RichText(
            "<p>Các hợp tác xã, doanh nghiệp và hộ kinh doanh của Cà Mau tự mở gian hàng, "
            "đăng sản phẩm và xử lý đơn. Thanh toán khi nhận hàng, chuyển khoản VietQR "
            "hoặc thẻ.</p>"
        )),
    ]


def _wagtail_roots():
    """Wagtail's base rows, as its own data migrations create them, for a flushed database
    (`manage.py flush`, transactional tests): the default locale, the root collection and
    the page root."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return Page.add_root(instance=Page(
        title="Root", slug="root", locale=locale,
        content_type=ContentType.objects.get_for_model(Page),
    ))


def ensure_home_page(result: LoadResult) -> None:
    """Our HomePage under Wagtail's root, as the default Site's root; the welcome page goes."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Site

    home = HomePage.objects.first()
    root = Page.get_first_root_node() or _wagtail_roots()
    if home is None:
        home = HomePage(
            title=HOME_TITLE, slug=HOME_SLUG,
            hero_title="Đặc sản và sản phẩm OCOP Cà Mau",
            hero_intro=(
                "Tôm khô Rạch Gốc, mật ong U Minh Hạ, ba khía Đầm Dơi, muối Bạc Liêu… "
                "mua tận gốc từ hợp tác xã và hộ sản xuất của tỉnh Cà Mau."
            ),
            body=_home_body(),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        result.created["pages"] += 1

    site = (
        Site.objects.filter(is_default_site=True).first()
        or Site.objects.filter(hostname="localhost", port=80).first()
    )
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True,
            site_name=HOME_TITLE,
        )
        result.created["sites"] += 1
    elif (site.root_page_id, site.hostname, site.port, site.is_default_site) != (
        home.pk, "localhost", 80, True
    ):
        site.root_page, site.hostname, site.port, site.is_default_site = home, "localhost", 80, True
        site.site_name = site.site_name or HOME_TITLE
        site.save()
        result.created["sites"] += 1

    # Wagtail's initial migration creates a plain Page "Welcome to your new Wagtail site!".
    plain_page = ContentType.objects.get_for_model(Page)
    welcome = Page.objects.filter(depth=2, content_type=plain_page).exclude(
        pk__in=Site.objects.values("root_page_id")
    )
    for page in welcome.filter(slug="home"):
        page.delete()
        result.created["welcome_pages_deleted"] += 1


# --- Curation ---------------------------------------------------------------------

#: (slug, name, description) of the demo's curated collections.
DEMO_COLLECTIONS = [
    ("ocop-4-sao", "OCOP 4 sao", "Sản phẩm đạt OCOP 4 sao của Cà Mau."),
    ("qua-tet-ca-mau", "Quà Tết Cà Mau", "Hộp quà đặc sản Cà Mau cho dịp Tết."),
]
COLLECTION_SIZE = 24
FEATURED_COUNT = 4


def ensure_collections(plan: list[data.ShopSpec], result: LoadResult) -> None:
    """The curated collections and a few featured products, each made once.

    A collection found by its slug is left as it is (staff may have edited it); products
    are featured only while none of the demo's products is, so staff's choices survive.
    """
    upcs = [p.upc for s in plan for p in s.products]
    demo_products = Product.objects.filter(upc__in=upcs, is_public=True)
    four_stars = (
        demo_products.filter(ocop_certificates__in=OcopCertificate.objects.valid().filter(stars=4))
        .distinct()
        .order_by("upc")
    )
    gift_boxes = demo_products.filter(title__contains="Hộp quà").order_by("upc")
    members = {"ocop-4-sao": four_stars, "qua-tet-ca-mau": gift_boxes}
    existing = set(Collection.objects.filter(slug__in=members).values_list("slug", flat=True))
    for slug, name, description in DEMO_COLLECTIONS:
        if slug in existing:
            continue
        collection = Collection.objects.create(slug=slug, name=name, description=description)
        ids = _interleave_shops(members[slug])[:COLLECTION_SIZE]
        CollectionItem.objects.bulk_create(
            CollectionItem(collection=collection, product_id=pk, position=index)
            for index, pk in enumerate(ids)
        )
        result.created["collections"] += 1
        result.created["collection_items"] += len(ids)
    if not demo_products.filter(is_featured=True).exists():
        # The shelf's first products as it stands: featuring them keeps its order
        # (most stars first) while showing what the flag does.
        demo_upcs = set(upcs)
        chosen = [p.pk for p in featured_products(limit=FEATURED_COUNT) if p.upc in demo_upcs]
        result.created["featured"] += Product.objects.filter(pk__in=chosen).update(is_featured=True)


def _interleave_shops(products) -> list[int]:
    """Product ids with the shops interleaved (variety on the shelf), in a stable order."""
    by_shop: dict[int, list[int]] = {}
    for pk, shop_id in products.values_list("pk", "shop_id"):
        by_shop.setdefault(shop_id, []).append(pk)
    ordered: list[int] = []
    queues = [by_shop[shop_id] for shop_id in sorted(by_shop)]
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def _count(plan: list[data.ShopSpec], result: LoadResult) -> None:
    upcs = [p.upc for s in plan for p in s.products]
    result.shops = Partner.objects.filter(code__in=[s.code for s in plan]).count()
    result.products = Product.objects.filter(upc__in=upcs).count()
    result.certificates = OcopCertificate.objects.filter(product__upc__in=upcs).count()
    result.images = ProductImage.objects.filter(product__upc__in=upcs).count()
    result.categories = Category.objects.filter(
        code__in=[c[0] for c in data.category_specs()]
    ).count()
    emails = [ADMIN_EMAIL, STAFF_EMAIL, BUYER_EMAIL] + [s.owner_email for s in plan]
    result.users = get_user_model().objects.filter(email__in=emails).count()


# --- The demo buyer's purchases ---------------------------------------------------------

#: (payment method, [(shop code, quantity, where that shop's order stands)]). One product
#: per shop: the first in stock by UPC. Placed through the real checkout service, then moved
#: on by the same services a seller's taps, a buyer's "Đã nhận hàng" and Stripe's webhook
#: use, so the demo buyer has an order in every state of an order's life and the first demo
#: shop (htx-ba-khia-dam-doi) has one in every tab of its order list. Three COD purchases at
#: most: the demo buyer's phone number stays within the per-day COD limit.
DEMO_PURCHASES = [
    ("cod", [("htx-ba-khia-dam-doi", 2, "complained"), ("htx-19-5", 1, "disputed")]),
    ("cod", [("htx-ba-khia-dam-doi", 1, "in_transit"), ("htx-tan-phat-loi", 1, "returned")]),
    ("cod", [("htx-ba-khia-dam-doi", 1, "failed"), ("htx-19-5", 1, "confirmed")]),
    ("bank_transfer", [("yen-sao-dat-mui", 1, "pending"), ("co-ba-gan", 2, "pending")]),
    ("card", [("htx-tan-phat-loi", 1, "pending"), ("htx-ba-khia-dam-doi", 1, "confirmed")]),
]
#: The carrier each stage hands its parcel to.
DEMO_CARRIERS = {
    "complained": "ghn", "disputed": "self", "in_transit": "ghtk",
    "failed": "viettelpost", "returned": "jt",
}
DEMO_ADDRESS = {
    "first_name": "Khách mua hàng (demo)",
    "line1": "Số 1 Ấp Cái Nước (địa chỉ minh họa)",
    "line2": "Xã Cái Nước",
    "line4": "Cà Mau",
    "phone_number": "+84912000000",
}


def ensure_demo_purchases(users: dict, shops: dict[str, Partner], result: LoadResult) -> None:
    """The demo buyer's purchases (DEMO_PURCHASES), each shop order moved to its stage.

    Made only while the demo buyer has no purchase at all: a second run, or a buyer who
    has already bought in the demo, gets none added.
    """
    buyer = users[BUYER_EMAIL]
    if Purchase.objects.filter(user=buyer).exists():
        return
    Country = get_model("address", "Country")
    Country.objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={"name": "Việt Nam", "printable_name": "Việt Nam", "is_shipping_country": True},
    )
    for method, items in DEMO_PURCHASES:
        purchase = _demo_purchase(buyer, shops, method, [(code, quantity) for code, quantity, _ in items])
        if method == "card":
            purchase_card_paid(purchase, amount=purchase.total, reference=f"demo-{purchase.number}")
        stages = {code: stage for code, _, stage in items}
        for order in Order.objects.filter(purchase=purchase).select_related("shop").order_by("number"):
            _demo_advance(order, stages[order.shop.code], buyer, users)
        result.created["purchases"] += 1


def _demo_purchase(buyer, shops: dict[str, Partner], method: str, items):
    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=buyer)
    basket.strategy = MarketplaceStrategy()
    for code, quantity in items:
        record = (
            StockRecord.objects.filter(partner=shops[code], num_in_stock__gte=10, product__is_public=True)
            .select_related("product").order_by("product__upc").first()
        )
        basket.add_product(record.product, quantity)
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = MarketplaceStrategy()
    quote = basket_quote(basket)
    # The first option each shop offers (its standard delivery, or the programme's default).
    choices = {str(part.shop.pk): option_key(part.options[0]) for part in quote.parts}
    return purchase_place(
        basket=basket, user=buyer, email=buyer.email, address=dict(DEMO_ADDRESS),
        choices=choices, payment_method=method,
    ).purchase


def _demo_advance(order: Order, stage: str, buyer, users: dict) -> None:
    """Move one shop order to `stage` the way its seller and buyer would."""
    if stage == "pending":
        return
    owner = users[f"seller-{order.shop.code}@{data.DEMO_EMAIL_DOMAIN}"]
    as_owner = {"actor": owner, "acting_as": "owner"}
    order_lines_transition(
        shop=order.shop, order=order, from_status=OrderStatus.PENDING,
        to_status=OrderStatus.CONFIRMED, **as_owner,
    )
    if stage == "confirmed":
        return
    carrier = DEMO_CARRIERS[stage]
    shipment = shipment_hand_over(
        shop=order.shop, order=order, carrier=carrier,
        tracking_code=_demo_tracking_code(carrier, order.number), shipping_fee=22_000, **as_owner,
    )
    if stage == "complained":
        order_received_by_buyer(order=order, actor=buyer)
    elif stage == "disputed":
        shipment_delivered(shipment=shipment, **as_owner)
    elif stage in ("failed", "returned"):
        reason = Shipment.FailureReason.REFUSED if stage == "returned" else Shipment.FailureReason.UNREACHABLE
        shipment_failed(shipment=shipment, reason=reason, **as_owner)
        if stage == "returned":
            shipment_returned(shipment=shipment, **as_owner)
    if stage in ("complained", "disputed"):
        order.refresh_from_db()
        order_mark_paid(order, note="Thu tiền khi giao (demo)", **as_owner)
        _demo_complaint(order, stage, buyer, owner)


def _demo_complaint(order: Order, stage: str, buyer, owner) -> None:
    """A return the shop has still to answer (with a photo), or a refused one the buyer
    disputed, waiting in programme staff's queue."""
    line = order.lines.first()
    photo = clean_image(ContentFile(
        product_photo(title=f"{line.title} – bị móp", group_code="", shop_name=order.shop.name),
        name="demo-complaint.jpg",
    ))
    complaint = complaint_open(
        order=order, user=buyer, kind=Complaint.Kind.RETURN_REFUND, reason=Complaint.Reason.DAMAGED,
        message="Một sản phẩm bị móp vỏ, bên trong bị hư khi mở hộp. Tôi xin trả sản phẩm này và được hoàn tiền.",
        requested_amount=int(line.unit_price_incl_tax), photos=[photo],
    )
    if stage == "disputed":
        complaint_refuse(
            complaint=complaint, shop=order.shop, actor=owner, acting_as="owner",
            reason="Hàng được đóng gói kỹ và giao tận tay; cửa hàng không nhận được báo hỏng khi giao.",
        )
        complaint_dispute(
            complaint=Complaint.objects.get(pk=complaint.pk), actor=buyer,
            note="Tôi đã chụp ảnh ngay khi mở hộp, nhờ Ban quản lý xem giúp.",
        )


def _demo_tracking_code(carrier: str, order_number: str) -> str:
    """A code in the carrier's own format, made from the order number (unique per order)."""
    digits = "".join(ch for ch in order_number if ch.isdigit()).rjust(10, "0")[-10:]
    return {
        "ghn": f"GY{digits}",
        "ghtk": f"S22861375.MB7.{digits}",
        "viettelpost": f"17{digits}",
        "jt": f"84{digits}",
        "self": "",
    }[carrier]
