"""`manage.py load_demo`: the demo marketplace the public contract promises, idempotent."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from catalogue.models import (
    STAR_SCORE_RANGES,
    Category,
    Collection,
    CollectionItem,
    OcopCertificate,
    Product,
    ProductImage,
    add_months,
    today_local,
)
from marketplace.checkout.vouchers import listed_shop_vouchers
from marketplace.complaints.models import Complaint
from marketplace.core.addresses import communes
from marketplace.core.identifiers import validate_personal_id
from marketplace.core.phones import validate_e164_mobile
from marketplace.core.roles import programme_staff_permissions
from marketplace.demo import catalogue_data as data
from marketplace.demo.vouchers import HONEY_CODE, OTHER_CODE, PROGRAMME_CODE
from marketplace.ledger.models import Entry, FeeRate, Payout
from marketplace.ledger.selectors import shop_balance
from marketplace.order.carriers import carrier_get
from marketplace.order.models import Order, Purchase, Shipment
from marketplace.payment.models import BankCredit
from marketplace.privacy.models import ConsentEvent, PrivacyNotice, PrivacyRequest
from shops.access import shops_for_user
from shops.identity.selectors import shops_identity_unverified
from shops.models import (
    LegalRepresentative,
    Partner,
    ShippingOption,
    ShopInvitation,
    ShopMember,
    StockRecord,
)
from shops.retention import application_documents_purge

ProductReview = get_model("reviews", "ProductReview")

pytestmark = pytest.mark.django_db

DEMO_EMAIL = re.compile(r"@demo\.ocop\.vn$")


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load once per module inside a transaction rolled back afterwards (setUpTestData style)."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", quiet=True)
            yield media
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint() -> dict[str, list]:
    User = get_user_model()
    from wagtail.models import Page, Site

    return {
        "shops": sorted(Partner.objects.values_list(
            "code", "name", "legal_name", "registration_number", "phone", "commune_code",
            "street_address", "status", "producer_type",
            "bank_bin", "bank_account_number", "bank_account_name",
        )),
        "delivery": sorted(ShippingOption.objects.values_list(
            "shop__code", "name", "kind", "fee", "free_above", "is_active", "position"
        )),
        "products": sorted(
            (p.upc, p.title, p.shop.code, [c.code for c in p.categories.all()])
            for p in Product.objects.select_related("shop").prefetch_related("categories")
        ),
        "stock": sorted(StockRecord.objects.values_list(
            "product__upc", "partner__code", "partner_sku", "price", "num_in_stock",
            "sale_price", "sale_starts_at", "sale_ends_at",
        )),
        "certificates": sorted(OcopCertificate.objects.values_list(
            "product__upc", "decision_number", "stars", "score", "issuing_body", "issued_on",
            "expires_on", "status",
        )),
        "images": sorted(ProductImage.objects.values_list("product__upc", "code", "original")),
        "users": sorted(User.objects.values_list(
            "email", "username", "password", "is_staff", "is_superuser"
        )),
        "members": sorted(ShopMember.objects.values_list("shop__code", "user__email", "role")),
        "invitations": sorted(ShopInvitation.objects.values_list(
            "shop__code", "email", "role", "status", "token_hash"
        )),
        "representatives": sorted(LegalRepresentative.objects.values_list(
            "shop__code", "full_name", "birth_date", "id_kind", "id_number", "verification_method",
            "verified_by__email",
        )),
        "categories": sorted(Category.objects.values_list("code", "name", "path")),
        "pages": sorted(Page.objects.values_list("pk", "slug", "live")),
        "sites": sorted(Site.objects.values_list("hostname", "port", "root_page_id", "is_default_site")),
        "collections": sorted(Collection.objects.values_list("slug", "name", "is_active")),
        "collection_items": sorted(CollectionItem.objects.values_list(
            "collection__slug", "product__upc", "position"
        )),
        "purchases": sorted(Purchase.objects.values_list(
            "number", "user__email", "payment_method", "status", "total", "shipping_total"
        )),
        "orders": sorted(Order.objects.values_list(
            "number", "shop__code", "status", "payment_status", "amount_paid", "total_incl_tax"
        )),
        "featured": sorted(Product.objects.filter(is_featured=True).values_list("upc", flat=True)),
        "ledger": sorted(Entry.objects.values_list("shop__code", "kind", "amount", "key")),
        "fee_rates": sorted(FeeRate.objects.values_list("category_id", "valid_from", "basis_points", "note")),
        "vouchers": sorted(get_model("voucher", "Voucher").objects.values_list(
            "code", "offers__shop__code", "offers__benefit__value", "start_datetime", "end_datetime"
        ), key=str),
        "payouts": sorted(Payout.objects.values_list("shop__code", "amount", "status", "bank_reference")),
        "bank_credits": sorted(BankCredit.objects.values_list(
            "reference_code", "amount", "status", "problem", "purchase__number"
        )),
        "privacy_notices": sorted(PrivacyNotice.objects.values_list("version", "effective_on")),
        "consents": sorted(ConsentEvent.objects.values_list(
            "user__email", "purpose", "action", "source", "notice__version", "purchase__number"
        ), key=str),
        "privacy_requests": sorted(PrivacyRequest.objects.values_list("user__email", "kind", "state")),
        "reviews": sorted(ProductReview.objects.values_list("product__upc", "user__email", "score", "status")),
    }


def test_cards_have_stars_and_sales_to_show(client):
    """Issue 21: demo cards show "Đã bán N" (delivered order lines) and the buyers' stars
    (reviews of received products, through the review service)."""
    from catalogue.selectors import popular_products, product_list_public

    assert product_list_public().filter(sold_count__gt=0).count() >= 3
    assert product_list_public().filter(review_count__gt=0).count() >= 3
    assert all(review.meta.verified_purchase for review in ProductReview.objects.select_related("meta"))
    top = popular_products()[0]
    assert top.sold_count > 0 and top.review_count > 0
    html = client.get(f"/shops/{top.shop.code}/").content.decode()
    assert f"Đã bán {top.sold_count}" in html and 'class="card-rating"' in html


def test_a_tet_sale_is_in_force_on_a_few_products_and_cards_strike_the_list_price(client):
    """marketplace/demo/sales.py: a few products on sale around today, one on the home shelf."""
    from catalogue.pricing import price_in_force, sale_in_force

    on_sale = [record for record in StockRecord.objects.filter(sale_price__isnull=False)
               .select_related("product") if sale_in_force(record)]
    assert 3 <= len(on_sale) <= 6
    for record in on_sale:
        price = price_in_force(record)
        assert price.price % 1000 == 0 and 10 <= price.percent_off <= 26
        assert timezone.localtime(record.sale_ends_at).time() == datetime.time(0, 0)
    featured = [record for record in on_sale if record.product.is_featured]
    assert featured
    html = client.get("/").content.decode()
    assert '<del class="price-list">' in html
    assert f"-{price_in_force(featured[0]).percent_off}%" in html


def test_shops_are_the_real_producers_and_approved():
    real, _extra = data.load_sources()
    shops = Partner.objects.all()
    assert shops.count() >= 22
    codes = set(shops.values_list("code", flat=True))
    for producer in real["producers"]:
        assert data.slugify_vi(producer["name"]) in codes
    ba_khia = Partner.objects.get(code="htx-ba-khia-dam-doi")
    assert ba_khia.legal_name == "Hợp tác xã Ba Khía Đầm Dơi"
    assert ba_khia.producer_type == Partner.ProducerType.COOPERATIVE
    for shop in shops:
        assert shop.status == Partner.Status.APPROVED
        assert re.fullmatch(r"\d{10}", shop.registration_number)
        validate_e164_mobile(shop.phone)
        assert shop.street_address.startswith(("Ấp ", "Khóm "))
        assert shop.description and shop.legal_name


def test_every_shop_has_a_representative_and_one_waits_for_verification():
    shops = Partner.objects.count()
    representatives = list(LegalRepresentative.objects.select_related("shop", "verified_by"))
    assert len(representatives) == shops
    for representative in representatives:
        assert validate_personal_id(representative.id_number, birth_date=representative.birth_date)
    assert [shop.code for shop in shops_identity_unverified()] == ["co-ba-gan"]
    verified = [r for r in representatives if r.is_verified]
    assert len(verified) == shops - 1
    assert {(r.verification_method, r.verified_by.email) for r in verified} == {
        ("staff_documents", "staff@demo.ocop.vn")
    }
    # The household's personal ID is its tax code (Circular 86/2024), as its tax profile says.
    household = LegalRepresentative.objects.get(shop__code="co-ba-gan")
    assert household.id_number == household.shop.tax_profile.tax_code


def test_shops_offer_varied_delivery_options():
    by_shop: dict[str, list] = {shop.code: [] for shop in Partner.objects.all()}
    for option in ShippingOption.objects.select_related("shop").order_by("position"):
        by_shop[option.shop.code].append(option)
    without = [code for code, options in by_shop.items() if not options]
    assert 1 <= len(without) <= 2  # the programme's default delivery applies to these
    free_above = [code for code, options in by_shop.items()
                  if any(o.kind == ShippingOption.Kind.FREE_ABOVE for o in options)]
    assert 2 <= len(free_above) <= 5
    for code, options in by_shop.items():
        if not options:
            continue
        standard, pickup = options
        assert standard.name == "Giao hàng tiêu chuẩn" and standard.fee == 30_000, code
        assert standard.charge_for(100_000) == 30_000
        if standard.kind == ShippingOption.Kind.FREE_ABOVE:
            assert standard.free_above == 500_000 and standard.charge_for(500_000) == 0
        else:
            assert standard.kind == ShippingOption.Kind.FLAT and standard.charge_for(2_000_000) == 30_000
        assert (pickup.name, pickup.kind, pickup.charge_for(100_000)) == (
            "Nhận tại cửa hàng", ShippingOption.Kind.PICKUP, 0
        )
    assert len([c for c, o in by_shop.items() if o]) > len(by_shop) / 2


def test_a_few_shops_have_their_own_vietqr_account():
    from marketplace.payment import vietqr
    from marketplace.payment.banks import BANKS_BY_BIN
    from marketplace.payment.transfer import payee_for

    own = list(Partner.objects.exclude(bank_account_number=""))
    assert 2 <= len(own) <= 6
    for shop in own:
        assert shop.bank_bin in BANKS_BY_BIN
        assert shop.bank_account_number.startswith("DEMO")  # obviously not a real account
        assert re.fullmatch(r"[A-Z0-9 ]+", shop.bank_account_name)
        payee = payee_for(shop)
        assert not payee.is_programme and payee.account == shop.bank_account_number
        payload = vietqr.build_payload(
            bank_bin=shop.bank_bin, account=shop.bank_account_number, amount=100_000, memo="DH 1"
        )
        assert vietqr.verify_crc(payload)
    others = Partner.objects.filter(bank_account_number="")
    assert others.count() > len(own)
    assert all(payee_for(shop).is_programme for shop in others)
    assert not others.exclude(bank_bin="").exists()


def test_demo_buyer_has_purchases_in_each_payment_state(client):
    from marketplace.payment.transfer import payee_for

    purchases = list(Purchase.objects.filter(user__email="buyer@demo.ocop.vn").order_by("number"))
    assert [p.payment_method for p in purchases] == ["cod", "cod", "cod", "bank_transfer", "card"]
    transfer, card = purchases[3], purchases[4]
    assert all(p.status == Purchase.Status.PLACED for p in purchases[:4])
    assert {o.payment_status for o in transfer.orders.all()} == {"awaiting_transfer"}
    payees = {o.shop.code: payee_for(o.shop) for o in transfer.orders.select_related("shop")}
    assert not payees["yen-sao-dat-mui"].is_programme  # the shop's own account
    assert payees["co-ba-gan"].is_programme
    assert card.status == Purchase.Status.PAID
    assert {(o.status, o.payment_status) for o in card.orders.all()} == {("pending", "paid"), ("confirmed", "paid")}
    for purchase in purchases:
        assert purchase.total == sum(int(o.total_incl_tax) for o in purchase.orders.all())
    # co-ba-gan has no delivery option: the programme's default fee applies.
    (default,) = transfer.orders.filter(shop__code="co-ba-gan")
    assert int(default.shipping_incl_tax) == settings.CHECKOUT_DEFAULT_SHIPPING_FEE
    # They show on the buyer's account pages.
    assert client.login(username="buyer@demo.ocop.vn", password=settings.DEMO_PASSWORD)
    html = client.get("/accounts/orders/").content.decode()
    for purchase in purchases:
        assert purchase.number in html


def test_staff_have_bank_credits_to_reconcile_and_the_buyer_one_qr_to_pay(client):
    from marketplace.order.links import purchase_link

    transfer = Purchase.objects.get(user__email="buyer@demo.ocop.vn", payment_method="bank_transfer")
    queued = {c.problem: c for c in BankCredit.objects.filter(status="review")}
    assert set(queued) == {"no_code", "underpaid"}
    assert queued["underpaid"].purchase == transfer
    assert queued["underpaid"].expected_amount - queued["underpaid"].amount == 20_000
    # The underpayment paid nothing: the buyer's page still offers the purchase's one QR.
    html = client.get(purchase_link(transfer)).content.decode()
    assert f"OCOP {transfer.number}" in html and "Đang chờ chuyển khoản" in html
    assert client.login(username="staff@demo.ocop.vn", password=settings.DEMO_PASSWORD)
    html = client.get("/dashboard/bank-credits/").content.decode()
    assert "DEMO.FT26000000001" in html and "DEMO.FT26000000002" in html


def test_the_first_demo_shop_has_an_order_in_every_state_of_its_life():
    orders = Order.objects.filter(shop__code="htx-ba-khia-dam-doi", user__email="buyer@demo.ocop.vn")
    assert sorted(orders.values_list("status", "payment_method", "payment_status")) == [
        ("confirmed", "card", "paid"),
        ("delivered", "cod", "paid"),
        ("delivery_failed", "cod", "cod_due"),
        ("handed_to_carrier", "cod", "cod_due"),
    ]
    shipments = Shipment.objects.filter(order__in=orders)
    assert sorted(shipments.values_list("carrier", "status", "delivery_confirmed_by", "failure_reason")) == [
        ("ghn", "delivered", "buyer", ""),
        ("ghtk", "in_transit", "", ""),
        ("viettelpost", "failed", "", "unreachable"),
    ]
    for shipment in shipments:
        assert carrier_get(shipment.carrier).tracking_link(shipment.tracking_code).startswith("https://")
        assert shipment.cod_amount == shipment.order.total_incl_tax
    returned = Shipment.objects.get(order__shop__code="htx-tan-phat-loi", status="returned")
    assert returned.order.status == "returned" and returned.failure_reason == "refused"
    assert Order.objects.filter(shop__code="htx-19-5", status="confirmed").exists()


def test_the_demo_has_a_return_to_answer_and_a_dispute_for_programme_staff():
    cases = Complaint.objects.filter(user__email="buyer@demo.ocop.vn")
    assert sorted(cases.values_list("shop__code", "status")) == [
        ("htx-19-5", "escalated"), ("htx-ba-khia-dam-doi", "open"),
    ]
    for case in cases:
        assert case.photos.count() == 1
        assert 0 < case.requested_amount <= case.order.total_incl_tax


def test_shop_communes_are_valid_codes_of_province_96():
    valid = dict(communes(96))
    assert len(valid) == 64
    for shop in Partner.objects.all():
        assert shop.commune_code in valid, shop.code
    names = {p.code: p.commune_name for p in Partner.objects.all()}
    assert names["htx-ba-khia-dam-doi"] == "Xã Đầm Dơi"
    assert names["htx-tan-phat-loi"] == "Xã Phan Ngọc Hiển"
    assert names["yen-sao-dat-mui"] == "Xã Đất Mũi"
    assert names["htx-19-5"] == "Xã U Minh"
    assert names["cong-ty-cp-muoi-bac-lieu"] == "Phường Bạc Liêu"


def test_unknown_commune_hint_is_a_deterministic_pick():
    all_communes = communes(96)
    first = data.resolve_commune(None, "Minh Duy", all_communes)
    assert first == data.resolve_commune("nowhere", "Minh Duy", all_communes)
    assert first in dict(all_communes)


def test_products_span_ocop_groups_with_stock_price_category():
    products = Product.objects.prefetch_related("stockrecords", "categories")
    assert products.count() >= 150
    groups = Counter()
    out_of_stock = 0
    for product in products:
        assert product.is_public and product.title
        assert product.shop_id is not None
        assert product.upc and re.fullmatch(r"2\d{12}", product.upc)
        if product.structure == Product.PARENT:  # priced, stocked per option; no stock record
            assert product.description and not product.stockrecords.all()
            (category,) = product.categories.all()
            continue
        if product.structure == Product.CHILD:  # an option: its product holds the category
            assert not product.categories.all() and product.parent.shop_id == product.shop_id
        else:
            assert product.description
        (record,) = product.stockrecords.all()
        assert record.partner_id == product.shop_id
        assert record.price == record.price.to_integral_value()
        assert record.price % 1000 == 0 and record.price > 0
        assert 0 <= record.num_in_stock <= 200
        out_of_stock += record.num_in_stock == 0
        if product.structure == Product.CHILD:
            continue
        (category,) = product.categories.all()
        groups[category.get_root().code] += 1
    ocop_groups = [code for code in groups if code in data.OCOP_GROUP_CODES]
    assert len(ocop_groups) >= 4
    assert set(ocop_groups) == set(data.OCOP_GROUP_CODES)
    assert 1 <= out_of_stock <= 20


def test_real_prices_use_the_low_end_of_the_reported_range():
    def price(shop, title):
        return StockRecord.objects.get(partner__code=shop, product__title=title).price

    assert price("htx-tan-phat-loi", "Tôm khô Rạch Gốc") == Decimal("1500000")
    assert price("htx-tan-phat-loi", "Tôm khô Rạch Gốc – hộp 500 g") == Decimal("788000")
    honey_litre = StockRecord.objects.get(
        partner__code="htx-19-5", product__parent__title="Mật ong U Minh Hạ", product__title="can 1 lít"
    )
    assert honey_litre.price == Decimal("270000")
    assert price("htx-ba-khia-dam-doi", "Ba khía muối") == Decimal("130000")


def test_one_product_line_is_sold_as_one_product_with_options():
    """HTX 19/5's honey: its packagings are the options of one product (VARIANT_LINES)."""
    parent = Product.objects.get(structure=Product.PARENT, shop__code="htx-19-5")
    assert parent.title == "Mật ong U Minh Hạ"
    options = set(parent.children.values_list("title", flat=True))
    assert options == {"can 1 lít", "chai 250 ml", "chai 500 ml", "Hộp quà Tết 2 chai 500 ml"}
    assert Product.objects.filter(structure=Product.PARENT).count() == 1
    assert not Product.objects.filter(shop__code="htx-19-5", title__startswith="Mật ong U Minh Hạ –").exists()


