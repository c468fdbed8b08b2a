"""A payout run as a bank batch file ("chuyển tiền theo lô"), and the VietQR of one payout.

The format is our own, documented here and in docs/decisions/0027-settlement-and-payouts.md:
no Vietnamese bank's bulk-transfer import template could be found published in a form we
could cite, so the file carries, one transfer per row, the fields every bank's batch
template asks for, in the order they ask for them, with plain headers staff can map to
their bank's template column by column:

    STT, Số tài khoản, Tên người hưởng, Mã ngân hàng (BIN NAPAS), Ngân hàng, Số tiền, Nội dung

- CSV, UTF-8 with a byte-order mark (Excel opens it as UTF-8), comma-separated, CRLF;
- account numbers as text, exactly as the shop gave them (leading zeros kept);
- the beneficiary's name in capitals without diacritics, as NAPAS carries names;
- amounts in whole đồng, digits only (no separators);
- the memo `OCOP TT <payout id>`: ASCII (banks strip diacritics), at most 25 characters
  like a VietQR memo, so the shop can match the transfer to its statement;
- every text cell that a spreadsheet would run as a formula is prefixed with an apostrophe
  (names come from sellers).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.core.spreadsheets import csv_bytes
from marketplace.core.text import fold
from marketplace.ledger.models import Payout
from marketplace.payment import vietqr
from marketplace.payment.banks import bank_name

MEMO_PREFIX = "OCOP TT"


def payout_memo(payout: Payout) -> str:
    return f"{MEMO_PREFIX} {payout.pk}"


def beneficiary_name(name: str) -> str:
    """"Hợp tác xã Mười Ngọt" -> "HOP TAC XA MUOI NGOT" (how banks carry a payee's name)."""
    return " ".join(fold(name or "").upper().split())


def batch_headers() -> list[str]:
    return [
        _("STT"), _("Số tài khoản"), _("Tên người hưởng"), _("Mã ngân hàng (BIN NAPAS)"),
        _("Ngân hàng"), _("Số tiền"), _("Nội dung"),
    ]


def batch_rows(payouts) -> list[list]:
    return [
        [index, payout.bank_account_number, beneficiary_name(payout.bank_account_name), payout.bank_bin,
         bank_name(payout.bank_bin) or payout.bank_bin, int(payout.amount), payout_memo(payout)]
        for index, payout in enumerate(payouts, start=1)
    ]


def batch_csv(payouts) -> bytes:
    """The payouts (pending ones: the caller filters) as the batch file's bytes."""
    return csv_bytes(batch_headers(), batch_rows(payouts))


def payout_qr_payload(payout: Payout) -> str | None:
    """The VietQR a staff member scans with the programme's banking app to pay this payout by
    phone; None when the account copied into the payout cannot be encoded."""
    try:
        return vietqr.build_payload(
            bank_bin=payout.bank_bin, account=payout.bank_account_number, amount=int(payout.amount),
            memo=payout_memo(payout),
        )
    except vietqr.VietQRError:
        return None
