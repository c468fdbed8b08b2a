"""A purchase the programme's vouchers pay in full (0 ₫ from the buyer, collected at the
shop): the checkout offers only COD (Stripe takes no 0 ₫ payment, a 0 ₫ VietQR asks for
nothing), and the shop is still owed what the programme pays for its voucher — booked when
the order is marked paid, released after the return window like any other order."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.checkout.quote import CheckoutError, basket_quote, option_key
from marketplace.checkout.vouchers import basket_offers_apply, basket_voucher_apply
from marketplace.ledger import posting
from marketplace.ledger.models import Account, Entry, Kind
from marketplace.ledger.selectors import shop_balance
from marketplace.order.models import Order
from marketplace.payment.services import order_mark_paid
from tests.factories import (
    ensure_country,
    make_basket,
    make_option,
    make_product,
    make_shop,
    make_user,
    place,
    reload_basket,
)
from tests.factories.ledger import money_rates
from tests.factories.vouchers import FIXED, make_programme_voucher, make_shop_voucher
from tests.integration.checkout.test_journey import ADDRESS_POST, add_to_basket, commune_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def pickup_shop():
    """A shop whose only delivery is pickup at its door, free; a 100.000 ₫ jar of honey."""
    shop = make_shop("mat-ong", name="HTX Mật ong")
    make_option(shop, "Nhận tại cửa hàng", fee=0)
    return shop, make_product(shop, "Mật ong U Minh", price=100_000, stock=10)


def _free_basket(product, buyer):
    make_programme_voucher("QUATET", amount=100_000)
    basket = make_basket([(product, 1)], owner=buyer)
    basket_voucher_apply(basket=basket, user=buyer, code="QUATET")
    basket = reload_basket(basket)
    basket_offers_apply(basket, user=buyer)
    return basket


def _free_choice(basket):
    part = basket_quote(basket).parts[0]
    return {str(part.shop.pk): option_key(next(o for o in part.options if not o.fee))}


@pytest.mark.parametrize("method", ["card", "bank_transfer"])
def test_a_zero_purchase_cannot_be_paid_by_card_or_transfer_and_the_basket_stays(pickup_shop, method):
    shop, honey = pickup_shop
    buyer = make_user("mua@example.com")
    basket = _free_basket(honey, buyer)
    assert basket_quote(basket, _free_choice(basket)).total == 0
    with pytest.raises(CheckoutError, match="0 ₫"):
        place(basket, user=buyer, payment_method=method, choices=_free_choice(basket))
    assert not Order.objects.exists()
    assert reload_basket(basket).status == "Open"


def test_a_zero_cod_order_earns_the_shop_the_programmes_voucher(pickup_shop, settings):
    settings.COMPLAINT_WINDOW_DAYS = 7
    shop, honey = pickup_shop
    money_rates()  # 5 % fee
    buyer = make_user("mua@example.com")
    basket = _free_basket(honey, buyer)
    order = place(basket, user=buyer, payment_method="cod", choices=_free_choice(basket)).purchase.orders.get()
    assert int(order.total_incl_tax) == 0
    Order.objects.filter(pk=order.pk).update(status="delivered")
    order.refresh_from_db()

    order_mark_paid(order, actor=None, acting_as="staff", note="Giao tận tay, không thu tiền")
    kinds = {e.kind: (e.debit, e.credit, e.amount) for e in Entry.objects.filter(order=order)}
    # No money came in (no sale entry); the programme owes the shop its voucher, less the fee.
    assert Kind.SALE not in kinds and Kind.SALE_SELF not in kinds
    assert kinds[Kind.VOUCHER] == (Account.PROGRAMME_PROMOTIONS, Account.SHOP_PENDING, 100_000)
    assert kinds[Kind.FEE] == (Account.SHOP_PENDING, Account.FEE_INCOME, 5_000)
    assert shop_balance(shop).pending == 95_000
    # Once only, whoever calls again.
    assert posting.post_sale(order, amount=0, route="cod") == []
    assert Entry.objects.filter(order=order).count() == len(kinds)

    # Released after the return window like an order the buyer paid.
    Order.objects.filter(pk=order.pk).update(date_placed=timezone.now() - datetime.timedelta(days=10))
    assert posting.release_due() == 1
    assert shop_balance(shop).payable == 95_000 and shop_balance(shop).pending == 0


def test_an_order_with_nothing_paid_and_no_voucher_books_nothing(pickup_shop):
    shop, honey = pickup_shop
    order = place(make_basket([(honey, 1)]), choices=None).purchase.orders.get()
    assert posting.post_sale(order, amount=0, route="cod") == []
    assert not Entry.objects.filter(order=order).exists()


def test_the_payment_step_offers_only_cod_for_a_zero_purchase(client, pickup_shop):
    shop, honey = pickup_shop
    ensure_country()
    make_programme_voucher("QUATET", amount=100_000)
    add_to_basket(client, honey)
    client.post(reverse("basket-voucher-apply"), {"typed_code": "QUATET"})
    client.get(reverse("checkout:index"))
    response = client.post(reverse("checkout:shipping-address"),
                           {**ADDRESS_POST, "commune": commune_code(), "phone": "0912345678", "email": ""})
    assert response.status_code == 302, response.content.decode()[-1500:]

    page = client.get(reverse("checkout:payment-method")).content.decode()
    assert 'id="nothing-to-pay"' in page and "0 ₫" in page
    card = re.search(r'<input[^>]*value="card"[^>]*>', page).group(0)
    assert "disabled" in card
    cod = re.search(r'<input[^>]*value="cod"[^>]*>', page).group(0)
    assert "checked" in cod and "disabled" not in cod
    refused = client.post(reverse("checkout:payment-method"), {"method": "card"})
    assert refused.status_code == 200 and "0 ₫" in refused.content.decode()

    assert client.post(reverse("checkout:payment-method"), {"method": "cod"}).status_code == 302
    review = client.get(reverse("checkout:preview")).content.decode()
    total = int(re.search(r'name="expected_total" value="(\d+)"', review).group(1))
    assert total == 0
    placed = client.post(reverse("checkout:preview"),
                         {"expected_total": total, "accept_terms": "on", "action": "place"})
    assert placed.status_code == 302
    order = Order.objects.get()
    assert int(order.total_incl_tax) == 0 and order.payment_method == "cod"


def test_a_line_returned_before_payment_earns_no_voucher(pickup_shop):
    shop, honey = pickup_shop
    money_rates()  # 5 % fee
    other = make_product(shop, "Mật ong rừng", price=100_000, stock=10)
    buyer = make_user("mua@example.com")
    make_programme_voucher("QUATET", amount=200_000)
    basket = make_basket([(honey, 1), (other, 1)], owner=buyer)
    basket_voucher_apply(basket=basket, user=buyer, code="QUATET")
    basket = reload_basket(basket)
    basket_offers_apply(basket, user=buyer)
    order = place(basket, user=buyer, payment_method="cod", choices=_free_choice(basket)).purchase.orders.get()
    assert int(order.total_incl_tax) == 0
    returned = order.lines.get(product=other)
    type(returned).objects.filter(pk=returned.pk).update(status="returned")
    Order.objects.filter(pk=order.pk).update(status="delivered")
    order.refresh_from_db()
    order_mark_paid(order, actor=None, acting_as="staff")
    kinds = {e.kind: e.amount for e in Entry.objects.filter(order=order)}
    # Only the jar the buyer kept: 100.000 ₫ of voucher, 5 % fee on it.
    assert kinds[Kind.VOUCHER] == 100_000 and kinds[Kind.FEE] == 5_000
    assert shop_balance(shop).pending == 95_000


@pytest.mark.parametrize("method", ["bank_transfer", "card"])
def test_a_free_shop_order_inside_a_paid_purchase_is_cod_with_nothing_to_collect(pickup_shop, method):
    shop, honey = pickup_shop
    fish_shop = make_shop("kho-ca", name="Cơ sở Khô cá")
    make_option(fish_shop, "Giao tận nơi", fee=30_000)
    fish = make_product(fish_shop, "Khô cá lóc", price=200_000, stock=10)
    buyer = make_user("mua@example.com")
    make_shop_voucher(shop, code="TANGMATONG", kind=FIXED, value=100_000)
    basket = make_basket([(honey, 1), (fish, 1)], owner=buyer)
    basket_voucher_apply(basket=basket, user=buyer, code="TANGMATONG", shop_id=shop.pk)
    basket = reload_basket(basket)
    basket_offers_apply(basket, user=buyer)
    quote = basket_quote(basket)
    choices = {str(p.shop.pk): option_key(sorted(p.options, key=lambda o: o.fee)[0]) for p in quote.parts}
    purchase = place(basket, user=buyer, payment_method=method, choices=choices).purchase
    free, paid = purchase.orders.get(shop=shop), purchase.orders.get(shop=fish_shop)
    assert int(free.total_incl_tax) == 0 and int(purchase.total) == 230_000
    assert (free.payment_method, free.payment_status) == ("cod", "cod_due")
    assert not free.transfer_payee  # no VietQR of 0 ₫
    assert paid.payment_method == method
    if method == "card":
        from marketplace.payment.services import purchase_card_paid

        assert purchase_card_paid(purchase, amount=230_000, reference="pi_mixed") == "paid"
        free.refresh_from_db()
        assert free.payment_status == "cod_due"  # not "paid" by the card, nothing booked yet
        assert not Entry.objects.filter(order=free).exists()
        assert Entry.objects.filter(order=paid, kind=Kind.SALE, amount=230_000).exists()


def test_the_cod_limits_do_not_close_a_zero_purchase(pickup_shop, settings):
    shop, honey = pickup_shop
    settings.COD_MAX_QUANTITY_PER_PRODUCT = 1
    buyer = make_user("mua@example.com")
    make_programme_voucher("QUATET", amount=300_000)
    basket = make_basket([(honey, 2)], owner=buyer)
    basket_voucher_apply(basket=basket, user=buyer, code="QUATET")
    basket = reload_basket(basket)
    basket_offers_apply(basket, user=buyer)
    order = place(basket, user=buyer, payment_method="cod", choices=_free_choice(basket)).purchase.orders.get()
    assert int(order.total_incl_tax) == 0 and order.lines.get().quantity == 2