def test_categories_are_the_six_ocop_groups_and_other():
    roots = set(Category.get_root_nodes().values_list("name", flat=True))
    assert {
        "Thực phẩm", "Đồ uống", "Dược liệu và sản phẩm từ dược liệu", "Hàng thủ công mỹ nghệ",
        "Sinh vật cảnh", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Đặc sản địa phương khác",
    } <= roots
    food = Category.objects.get(code="thuc-pham")
    assert {"Mật ong", "Gạo", "Thủy sản khô"} <= {c.name for c in food.get_children()}


def test_certificates_follow_the_ocop_rules():
    today = today_local()
    certificates = list(OcopCertificate.objects.select_related("product"))
    assert len(certificates) >= 40
    for cert in certificates:
        low, high = STAR_SCORE_RANGES[cert.stars]
        assert low <= cert.score <= high
        expected_body = "central" if cert.stars == 5 else "province"
        assert cert.issuing_body == expected_body
        assert cert.decision_number.startswith("DEMO-")
        assert cert.expires_on == add_months(cert.issued_on, 36)
        cert.clean()
    statuses = Counter(cert.display_status for cert in certificates)
    assert statuses["revoked"] >= 1 and statuses["expired"] >= 1
    assert statuses["pending"] >= 1  # renamed since it was verified: back in the staff queue
    assert statuses["valid"] >= len(certificates) - 10 - statuses["pending"]
    for cert in certificates:
        if cert.display_status == "valid" and cert.expires_on > today + datetime.timedelta(days=60):
            assert add_months(today, -31) <= cert.issued_on <= add_months(today, -6)
    # Every JSON product with stars (and its packaging variants) carries a certificate.
    real, _extra = data.load_sources()
    for producer in real["producers"]:
        for item in producer["products"]:
            if item["stars"]:
                shop = data.slugify_vi(producer["name"])
                stars = set(OcopCertificate.objects.filter(
                    product__shop__code=shop, product__title__startswith=item["name"]
                ).values_list("stars", flat=True))
                assert stars == {item["stars"]}, item["name"]
    assert OcopCertificate.objects.filter(stars=5, product__title="Muối tinh Bạc Liêu").exists()


