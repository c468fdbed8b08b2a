"""Read the transfer code out of a bank memo, the way banking apps mangle it.

The buyer is asked to write `OCOP <purchase number>` (one transfer for a whole purchase paid
into the programme's account) or `OCOP <order number>` (`<purchase>-<n>`, one shop paid into
its own account). What reaches us has been through the buyer's banking app and both banks:

- case and diacritics change ("ocop", "ÓCOP"), the space goes ("OCOP100123"), the dash of an
  order number becomes a dot, a space, an underscore or nothing ("OCOP 100123.2",
  "OCOP1001232");
- text is added around it: a bank prefix with its own numbers ("MBVCB.3278907687.OCOP
  100123-2.CT tu 0123456789 NGUYEN VAN A toi ..."), the sender's name, "chuyen tien".

This module is pure (no database): it returns the codes a memo may carry, and
marketplace.payment.bank decides which of them exist. A code that cannot be read surely is
never guessed into a payment: two possible readings that both exist go to staff.
Purchase numbers have at least 6 digits (100000 + id, marketplace/checkout/services.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from marketplace.core.text import fold

MIN_PURCHASE_DIGITS = 6
MAX_PURCHASE_DIGITS = 12

# "OCOP", then up to three separators, the purchase digits, then maybe a separator and the
# order's 1–3 digit suffix. No digit may follow either (a phone number is not a code).
_CODE = re.compile(
    r"OCOP[^A-Z0-9]{0,3}"
    rf"(?P<purchase>\d{{{MIN_PURCHASE_DIGITS},{MAX_PURCHASE_DIGITS + 2}}})"
    r"(?:[\s.\-_/]{1,2}(?P<suffix>\d{1,3}))?"
    r"(?!\d)"
)


@dataclass(frozen=True)
class Reading:
    """One place in the memo where a code was found, and what it may mean.

    `codes` are purchase numbers ("100123") and order numbers ("100123-2"). When
    `first_wins`, the codes are in order of preference (an order number written with its
    separator, else its purchase); otherwise they are equally likely readings of digits
    run together, and more than one that exists makes the memo ambiguous.
    """

    codes: tuple[str, ...]
    first_wins: bool


def normalize(memo: str) -> str:
    """Upper-case ASCII: full-width characters, diacritics and đ folded away."""
    text = unicodedata.normalize("NFKC", str(memo or ""))
    return fold(text).upper()


def memo_readings(*memos: str | None) -> list[Reading]:
    """Every code found in the memos (SePay's `code`, `content`, `description`), once each."""
    readings: list[Reading] = []
    for memo in memos:
        for match in _CODE.finditer(normalize(memo or "")):
            reading = _reading(match.group("purchase"), match.group("suffix"))
            if reading is not None and reading not in readings:
                readings.append(reading)
    return readings


def _reading(digits: str, suffix: str | None) -> Reading | None:
    if suffix is not None:
        if len(digits) > MAX_PURCHASE_DIGITS:
            return None
        return Reading((f"{digits}-{int(suffix)}", digits), first_wins=True)
    codes = []
    if len(digits) <= MAX_PURCHASE_DIGITS:
        codes.append(digits)
    # The order's dash lost: "1001232" may be order 100123-2 (or 100123-… with two digits).
    for cut in (1, 2):
        head, tail = digits[:-cut], digits[-cut:]
        if MIN_PURCHASE_DIGITS <= len(head) <= MAX_PURCHASE_DIGITS and not tail.startswith("0"):
            codes.append(f"{head}-{int(tail)}")
    return Reading(tuple(codes), first_wins=False) if codes else None
