"""What is withheld when a sale is paid (marketplace/tax/rates.py through the ledger's
post_sale/post_refund): household vs cooperative, the rate in force on the day, the seller's
residence, the payment route setting, and refunds offsetting the tax."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from marketplace.ledger.models import Entry, Kind
from marketplace.order.models import Order
from marketplace.payment.services import purchase_card_paid
from marketplace.tax.models import TaxRate
from marketplace.tax.rates import withholding_for
from tests.factories import card_purchase, make_shop, make_tax_profile, paid_sale, refund_sale

pytestmark = pytest.mark.django_db


def sums(order) -> dict[str, int]:
    out = {}
    for entry in Entry.objects.filter(order=order):
        out[entry.kind] = out.get(entry.kind, 0) + entry.amount
    return out


def local(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour), timezone.get_default_timezone())


def test_a_card_purchase_withholds_for_the_household_and_not_the_cooperative():
    purchase, _products = card_purchase(2, prefix="thue")
    orders = list(Order.objects.filter(purchase=purchase).select_related("shop").order_by("shop__code"))
    household, cooperative = orders[0].shop, orders[1].shop
    make_tax_profile(household, seller_type="household")
    make_tax_profile(cooperative, seller_type="cooperative", tax_code="2100123456")
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_thue")
    for order in orders:
        order.refresh_from_db()
    paid = int(orders[0].amount_paid)
    assert sums(orders[0])[Kind.VAT] == (paid * 100 + 5000) // 10000  # 1 %, half up
    assert sums(orders[0])[Kind.PIT] == (paid * 50 + 5000) // 10000  # 0.5 %
    assert Kind.VAT not in sums(orders[1]) and Kind.PIT not in sums(orders[1])
    assert sums(orders[1])[Kind.SALE] == int(orders[1].amount_paid)


def test_hand_computed_rates_and_half_up_rounding():
    shop = make_shop("ho-a")
    make_tax_profile(shop)
    order = paid_sale(shop, 123_450)
    # 1 % of 123.450 = 1.234,5 → 1.235; 0,5 % = 617,25 → 617
    assert sums(order) == {Kind.SALE: 123_450, Kind.VAT: 1_235, Kind.PIT: 617}


def test_the_rate_in_force_on_the_day_of_payment_applies():
    shop = make_shop("ho-b")
    make_tax_profile(shop)
    TaxRate.objects.create(business_group="goods", valid_from=datetime.date(2026, 3, 1),
                           vat_basis_points=200, pit_basis_points=100, legal_basis="Nghị định giả định")
    before = paid_sale(shop, 1_000_000, at=local(2026, 2, 28, 23))
    after = paid_sale(shop, 1_000_000, at=local(2026, 3, 1, 0))
    assert (sums(before)[Kind.VAT], sums(before)[Kind.PIT]) == (10_000, 5_000)
    assert (sums(after)[Kind.VAT], sums(after)[Kind.PIT]) == (20_000, 10_000)
    assert Entry.objects.get(order=after, kind=Kind.VAT).memo == "2%"


def test_a_non_resident_individual_pays_the_non_resident_pit_rate():
    """Decree 117/2025 art. 5: goods 1 % VAT and 1 % PIT for a non-resident individual."""
    shop = make_shop("ca-nhan-nuoc-ngoai")
    make_tax_profile(shop, seller_type="individual", resident=False)
    order = paid_sale(shop, 1_000_000)
    assert (sums(order)[Kind.VAT], sums(order)[Kind.PIT]) == (10_000, 10_000)
    services = withholding_for(shop, 1_000_000, day=datetime.date(2026, 1, 5), route="card")
    assert services.pit == 10_000
    shop.tax_profile.business_group = "services"
    shop.tax_profile.save()
    shop.refresh_from_db()
    assert withholding_for(shop, 1_000_000, day=datetime.date(2026, 1, 5), route="card").pit == 50_000


def test_money_the_shop_collected_itself_is_not_withheld_by_default(settings):
    shop = make_shop("ho-c")
    make_tax_profile(shop)
    cod = paid_sale(shop, 500_000, route="cod")
    own_account = paid_sale(shop, 500_000, route="shop_transfer")
    programme = paid_sale(shop, 500_000, route="programme_transfer")
    assert Kind.VAT not in sums(cod) and Kind.VAT not in sums(own_account)
    assert sums(programme)[Kind.VAT] == 5_000
    settings.TAX_WITHHOLD_ROUTES = {**settings.TAX_WITHHOLD_ROUTES, "cod": True}
    assert sums(paid_sale(shop, 500_000, route="cod"))[Kind.VAT] == 5_000


def test_refunds_give_the_tax_back_in_proportion_and_the_rest_on_the_last():
    shop = make_shop("ho-d")
    make_tax_profile(shop)
    order = paid_sale(shop, 300_000)  # VAT 3.000, PIT 1.500
    refund_sale(order, 100_000)  # a third: 1.000 and 500
    assert (sums(order)[Kind.VAT_BACK], sums(order)[Kind.PIT_BACK]) == (1_000, 500)
    refund_sale(order, 200_000)  # the rest, whatever the rounding
    assert (sums(order)[Kind.VAT_BACK], sums(order)[Kind.PIT_BACK]) == (3_000, 1_500)


def test_a_shop_without_profile_is_read_from_its_producer_type():
    cooperative = make_shop("htx-e", cooperative=True)
    household = make_shop("ho-e", producer_type="household")
    assert Kind.VAT not in sums(paid_sale(cooperative, 200_000))
    assert sums(paid_sale(household, 200_000))[Kind.VAT] == 2_000
