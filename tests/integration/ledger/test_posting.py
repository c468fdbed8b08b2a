"""marketplace/ledger/posting.py: what each money event writes, hand-computed.

Shops are household businesses unless made cooperatives (`make_shop(cooperative=True)`); a
household's sale paid to the programme has 1 % VAT and 0.5 % PIT withheld (Decree 117/2025).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from marketplace.complaints.models import Complaint
from marketplace.ledger import posting
from marketplace.ledger.models import Account, Entry, FeeRate, Kind
from marketplace.ledger.selectors import shop_balance
from marketplace.order.models import Order, Purchase
from marketplace.payment.refunds import order_refund
from marketplace.payment.services import order_mark_paid, purchase_card_paid
from marketplace.tax.models import BusinessGroup, TaxRate
from tests.factories.catalogue import make_product
from tests.factories.orders import make_basket, place
from tests.factories.shops import make_option, make_shop
from tests.factories.users import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fee_rate(db):
    """No programme fee here (the folder's conftest sets 5 % for the settlement tests)."""
    return None


def _purchase(method: str, shops_prices: list[tuple], quantity: int = 2) -> Purchase:
    """One purchase of `quantity` × a product per shop; [(shop, price), ...]; no delivery fee."""
    items = []
    for shop, price in shops_prices:
        make_option(shop, "Giao miễn phí", fee=0)
        items.append((make_product(shop, f"Sản phẩm {shop.code}", price=price, stock=10), quantity))
    placement = place(make_basket(items), payment_method=method)
    return placement.purchase


def _order(purchase: Purchase, shop) -> Order:
    return Order.objects.get(purchase=purchase, shop=shop)


def _kinds(order) -> dict[str, int]:
    return {e.kind: e.amount for e in Entry.objects.filter(order=order)}


def test_card_sale_of_a_household_withholds_vat_and_pit_a_cooperatives_does_not():
    household, coop = make_shop("ho-mat-ong"), make_shop("htx-tom", cooperative=True)
    purchase = _purchase("card", [(household, 100_000), (coop, 150_000)])
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_1")

    house_order, coop_order = _order(purchase, household), _order(purchase, coop)
    assert _kinds(house_order) == {Kind.SALE: 200_000, Kind.VAT: 2_000, Kind.PIT: 1_000}
    assert _kinds(coop_order) == {Kind.SALE: 300_000}
    sale = Entry.objects.get(order=house_order, kind=Kind.SALE)
    assert (sale.debit, sale.credit, sale.route) == (Account.PROGRAMME_CASH, Account.SHOP_PENDING, "card")
    assert shop_balance(household).pending == 197_000
    assert shop_balance(coop).pending == 300_000
    assert shop_balance(household).payable == 0


def test_a_sale_is_posted_once():
    shop = make_shop("mot-lan")
    purchase = _purchase("card", [(shop, 50_000)])
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_2")
    order = _order(purchase, shop)
    assert posting.post_sale(order, amount=100_000, route="card") == []
    assert Entry.objects.filter(order=order).count() == 3


def test_refunds_give_back_tax_in_proportion_and_all_of_it_on_the_last():
    shop = make_shop("hoan-tien")
    purchase = _purchase("card", [(shop, 33_333)], quantity=3)  # 99.999 ₫: VAT 1.000, PIT 500
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_3")
    order = _order(purchase, shop)
    assert _kinds(order) == {Kind.SALE: 99_999, Kind.VAT: 1_000, Kind.PIT: 500}

    posting.post_refund(order, amount=33_333, reference="re_1")
    backs = {e.kind: e.amount for e in Entry.objects.filter(order=order, kind__in=[Kind.VAT_BACK, Kind.PIT_BACK])}
    assert backs == {Kind.VAT_BACK: 333, Kind.PIT_BACK: 167}  # 1.000/3 and 500/3 rounded half up
    posting.post_refund(order, amount=66_666, reference="re_2")

    def net(taken, back):
        entries = Entry.objects.filter(order=order)
        return sum(e.amount for e in entries if e.kind == taken) - sum(e.amount for e in entries if e.kind == back)

    assert net(Kind.VAT, Kind.VAT_BACK) == 0 and net(Kind.PIT, Kind.PIT_BACK) == 0
    assert shop_balance(shop).pending == 0


def test_a_refund_through_the_payment_service_posts_once(settings):
    shop = make_shop("hoan-thu-cong")
    purchase = _purchase("bank_transfer", [(shop, 100_000)])
    order = _order(purchase, shop)
    staff = make_staff()
    order_mark_paid(order, actor=staff, acting_as="staff")
    order_refund(Order.objects.get(pk=order.pk), amount=50_000, actor=staff, acting_as="staff")
    refund = Entry.objects.get(order=order, kind=Kind.REFUND)
    assert (refund.amount, refund.debit, refund.credit) == (50_000, Account.SHOP_PENDING, Account.PROGRAMME_CASH)
    assert shop_balance(shop).pending == 200_000 - 3_000 - 50_000 + 750


def test_cod_the_shop_collects_is_not_owed_and_by_default_not_withheld():
    shop = make_shop("cod-tu-thu")
    purchase = _purchase("cod", [(shop, 120_000)])
    order = _order(purchase, shop)
    order_mark_paid(order, actor=make_staff(), acting_as="staff")
    assert _kinds(order) == {Kind.SALE_SELF: 240_000}
    balance = shop_balance(shop)
    assert (balance.owed, balance.collected_self) == (0, 240_000)


@override_settings(TAX_WITHHOLD_ROUTES={"card": True, "programme_transfer": True, "cod": True, "shop_transfer": False})
def test_withholding_on_cod_when_the_setting_says_so_is_owed_by_the_shop():
    shop = make_shop("cod-khau-tru")
    purchase = _purchase("cod", [(shop, 120_000)])
    order = _order(purchase, shop)
    order_mark_paid(order, actor=make_staff(), acting_as="staff")
    assert _kinds(order) == {Kind.SALE_SELF: 240_000, Kind.VAT: 2_400, Kind.PIT: 1_200}
    assert shop_balance(shop).pending == -3_600  # the shop owes what was withheld for it


def test_the_rate_in_force_on_the_day_of_payment_applies():
    shop = make_shop("thue-moi")
    purchase = _purchase("card", [(shop, 100_000)])
    order = _order(purchase, shop)
    TaxRate.objects.create(business_group=BusinessGroup.GOODS, valid_from=datetime.date(2027, 1, 1),
                           vat_basis_points=200, pit_basis_points=100, legal_basis="Nghị định giả định 2027")
    before = timezone.make_aware(datetime.datetime(2026, 12, 31, 23, 0))
    posting.post_sale(order, amount=200_000, route="card", at=before)
    assert _kinds(order) == {Kind.SALE: 200_000, Kind.VAT: 2_000, Kind.PIT: 1_000}

    shop2 = make_shop("thue-moi-2")
    order2 = _order(_purchase("card", [(shop2, 100_000)]), shop2)
    after = timezone.make_aware(datetime.datetime(2027, 1, 1, 0, 30))  # Asia/Ho_Chi_Minh
    posting.post_sale(order2, amount=200_000, route="card", at=after)
    assert _kinds(order2) == {Kind.SALE: 200_000, Kind.VAT: 4_000, Kind.PIT: 2_000}


def test_programme_fee_per_category_rate():
    shop = make_shop("co-phi")
    FeeRate.objects.create(category=None, valid_from=datetime.date(2025, 1, 1), basis_points=250)
    purchase = _purchase("card", [(shop, 100_000)])
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_fee")
    order = _order(purchase, shop)
    assert _kinds(order)[Kind.FEE] == 5_000
    assert shop_balance(shop).pending == 200_000 - 5_000 - 3_000


def _delivered(order, *, days_ago: int):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Order.objects.filter(pk=order.pk).update(status="delivered", date_placed=when)


def test_release_after_the_return_window_once_and_not_while_a_case_is_open(settings):
    settings.COMPLAINT_WINDOW_DAYS = 7
    shop, other = make_shop("giai-ngan"), make_shop("dang-khieu-nai")
    purchase = _purchase("card", [(shop, 100_000), (other, 50_000)])
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_rel")
    order, disputed = _order(purchase, shop), _order(purchase, other)
    _delivered(order, days_ago=3)
    _delivered(disputed, days_ago=10)
    Complaint.objects.create(
        order=disputed, shop=other, kind="return", reason="damaged", message="Vỡ",
        delivered_at=timezone.now() - datetime.timedelta(days=10), shop_answer_due=timezone.now(),
    )
    assert posting.release_due() == 0

    later = timezone.now() + datetime.timedelta(days=5)
    assert posting.release_due(now=later) == 1
    assert posting.release_due(now=later) == 0
    release = Entry.objects.get(order=order, kind=Kind.RELEASE)
    assert release.amount == 197_000
    assert release.booked_at <= later
    assert shop_balance(shop).payable == 197_000 and shop_balance(shop).pending == 0
    assert shop_balance(other).payable == 0
    # Payable "as of" the day before the window ended excludes it.
    assert shop_balance(shop, as_of=release.booked_at - datetime.timedelta(seconds=1)).payable == 0


def test_a_refund_after_release_comes_out_of_the_payable_balance():
    shop = make_shop("hoan-sau")
    purchase = _purchase("card", [(shop, 100_000)])
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_late")
    order = _order(purchase, shop)
    _delivered(order, days_ago=30)
    assert posting.release_due() == 1
    posting.post_refund(order, amount=200_000, reference="re_all")
    balance = shop_balance(shop)
    assert (balance.pending, balance.payable) == (0, 0)


def test_the_database_refuses_unbalanced_or_edited_entries():
    shop = make_shop("so-cai")
    purchase = _purchase("card", [(shop, 10_000)])
    purchase_card_paid(purchase, amount=purchase.total, reference="pi_db")
    entry = Entry.objects.filter(shop=shop).first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET amount = amount + 1 WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(shop=shop, kind=Kind.SALE, debit=Account.PROGRAMME_CASH,
                             credit=Account.PROGRAMME_CASH, amount=5, booked_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(shop=shop, kind=Kind.SALE, debit=Account.PROGRAMME_CASH,
                             credit=Account.SHOP_PENDING, amount=0, booked_at=timezone.now())
    with pytest.raises(ValueError):
        entry.delete()
    entry.refresh_from_db()
    assert entry.amount == 20_000


@pytest.mark.django_db(transaction=True)
def test_the_statutory_rates_come_back_after_a_flush():
    """A transactional test's flush empties every table; post_migrate puts the rows back."""
    from django.core.management import call_command

    from marketplace.tax.models import RevenueThreshold

    TaxRate.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    goods = TaxRate.objects.get(business_group=BusinessGroup.GOODS, valid_from=datetime.date(2025, 7, 1))
    assert (goods.vat_basis_points, goods.pit_basis_points, goods.pit_nonresident_basis_points) == (100, 50, 100)
    assert TaxRate.objects.count() == 3
    assert RevenueThreshold.objects.get().amount == 1_000_000_000


def test_who_the_buyer_was_told_to_pay_is_fixed_when_the_order_is_placed():
    """A shop that changes its bank settings while transfers are on their way moves no money:
    the QR, the matching and the ledger all follow what the buyer was shown at placement."""
    from marketplace.payment.services import purchase_transfer_orders
    from marketplace.payment.transfer import order_transfer_qr, purchase_transfer_qr

    own = make_shop("tk-rieng", bank_bin="970436", bank_account_number="0011001234567",
                    bank_account_name="HTX TK RIENG")
    via_programme = make_shop("tk-chuong-trinh", bank_bin="970422", bank_account_number="0987654321",
                              bank_account_name="HTX QUA CT", transfers_to_shop=False)
    purchase = _purchase("bank_transfer", [(own, 100_000), (via_programme, 50_000)])
    own_order, programme_order = _order(purchase, own), _order(purchase, via_programme)
    assert (own_order.transfer_payee, programme_order.transfer_payee) == ("shop", "programme")

    # Both shops flip their setting after the buyer saw the QRs.
    own.transfers_to_shop = False
    own.save()
    via_programme.transfers_to_shop = True
    via_programme.save()
    own_order.refresh_from_db()
    programme_order.refresh_from_db()
    assert order_transfer_qr(own_order).payee.account == "0011001234567"
    assert order_transfer_qr(programme_order) is None
    assert purchase_transfer_qr(purchase).amount == 100_000  # the programme's order only
    assert [o.pk for o in purchase_transfer_orders(purchase)] == [programme_order.pk]

    staff = make_staff()
    order_mark_paid(own_order, actor=staff, acting_as="staff")
    order_mark_paid(programme_order, actor=staff, acting_as="staff")
    assert Entry.objects.get(order=own_order, kind__in=[Kind.SALE, Kind.SALE_SELF]).route == "shop_transfer"
    assert Entry.objects.get(order=programme_order, kind__in=[Kind.SALE, Kind.SALE_SELF]).route == "programme_transfer"
    assert shop_balance(own).owed == 0  # the shop got its money itself
    assert shop_balance(via_programme).pending == 100_000 - 1_000 - 500
