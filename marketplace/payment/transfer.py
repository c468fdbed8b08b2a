"""Bank transfer by VietQR: who is paid, and the QR the buyer scans.

The payee of a shop order is the shop's own account when it has set one (seller workspace),
else the programme's account (settings VIETQR_*), which then pays the shop. The orders the
programme collects are paid together: **one** QR for the purchase, memo `OCOP <purchase
number>`, amount the sum still due on them (`purchase_transfer_qr`). A shop with its own
account keeps a QR of its own order, memo `OCOP <order number>` (`order_transfer_qr`).
The bank-credit webhook matches both memos (marketplace/payment/bank.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from marketplace.order.models import Order
from marketplace.payment import vietqr
from marketplace.payment.banks import bank_name


@dataclass(frozen=True)
class Payee:
    bank_bin: str
    account: str
    name: str
    is_programme: bool

    @property
    def bank(self) -> str:
        return bank_name(self.bank_bin) or self.bank_bin


@dataclass(frozen=True)
class TransferQR:
    payee: Payee
    amount: int
    memo: str
    payload: str
    orders: tuple[str, ...] = ()  # the order numbers the transfer pays (a purchase's QR)
    deadline: datetime.datetime | None = None  # after it the orders are cancelled (TRANSFER_PAYMENT_HOURS)

    @property
    def data_uri(self) -> str:
        return vietqr.qr_data_uri(self.payload, scale=6)


def transfer_deadline(placed: datetime.datetime | None) -> datetime.datetime | None:
    """When an order placed at `placed` and still awaiting its transfer is cancelled
    (`manage.py orders_release_unconfirmed`); None when the setting is 0 (never)."""
    hours = settings.TRANSFER_PAYMENT_HOURS
    if not hours or placed is None:
        return None
    return placed + datetime.timedelta(hours=hours)


def _shop_payee(shop) -> Payee | None:
    if shop is not None and shop.bank_bin and shop.bank_account_number:
        return Payee(shop.bank_bin, shop.bank_account_number, shop.bank_account_name, False)
    return None


def _programme_payee() -> Payee | None:
    if settings.VIETQR_BANK_BIN and settings.VIETQR_ACCOUNT_NUMBER:
        return Payee(settings.VIETQR_BANK_BIN, settings.VIETQR_ACCOUNT_NUMBER,
                     settings.VIETQR_ACCOUNT_NAME, True)
    return None


def payee_for(shop) -> Payee | None:
    """Who a buyer ordering from `shop` now is told to pay (the shop's settings today)."""
    if shop is not None and shop.transfers_to_shop and (payee := _shop_payee(shop)):
        return payee
    return _programme_payee()


def placement_payee(shop) -> str:
    """`Order.transfer_payee` for an order placed now with `shop`."""
    payee = payee_for(shop)
    return Order.TransferPayee.SHOP if payee and not payee.is_programme else Order.TransferPayee.PROGRAMME


def payee_of_order(order) -> Payee | None:
    """Who the buyer of `order` was told to pay: fixed at placement (`transfer_payee`); orders
    placed before it was recorded follow the shop's settings."""
    if order.transfer_payee == Order.TransferPayee.PROGRAMME:
        return _programme_payee()
    if order.transfer_payee == Order.TransferPayee.SHOP:
        return _shop_payee(order.shop)
    return payee_for(order.shop)


def order_transfer_qr(order) -> TransferQR | None:
    """The VietQR of what is still due on this order when its shop collects into its own
    account; None when nothing is due, no account is set, or the programme collects (the
    purchase's one QR pays it)."""
    payee = payee_of_order(order)
    if payee is None or payee.is_programme:
        return None
    return _qr(payee, int(order.total_incl_tax), order.number, deadline=transfer_deadline(order.date_placed))


def purchase_transfer_qr(purchase, orders=None) -> TransferQR | None:
    """The one VietQR of the purchase: the programme's account, memo `OCOP <purchase
    number>`, the sum due on its programme-payee orders still awaiting the transfer.

    `orders` are the purchase's orders when the caller has them (with their shops)."""
    if orders is None:
        orders = list(Order.objects.filter(purchase=purchase).select_related("shop"))
    due = 0
    payee = None
    covered = []
    placed = []
    for order in orders:
        order_payee = payee_of_order(order)
        if (
            order.payment_status == Order.PaymentStatus.AWAITING_TRANSFER
            and order_payee is not None and order_payee.is_programme
        ):
            due += int(order.total_incl_tax)
            payee = order_payee
            covered.append(order.number)
            placed.append(order.date_placed)
    if payee is None:
        return None
    deadline = transfer_deadline(min((p for p in placed if p), default=None))
    return _qr(payee, due, purchase.number, orders=tuple(sorted(covered)), deadline=deadline)


def _qr(payee: Payee, amount: int, reference: str, orders: tuple[str, ...] = (),
        deadline: datetime.datetime | None = None) -> TransferQR | None:
    if amount <= 0:
        return None
    memo = vietqr.transfer_memo(reference)
    try:
        payload = vietqr.build_payload(
            bank_bin=payee.bank_bin, account=payee.account, amount=amount, memo=memo
        )
    except vietqr.VietQRError:
        return None  # a misconfigured account shows the text instructions only
    return TransferQR(payee=payee, amount=amount, memo=memo, payload=payload, orders=orders,
                      deadline=deadline)