def test_verified_certificates_record_the_product_and_one_awaits_re_verification():
    """The snapshot the rename rule compares with (catalogue/certificates.py), and one demo
    product renamed since its certificate was verified: back in the staff queue."""
    verified = OcopCertificate.objects.filter(status="verified").select_related("product")
    assert verified.exists()
    for cert in verified:
        assert cert.verified_title == cert.product.title and cert.verified_category_id
    renamed = list(OcopCertificate.objects.exclude(reverification_reason="").select_related("product"))
    assert renamed
    for cert in renamed:
        assert cert.status == "pending" and cert.display_status == "pending"
        assert cert.verified_title.startswith("Chả tôm Rạch Gốc") and cert.verified_category_id
        assert cert.verified_title in cert.reverification_reason
        assert f"thành “{cert.product.title}”" in cert.reverification_reason
        assert cert.product.title.startswith("Chả tôm")


def test_every_product_has_a_photo_pillow_opens(demo):
    products = Product.objects.prefetch_related("images")
    for product in products:
        if product.structure == Product.CHILD and not product.images.all():
            continue  # an option shows its product's photo (the base packaging's, merged)
        (image,) = product.images.all()
        assert image.display_order == 0
        with Image.open(image.original.path) as photo:
            assert photo.format == "JPEG" and photo.size == (800, 800)
        assert str(demo) in image.original.path


