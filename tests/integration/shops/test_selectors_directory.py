"""The shop directory, storefronts (disclosure, OCOP first, rating, pages) and suspension."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from catalogue.models import Product
from search.indexing import rebuild_index
from search.query import SearchParams, search_products
from shops.models import Partner
from shops.selectors import shop_rating
from shops.services import shop_reinstate, shop_suspend
from shops.views import STOREFRONT_PAGE_SIZE
from tests.factories import commune_code, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ProductReview = get_model("reviews", "ProductReview")


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def shops(db):
    honey = make_shop(name="HTX Mật ong U Minh", commune_code=commune_code(0))
    honey.producer_type = Partner.ProducerType.COOPERATIVE
    honey.save()
    fish = make_shop(name="Cơ sở Khô cá Sông Đốc", commune_code=commune_code(1))
    fish.producer_type = Partner.ProducerType.HOUSEHOLD
    fish.save()
    waiting = make_shop(
        name="Cửa hàng chờ duyệt", commune_code=commune_code(0), status=Partner.Status.PENDING
    )
    return {"honey": honey, "fish": fish, "waiting": waiting}


def names(response) -> list[str]:
    return [shop.name for shop in response.context["shops"]]


def test_directory_lists_approved_shops_only(client, shops):
    response = client.get("/shops/")
    assert response.status_code == 200
    assert names(response) == ["Cơ sở Khô cá Sông Đốc", "HTX Mật ong U Minh"]


def test_directory_filters_by_commune_and_type(client, shops):
    by_commune = client.get("/shops/", {"commune": commune_code(0)})
    assert names(by_commune) == ["HTX Mật ong U Minh"]
    by_type = client.get("/shops/", {"type": "household"})
    assert names(by_type) == ["Cơ sở Khô cá Sông Đốc"]
    both = client.get("/shops/", {"commune": commune_code(0), "type": "household"})
    assert names(both) == []
    assert "Không có cửa hàng nào phù hợp" in both.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "commune=abc",
        "commune=999999",
        "type=farm",
        "commune=-1&type=<script>",
        "page=zz",
        "page=99",
    ],
)
def test_bad_directory_filters_are_ignored_with_a_message(client, shops, query):
    response = client.get("/shops/?" + query)
    assert response.status_code == 200
    assert len(names(response)) == 2
    if not query.startswith("page"):
        assert any("Bộ lọc không hợp lệ" in m for m in texts(response))


def test_a_good_filter_is_kept_when_the_other_is_bad(client, shops):
    response = client.get("/shops/", {"commune": commune_code(1), "type": "farm"})
    assert names(response) == ["Cơ sở Khô cá Sông Đốc"]


def test_storefront_shows_the_legal_disclosure(client, shops):
    shop = shops["honey"]
    shop.legal_name = "Hợp tác xã Mật ong U Minh Hạ"
    shop.registration_number = "2001234567"
    shop.phone = "+84912345678"
    shop.street_address = "Ấp 7"
    shop.save()
    response = client.get(f"/shops/{shop.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    for value in (
        "Hợp tác xã Mật ong U Minh Hạ",
        "2001234567",
        "+84912345678",
        "Ấp 7",
        shop.commune_name,
    ):
        assert value in body


@pytest.mark.parametrize(
    "status", [Partner.Status.PENDING, Partner.Status.REJECTED, Partner.Status.SUSPENDED]
)
def test_storefront_of_a_shop_not_approved_is_404(client, shops, status):
    shop = shops["honey"]
    Partner.objects.filter(pk=shop.pk).update(status=status)
    assert client.get(f"/shops/{shop.code}/").status_code == 404


def test_storefront_paginates_with_ocop_products_first(client, shops):
    shop = shops["honey"]
    now = timezone.now()
    for n in range(STOREFRONT_PAGE_SIZE + 3):
        make_product(shop, f"Mật ong chai {n}", created=now - datetime.timedelta(hours=n))
    # older products, but OCOP-certified: they come first, most stars first
    three = make_product(
        shop, "Mật ong OCOP 3 sao", stars=3, created=now - datetime.timedelta(days=30)
    )
    four = make_product(
        shop, "Mật ong OCOP 4 sao", stars=4, created=now - datetime.timedelta(days=40)
    )

    first = client.get(f"/shops/{shop.code}/")
    assert first.status_code == 200
    products = list(first.context["products"])
    assert len(products) == STOREFRONT_PAGE_SIZE
    assert [p.pk for p in products[:3]] == [four.pk, three.pk, products[2].pk]
    assert products[2].title == "Mật ong chai 0"  # then the newest
    assert 'rel="next"' in first.content.decode()

    second = client.get(f"/shops/{shop.code}/", {"page": 2})
    assert len(second.context["products"]) == 5
    seen = {p.pk for p in products} | {p.pk for p in second.context["products"]}
    assert len(seen) == STOREFRONT_PAGE_SIZE + 5

    for bad in ("0", "abc", "999"):
        assert client.get(f"/shops/{shop.code}/", {"page": bad}).status_code == 200


def test_storefront_rating_averages_approved_reviews_in_one_query(client, shops):
    shop = shops["honey"]
    honey = make_product(shop, "Mật ong U Minh")
    wax = make_product(shop, "Sáp ong")
    other = make_product(shops["fish"], "Khô cá lóc")
    for n, (product, score, status) in enumerate(
        [
            (honey, 5, ProductReview.APPROVED),
            (wax, 4, ProductReview.APPROVED),
            (honey, 1, ProductReview.FOR_MODERATION),  # not counted: not approved
            (other, 1, ProductReview.APPROVED),  # not counted: another shop
        ]
    ):
        ProductReview.objects.create(
            product=product,
            score=score,
            title="Ngon",
            body="Ngon",
            status=status,
            user=make_user(f"mua{n}@example.vn"),
        )
    with CaptureQueriesContext(connection) as queries:
        rating = shop_rating(shop=shop)
    assert len(queries) == 1
    assert (rating.average, rating.count) == (4.5, 2)
    body = client.get(f"/shops/{shop.code}/").content.decode()
    assert "từ 2 đánh giá" in body
    assert shop_rating(shop=shops["waiting"]).count == 0


def search_ids(q: str) -> list[int]:
    return search_products(SearchParams.from_data({"q": q})).ids


@pytest.mark.search
def test_suspension_hides_products_at_once_and_keeps_orders(
    client, shops, search_settings, django_capture_on_commit_callbacks
):
    shop = shops["honey"]
    staff = make_user("canbo@example.vn", is_staff=True)
    honey = make_product(shop, "Mật ong rừng tràm", price=180_000, stars=4)
    make_product(shops["fish"], "Khô cá lóc", price=250_000)
    rebuild_index()
    assert search_ids("mat ong rung tram") == [honey.pk]

    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(honey)
    order = create_order(basket=basket)
    assert order.lines.get().partner == honey.stockrecords.get().partner

    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop=shop, actor=staff, reason="Khiếu nại")
    assert search_ids("mat ong rung tram") == []
    assert "Mật ong rừng tràm" not in client.get("/search/", {"q": "mat ong"}).content.decode()
    assert "Mật ong rừng tràm" not in client.get("/catalogue/").content.decode()
    assert client.get(honey.get_absolute_url()).status_code == 404
    assert client.get(f"/shops/{shop.code}/").status_code == 404
    # the order is kept, untouched
    assert Order.objects.filter(pk=order.pk, lines__product=honey).exists()
    # the other shop's products stay
    assert "Khô cá lóc" in client.get("/catalogue/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        shop_reinstate(shop=shop, actor=staff)
    assert search_ids("mat ong rung tram") == [honey.pk]
    assert "Mật ong rừng tràm" in client.get("/catalogue/").content.decode()
    assert client.get(honey.get_absolute_url()).status_code == 200
    assert Decimal(order.total_incl_tax) > 0


def test_directory_counts_only_products_a_buyer_can_see(client, shops):
    """Hidden and unmoderated products are not in a shop card's count; a product with options
    counts once (its options carry the shop too, but are not products a buyer sees)."""
    honey = shops["honey"]
    make_product(honey, "Mật ong hoa tràm")
    make_product(honey, "Mật ong ẩn", is_public=False)
    pending = make_product(honey, "Mật ong chờ kiểm duyệt")
    Product.objects.filter(pk=pending.pk).update(moderation_status=Product.Moderation.PENDING)
    parent = make_product(honey, "Mật ong các cỡ", price=None)
    Product.objects.filter(pk=parent.pk).update(structure=Product.PARENT)
    for size in ("250 ml", "500 ml"):
        child = make_product(honey, f"Mật ong {size}")
        Product.objects.filter(pk=child.pk).update(structure=Product.CHILD, parent=parent)

    response = client.get("/shops/")

    counts = {shop.name: shop.product_count for shop in response.context["shops"]}
    assert counts == {honey.name: 2, shops["fish"].name: 0}
