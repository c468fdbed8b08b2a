"""Bank transfer by VietQR for one shop order: who is paid, and the QR the buyer scans.

The payee is the shop's own account when it has set one (seller workspace), else the
programme's account (settings VIETQR_*), which then pays the shop. The memo carries
the order number so the receiver can match the transfer to the order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

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

    @property
    def data_uri(self) -> str:
        return vietqr.qr_data_uri(self.payload, scale=6)


def payee_for(shop) -> Payee | None:
    if shop is not None and shop.bank_bin and shop.bank_account_number:
        return Payee(shop.bank_bin, shop.bank_account_number, shop.bank_account_name, False)
    if settings.VIETQR_BANK_BIN and settings.VIETQR_ACCOUNT_NUMBER:
        return Payee(settings.VIETQR_BANK_BIN, settings.VIETQR_ACCOUNT_NUMBER,
                     settings.VIETQR_ACCOUNT_NAME, True)
    return None


def order_transfer_qr(order) -> TransferQR | None:
    """The VietQR of what is still due on this order; None when nothing is or no account is set."""
    payee = payee_for(order.shop)
    amount = int(order.total_incl_tax)
    if payee is None or amount <= 0:
        return None
    memo = vietqr.transfer_memo(order.number)
    try:
        payload = vietqr.build_payload(
            bank_bin=payee.bank_bin, account=payee.account, amount=amount, memo=memo
        )
    except vietqr.VietQRError:
        return None  # a misconfigured account shows the text instructions only
    return TransferQR(payee=payee, amount=amount, memo=memo, payload=payload)