def test_demo_accounts_log_in(client):
    User = get_user_model()
    admin = User.objects.get(email="admin@demo.ocop.vn")
    staff = User.objects.get(email="staff@demo.ocop.vn")
    assert admin.is_superuser and admin.is_staff
    assert staff.is_staff and not staff.is_superuser
    group = staff.groups.get(name="Programme staff")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert perms == {f"{app}.{codename}" for app, codename in programme_staff_permissions()}
    seller = "seller-htx-ba-khia-dam-doi@demo.ocop.vn"
    for email in ["admin@demo.ocop.vn", "staff@demo.ocop.vn", "buyer@demo.ocop.vn", seller]:
        assert client.login(username=email, password=settings.DEMO_PASSWORD), email
        client.logout()


def test_each_shop_has_its_owner():
    for shop in Partner.objects.all():
        owners = ShopMember.objects.active().filter(shop=shop, role=ShopMember.Role.OWNER)
        assert [m.user.email for m in owners] == [f"seller-{shop.code}@demo.ocop.vn"]


def test_one_helper_assists_two_household_shops():
    from django.contrib.auth import get_user_model

    helper = get_user_model().objects.get(email="helper@demo.ocop.vn")
    shops = list(shops_for_user(helper))
    assert len(shops) == 2
    assert {shop.producer_type for shop in shops} == {Partner.ProducerType.HOUSEHOLD}
    memberships = ShopMember.objects.active().filter(user=helper)
    assert all(m.role == ShopMember.Role.HELPER and m.consent_note for m in memberships)


