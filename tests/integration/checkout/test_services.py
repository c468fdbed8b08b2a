"""Placing a purchase: one order per shop, shipping per shop, stock allocated, tampering refused."""

import pytest
from oscar.core.loading import get_model

from catalogue.models import Product
from marketplace.checkout.quote import CheckoutError, basket_quote
from marketplace.order.models import Order, Purchase
from shops.models import Partner, StockRecord
from tests.factories import (
    make_basket,
    make_option,
    make_product,
    make_shop,
    place,
    reload_basket,
)

Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_shops():
    shops = [make_shop(code) for code in ("mat-ong", "tom-kho", "ruou")]
    make_option(shops[0], "Giao tận nơi", fee=30_000)
    make_option(shops[0], "Nhận tại cửa hàng", kind="pickup", fee=0)
    make_option(shops[1], "Miễn phí từ 500k", kind="free_above", fee=25_000, free_above=500_000)
    # shops[2] has no option of its own: the programme default applies.
    products = [
        make_product(shops[0], "Mật ong U Minh", price=180_000, stock=10),
        make_product(shops[1], "Tôm khô Rạch Gốc", price=550_000, stock=3),
        make_product(shops[2], "Rượu hoa dừa", price=120_000, stock=5),
    ]
    return shops, products


def test_one_order_per_shop_with_its_own_shipping(three_shops, settings):
    shops, products = three_shops
    basket = make_basket([(products[0], 2), (products[1], 1), (products[2], 1)])
    quote = basket_quote(basket)
    pickup = next(o for o in quote.parts if o.shop == shops[0]).options[1]
    choices = {str(shops[0].pk): str(pickup.pk), str(shops[1].pk): str(shops[1].shipping_options.get().pk),
               str(shops[2].pk): "default"}
    placement = place(basket, choices=choices)
    purchase = placement.purchase
    assert placement.created
    orders = {o.shop: o for o in purchase.orders.all()}
    assert set(orders) == set(shops)
    assert orders[shops[0]].total_incl_tax == 360_000  # pickup: no fee
    assert orders[shops[1]].total_incl_tax == 550_000  # free above 500k
    assert orders[shops[2]].total_incl_tax == 120_000 + settings.CHECKOUT_DEFAULT_SHIPPING_FEE
    assert purchase.total == sum(int(o.total_incl_tax) for o in orders.values())
    assert purchase.status == Purchase.Status.PLACED
    assert {o.payment_status for o in orders.values()} == {Order.PaymentStatus.COD_DUE}
    assert {o.number for o in orders.values()} == {f"{purchase.number}-{i}" for i in (1, 2, 3)}
    for order in orders.values():
        assert {line.partner_id for line in order.lines.all()} == {order.shop_id}
    record = StockRecord.objects.get(product=products[1])
    assert record.num_allocated == 1


def test_second_submit_of_the_same_basket_returns_the_same_purchase(three_shops):
    _, products = three_shops
    basket = make_basket([(products[0], 1)])
    first = place(basket)
    second = place(basket)
    assert not second.created and second.purchase.pk == first.purchase.pk
    assert Purchase.objects.count() == 1 and Order.objects.count() == 1


def test_short_stock_places_nothing_and_explains(three_shops):
    _, products = three_shops
    basket = make_basket([(products[0], 1), (products[1], 2)])
    StockRecord.objects.filter(product=products[1]).update(num_allocated=2)  # someone bought 2 of 3
    with pytest.raises(CheckoutError) as excinfo:
        place(basket)
    assert "Tôm khô Rạch Gốc" in str(excinfo.value)
    assert Purchase.objects.count() == 0 and Order.objects.count() == 0
    assert StockRecord.objects.get(product=products[0]).num_allocated == 0


def test_suspended_shop_mid_checkout_is_explained(three_shops):
    shops, products = three_shops
    basket = make_basket([(products[0], 1), (products[2], 1)])
    Partner.objects.filter(pk=shops[2].pk).update(status=Partner.Status.SUSPENDED)
    with pytest.raises(CheckoutError) as excinfo:
        place(basket)
    assert "tạm ngưng" in str(excinfo.value)
    assert Purchase.objects.count() == 0


def test_changed_total_and_foreign_shipping_option_are_refused(three_shops):
    shops, products = three_shops
    basket = make_basket([(products[0], 1)])
    with pytest.raises(CheckoutError):
        place(basket, expected_total=1)
    other_shop_option = make_option(shops[1], "Của shop khác", fee=0)
    with pytest.raises(CheckoutError):
        place(basket, choices={str(shops[0].pk): str(other_shop_option.pk)})
    assert Purchase.objects.count() == 0


# --- a product buyers may no longer see ------------------------------------------------------


@pytest.mark.parametrize("change", [
    {"is_public": False},
    {"moderation_status": "pending"},
])
def test_a_product_hidden_after_it_was_added_is_refused_at_placement(three_shops, change):
    _, products = three_shops
    basket = make_basket([(products[0], 1), (products[1], 1)])
    Product.objects.filter(pk=products[1].pk).update(**change)
    basket = reload_basket(basket)

    with pytest.raises(CheckoutError) as refused:
        place(basket)

    assert any("Tôm khô Rạch Gốc" in m and "không còn được bán" in m for m in refused.value.messages)
    assert Purchase.objects.count() == 0 and Order.objects.count() == 0
    basket = reload_basket(basket)
    assert basket.status == basket.OPEN and basket.num_lines == 2
    assert StockRecord.objects.get(product=products[0]).num_allocated == 0


def test_placement_rechecks_in_its_transaction_a_product_hidden_after_the_basket_checks(three_shops):
    _, products = three_shops
    basket = make_basket([(products[0], 1)])
    loaded = basket.all_lines()[0].product  # loaded (public) before the seller hides it
    Product.objects.filter(pk=products[0].pk).update(is_public=False)
    assert loaded.is_public  # so the basket's own checks still pass

    with pytest.raises(CheckoutError):
        place(basket)

    assert Purchase.objects.count() == 0
    assert reload_basket(basket).status == Basket.OPEN


def test_the_basket_page_marks_a_line_no_longer_for_sale(client, three_shops):
    _, products = three_shops
    client.post(f"/basket/add/{products[0].pk}/", {"quantity": 1})
    Product.objects.filter(pk=products[0].pk).update(is_public=False)

    html = client.get("/basket/").content.decode()

    assert 'class="availability not_for_sale"' in html and "Không còn bán" in html
