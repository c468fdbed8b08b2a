"""Issue 3's "done when", end to end with the real search server and Oscar's order code.

A demo seller adds a product with two photos; it is on the storefront and found by a
search without diacritics at once; a buyer orders it together with another shop's product;
the seller sees only its own line and no buyer e-mail, confirms it and hands it to the
carrier; and the other shop's seller cannot see that order at all.
"""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order
from PIL import Image

from catalogue.models import Category, Product
from catalogue.selectors import product_list_public
from marketplace.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

SHOP = "htx-ba-khia-dam-doi"
TITLE = "Khô cá lóc Đầm Dơi loại đặc biệt"


def photo(name: str, colour: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def sign_in(client, email: str):
    assert client.login(username=email, password=settings.DEMO_PASSWORD)


def test_seller_lists_a_product_and_ships_an_order(client, django_capture_on_commit_callbacks):
    sign_in(client, f"seller-{SHOP}@demo.ocop.vn")
    assert client.get("/seller/").url == f"/seller/{SHOP}/"

    category = Category.objects.filter(depth=2).order_by("path").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/seller/{SHOP}/products/new/",
            {
                "title": TITLE,
                "category": category.pk,
                "price": "185.000",
                "stock": "30",
                "description": "<p>Cá lóc đồng <strong>phơi nắng</strong></p><script>alert(1)</script>",
                "photos": [photo("a.png", "orange"), photo("b.png", "teal")],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(title=TITLE)
    assert product.shop.code == SHOP
    assert product.images.count() == 2
    assert "<script>" not in product.description and "<strong>" in product.description
    assert int(product.stockrecords.get().price) == 185_000

    storefront = client.get(f"/shops/{SHOP}/").content.decode()
    assert TITLE in storefront
    found = client.get("/search/", {"q": "kho ca loc dam doi dac biet"}).content.decode()
    assert TITLE in found

    # A buyer orders it with a product of another shop (Oscar's own basket and order code).
    buyer = get_user_model().objects.get(email="buyer@demo.ocop.vn")
    other = product_list_public().exclude(shop__code=SHOP).filter(stockrecords__num_in_stock__gt=0).first()
    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=buyer)
    basket.strategy = Default()
    basket.add_product(product, quantity=2)
    basket.add_product(other, quantity=1)
    order = create_order(basket=basket, user=buyer)
    order.refresh_from_db()  # Oscar hands back the generated number as an int

    orders_page = client.get(f"/seller/{SHOP}/orders/").content.decode()
    assert order.number in orders_page
    detail = client.get(f"/seller/{SHOP}/orders/{order.number}/").content.decode()
    assert TITLE in detail
    assert other.title not in detail
    assert buyer.email not in detail

    response = client.post(
        f"/seller/{SHOP}/orders/{order.number}/status/",
        {"from_status": "pending", "to_status": "confirmed"},
    )
    assert response.status_code == 302
    # Handing over records the parcel: the carrier and its tracking code.
    response = client.post(
        f"/seller/{SHOP}/orders/{order.number}/ship/",
        {"carrier": "ghn", "tracking_code": "GYCYQNYM"},
    )
    assert response.status_code == 302
    line = order.lines.get(product=product)
    assert line.status == "handed_to_carrier"
    assert order.lines.get(product=other).status != "handed_to_carrier"
    history = client.get(f"/seller/{SHOP}/history/").content.decode()
    # (The demo's own purchases leave order events of this shop too: count this order's.)
    events = AuditEvent.objects.filter(shop__code=SHOP, action__startswith="order.", object_id=str(order.pk))
    assert events.count() == 2, list(
        AuditEvent.objects.filter(shop__code=SHOP).values_list("action", flat=True)
    )
    assert "product.created" in set(AuditEvent.objects.filter(shop__code=SHOP).values_list("action", flat=True))
    assert history.count("seller-" + SHOP) >= 1 or "Chủ cửa hàng" in history

    # The other shop's seller cannot see this shop's part of the order, nor its workspace.
    client.logout()
    sign_in(client, f"seller-{other.shop.code}@demo.ocop.vn")
    other_detail = client.get(f"/seller/{other.shop.code}/orders/{order.number}/").content.decode()
    assert TITLE not in other_detail
    assert client.get(f"/seller/{SHOP}/").status_code == 404
    assert client.get(f"/seller/{SHOP}/products/{product.pk}/").status_code == 404