def test_home_page_replaces_the_wagtail_welcome_page():
    from wagtail.models import Page, Site

    from marketplace.cms.models import HomePage

    home = HomePage.objects.get()
    assert home.title == "Chợ OCOP Cà Mau" and home.live and home.hero_title
    types = [block.block_type for block in home.body]
    assert types[0] == "hero_carousel" and {"product_grid", "heading", "paragraph"} <= set(types)
    assert home.get_parent().depth == 1
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == ("localhost", 80, home.pk)
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail").exists()


def test_demo_shops_have_ledger_entries_a_settled_payout_and_a_pending_one(client):
    """Staff find a settled payout and one to transfer; the shop sees the money it received."""
    paid = Payout.objects.select_related("shop").get(status=Payout.Status.PAID)
    pending = Payout.objects.select_related("shop").get(status=Payout.Status.PENDING)
    assert (paid.shop.code, paid.bank_reference) == ("yen-sao-dat-mui", "FT26DEMO0001")
    assert pending.shop.code == "cong-ty-cp-muoi-bac-lieu"
    assert paid.amount > 0 and pending.amount > 0
    assert shop_balance(paid.shop).owed == 0  # its only released order was paid out
    card_shops = set(Entry.objects.filter(kind="sale").values_list("shop__code", flat=True))
    assert {"htx-tan-phat-loi", "htx-ba-khia-dam-doi", "yen-sao-dat-mui"} <= card_shops
    assert Entry.objects.filter(kind="sale_self", shop__code="htx-19-5").exists()  # COD collected
    client.force_login(get_user_model().objects.get(email="seller-yen-sao-dat-mui@demo.ocop.vn"))
    html = client.get("/seller/yen-sao-dat-mui/money/").content.decode()
    assert "FT26DEMO0001" in html


def test_the_demo_household_has_tax_withheld_this_month_and_staff_see_it(client):
    """Cô Ba Gần (household, tax profile from marketplace/demo/tax.py) sold by card: 1 % VAT and
    0,5 % PIT of the sale; the cooperative's tax profile withholds nothing."""
    sale = Entry.objects.get(kind="sale", shop__code="co-ba-gan")
    vat = Entry.objects.get(kind="vat", shop__code="co-ba-gan")
    pit = Entry.objects.get(kind="pit", shop__code="co-ba-gan")
    assert (vat.amount, pit.amount) == ((sale.amount * 100 + 5000) // 10000, (sale.amount * 50 + 5000) // 10000)
    assert not Entry.objects.filter(kind__in=["vat", "pit"], shop__code="htx-ba-khia-dam-doi").exists()
    client.force_login(get_user_model().objects.get(email="staff@demo.ocop.vn"))
    month = sale.booked_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).strftime("%Y-%m")
    text = client.get(f"/dashboard/tax/withholding.csv?month={month}").content.decode("utf-8-sig")
    row = next(line for line in text.splitlines() if line.startswith("co-ba-gan,"))
    assert row.endswith(f",{sale.amount},{vat.amount},{pit.amount}")


def test_the_published_rules_pages_show_the_demo_fees_and_the_real_deadlines(client):
    """/chuong-trinh/bieu-phi/: free now, 2 % announced for a later month (marketplace/demo/fees.py);
    the ranking page and the returns page print what the code and the settings do."""
    current, upcoming = FeeRate.objects.order_by("valid_from")
    assert current.basis_points == 0 and upcoming.basis_points == 200
    assert upcoming.announced_by.email == "staff@demo.ocop.vn"
    assert (upcoming.valid_from - today_local()).days >= settings.FEE_CHANGE_NOTICE_DAYS
    html = client.get("/chuong-trinh/bieu-phi/").content.decode()
    assert "không thu phí" in html and f"Áp dụng từ {upcoming.valid_from:%d/%m/%Y}" in html
    html = client.get("/chuong-trinh/cach-xep-hang-san-pham/").content.decode()
    assert "Các yếu tố xếp hạng" in html and "Trả tiền không mua được thứ hạng" in html
    html = client.get("/chinh-sach-doi-tra-khieu-nai/").content.decode()
    assert f"{settings.COMPLAINT_WINDOW_DAYS} ngày để gửi yêu cầu" in html
    assert "3 ngày kể từ khi nhận" not in html  # the old hand-typed deadline is gone
    rules = client.get("/chuong-trinh/").content.decode().split("Quy định của sàn</h2>", 1)[1]
    assert 'href="/chuong-trinh/bieu-phi/"' in rules and 'href="/quy-che-hoat-dong/"' in rules


def test_a_demo_owner_sees_a_pending_invitation_and_helpers_are_members(client):
    invitation = ShopInvitation.objects.get()
    assert (invitation.status, invitation.role, invitation.email) == (
        "pending", "staff", "nhanvien-moi@demo.ocop.vn",
    )
    assert not get_user_model().objects.filter(email=invitation.email).exists()
    owner = invitation.invited_by
    assert owner.email == f"seller-{invitation.shop.code}@demo.ocop.vn"
    client.force_login(owner)
    page = client.get(f"/seller/{invitation.shop.code}/members/").content.decode()
    assert "Lời mời đang chờ" in page and "nhanvien-moi@demo.ocop.vn" in page
    assert ShopMember.objects.active().filter(role="helper").exclude(consent_note="").count() == 2


def test_the_demo_buyer_has_consents_and_requests_and_staff_a_correction_to_answer(client):
    buyer = get_user_model().objects.get(email="buyer@demo.ocop.vn")
    marketing = list(ConsentEvent.objects.filter(user=buyer, purpose="marketing_email")
                     .order_by("created_at", "pk").values_list("action", flat=True))
    assert marketing == ["given", "withdrawn"]
    shared = ConsentEvent.objects.filter(user=buyer, purpose="share_address_with_shop", source="checkout")
    assert shared.exists() and set(shared.values_list("purchase__user", flat=True)) == {buyer.pk}
    assert set(shared.values_list("notice__version", flat=True)) == {"v1"}
    assert sorted(PrivacyRequest.objects.filter(user=buyer).values_list("kind", "state")) == [
        ("correction", "received"), ("export", "done")]
    upcoming = PrivacyNotice.objects.get(version="v2")
    assert upcoming.effective_on > today_local()
    client.force_login(get_user_model().objects.get(email="staff@demo.ocop.vn"))
    waiting = client.get("/dashboard/privacy/?status=received").content.decode()
    assert "buyer@demo.ocop.vn" in waiting and "Sửa dữ liệu" in waiting
    page = client.get("/chinh-sach-bao-ve-du-lieu-ca-nhan/")
    assert page.status_code == 200 and "Phiên bản v1" in page.content.decode()


def test_the_demo_has_shop_vouchers_on_the_honey_shop_and_another_and_a_programme_voucher(client):
    Voucher = get_model("voucher", "Voucher")
    honey = Product.objects.get(title="Mật ong U Minh Hạ").shop
    vouchers = {v.code: v for v in Voucher.objects.prefetch_related("offers")}
    assert set(vouchers) == {HONEY_CODE, OTHER_CODE, PROGRAMME_CODE}
    payers = {code: v.offers.get().shop_id for code, v in vouchers.items()}
    assert payers[HONEY_CODE] == honey.pk
    assert payers[OTHER_CODE] not in (None, honey.pk) and payers[PROGRAMME_CODE] is None
    assert all(v.is_active() for v in vouchers.values())
    listed = listed_shop_vouchers([honey.pk, payers[OTHER_CODE]])
    assert [v.code for v in listed[honey.pk]] == [HONEY_CODE]
    owner = ShopMember.objects.filter(shop=honey, role="owner").first().user
    client.force_login(owner)
    assert HONEY_CODE in client.get(f"/seller/{honey.code}/vouchers/").content.decode()


def test_second_run_changes_nothing():
    before = fingerprint()
    call_command("load_demo", quiet=True)
    assert fingerprint() == before


def test_second_run_keeps_a_changed_password():
    User = get_user_model()
    buyer = User.objects.get(email="buyer@demo.ocop.vn")
    buyer.set_password("changed-by-the-buyer")
    buyer.save()
    call_command("load_demo", quiet=True)
    buyer.refresh_from_db()
    assert buyer.check_password("changed-by-the-buyer")


@pytest.mark.django_db
def test_ocop_groups_exist_after_migrate_without_the_demo():
    """The six OCOP groups of Decision 148/QĐ-TTg are reference data, not demo data."""
    from catalogue.models import Category
    from catalogue.ocop import OCOP_GROUP_CODES, ensure_ocop_categories

    roots = set(Category.get_root_nodes().values_list("code", flat=True))
    assert set(OCOP_GROUP_CODES) <= roots and len(OCOP_GROUP_CODES) == 6
    assert ensure_ocop_categories() == 0  # idempotent


def test_demo_shops_keep_no_application_document():
    """Approved long ago: the document's kind stays, the file was deleted at the end of its
    retention (shops/retention.py), so the purge has nothing left to do."""
    shops = Partner.objects.all()
    assert all(shop.application_document_kind and not shop.application_document for shop in shops)
    assert all(shop.application_document_purged_at for shop in shops)
    assert application_documents_purge() == 0


def test_the_demo_has_a_past_for_the_staff_figures_trends():
    """Shops approved over the last year and settled purchases over the last weeks
    (marketplace/demo/history.py): the trends on /dashboard/figures/ show more than one bar."""
    from marketplace.core.dates import today_vn
    from marketplace.reports.trends import MONTH, WEEK, trends

    today = today_vn()
    months = trends(MONTH, today)
    assert sum(bucket.new_shops for bucket in months) == Partner.objects.count()
    assert len([bucket for bucket in months if bucket.new_shops]) >= 6
    weeks = trends(WEEK, today)
    assert len([bucket for bucket in weeks if bucket.orders]) >= 4
    assert len([bucket for bucket in weeks if bucket.gmv]) >= 4
    # Orders still waiting for a step are today's: the daily deadlines leave them alone.
    waiting = Order.objects.filter(status="pending")
    assert waiting.exists()
    recent = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1)
    assert all(order.date_placed > recent for order in waiting)
    # A delivered order was placed before it was delivered.
    for order in Order.objects.filter(status="delivered").prefetch_related("shipments"):
        delivered = [s.delivered_at for s in order.shipments.all() if s.delivered_at]
        assert all(order.date_placed < when for when in delivered)
