"""VietQR: the NAPAS 247 bank-transfer QR (an EMVCo merchant-presented QR code).

Pure functions, no database: the checkout builds the payload from the payee's bank BIN and
account, the order total and a memo carrying the order reference, and shows it as an image
and as text. Every banking app in Viet Nam scans it and pre-fills the transfer.

Layout (tags and lengths are ASCII; lengths are two decimal digits):

    00 payload format indicator   "01"
    01 point of initiation        "12" dynamic (with an amount), "11" static (buyer types it)
    38 merchant account template
       00 GUID                    "A000000727" (NAPAS)
       01 beneficiary organisation
          00 acquirer: bank BIN   6 digits
          01 account number       up to 19 alphanumerics
       02 service code            "QRIBFTTA" (inter-bank fund transfer 24/7 to an account)
    53 currency                   "704" (VND, ISO 4217)
    54 amount                     integer đồng, up to 13 characters (VND has no minor unit)
    58 country                    "VN"
    62 additional data
       08 purpose of transaction  the memo, up to 25 characters
    63 CRC                        CRC-16/CCITT-FALSE over everything up to and including "6304"
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping
from decimal import Decimal

import segno

from marketplace.core.text import fold

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
POI_STATIC = "11"
POI_DYNAMIC = "12"

MAX_FIELD_LENGTH = 99  # two decimal digits of length
MAX_AMOUNT_DIGITS = 13  # EMVCo field 54 is at most 13 characters
MAX_ACCOUNT_LENGTH = 19
# NAPAS gives the purpose of transaction (62-08) at most 25 characters, and banking apps cut
# anything longer (some silently, some refuse the code). The order reference must therefore
# come first and the memo must never rely on what follows character 25.
MAX_MEMO_LENGTH = 25
MEMO_PREFIX = "OCOP"

# Same house style as catalogue/qr.py: the ISO 18004 quiet zone and at least level M.
QUIET_ZONE = 4
ERROR_LEVEL = "m"
PNG_SCALE = 8  # px per module: a VietQR code (~45 modules with the border) is ~ 360 px
SVG_SCALE = 8

# Which tags hold nested TLV data, as a tree: tag -> the templates inside it.
VIETQR_TEMPLATES: Mapping[str, Mapping] = {"38": {"01": {}}, "62": {}}

_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_RE = re.compile(r"[0-9A-Za-z]{1,19}")
_ACCOUNT_SEPARATORS = re.compile(r"[\s.\-]+")
_TAG_RE = re.compile(r"[0-9]{2}")
# Bank statements keep letters, digits, spaces and hyphens reliably; other punctuation is
# dropped or replaced by some banks, which would break matching the memo to the order.
_MEMO_DISALLOWED = re.compile(r"[^A-Za-z0-9 \-]+")
_SPACES = re.compile(r" {2,}")


class VietQRError(ValueError):
    """Any problem building or reading a VietQR payload."""


class BankBINError(VietQRError):
    pass


class AccountError(VietQRError):
    pass


class AmountError(VietQRError):
    pass


class MemoError(VietQRError):
    pass


class PayloadError(VietQRError):
    """A TLV field that cannot be encoded, or a payload that cannot be parsed."""


# --- CRC and TLV ---------------------------------------------------------------------------


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _crc_hex(text: str) -> str:
    return f"{crc16_ccitt_false(text.encode('utf-8')):04X}"


def tlv(tag: str, value: str) -> str:
    """One data object: 2-digit tag, 2-digit decimal length, value."""
    if not _TAG_RE.fullmatch(tag):
        raise PayloadError(f"TLV tag must be two digits, got {tag!r}.")
    if not value:
        raise PayloadError(f"Field {tag} is empty.")
    if len(value) > MAX_FIELD_LENGTH:
        raise PayloadError(
            f"Field {tag} is {len(value)} characters long; at most {MAX_FIELD_LENGTH} fit."
        )
    return f"{tag}{len(value):02d}{value}"


def parse_tlv(payload: str, templates: Mapping[str, Mapping] | None = None) -> dict:
    """Split a TLV string into {tag: value}; tags named in `templates` are parsed recursively.

    With the default templates a VietQR payload gives e.g.
    {"00": "01", "01": "12", "38": {"00": "A000000727", "01": {"00": "970436", "01": "…"},
    "02": "QRIBFTTA"}, "53": "704", "54": "120000", "58": "VN", "62": {"08": "…"},
    "63": "C15C"}. Raises PayloadError on a truncated or malformed string or a repeated tag.
    """
    if templates is None:
        templates = VIETQR_TEMPLATES
    result: dict = {}
    pos = 0
    while pos < len(payload):
        head = payload[pos : pos + 4]
        if len(head) < 4 or not head.isdigit() or not head.isascii():
            raise PayloadError(f"Malformed tag/length {head!r} at position {pos}.")
        tag, length = head[:2], int(head[2:])
        value = payload[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise PayloadError(f"Field {tag} at position {pos} is truncated.")
        if tag in result:
            raise PayloadError(f"Field {tag} appears twice.")
        result[tag] = parse_tlv(value, templates[tag]) if tag in templates else value
        pos += 4 + length
    return result


def verify_crc(payload: str) -> bool:
    """True when the payload ends with a `63` CRC field matching everything before it."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return payload[-4:] == _crc_hex(payload[:-4])


# --- validation ----------------------------------------------------------------------------


def validate_bin(bank_bin: str) -> str:
    if not isinstance(bank_bin, str) or not _BIN_RE.fullmatch(bank_bin):
        raise BankBINError(f"A bank BIN is 6 digits (e.g. 970436), got {bank_bin!r}.")
    return bank_bin


def validate_account(account: str) -> str:
    if not isinstance(account, str) or not _ACCOUNT_RE.fullmatch(account):
        raise AccountError(
            f"An account number is 1 to 19 letters or digits without spaces, got {account!r}."
        )
    return account


def clean_account(typed: str) -> str:
    """What a seller types ("0123 456.789") -> the account number ("0123456789"), validated.

    For forms; build_payload itself never rewrites an account number, since a silently
    changed account would send the buyer's money elsewhere.
    """
    return validate_account(_ACCOUNT_SEPARATORS.sub("", str(typed)))


def validate_amount(amount) -> int:
    """A positive whole number of đồng, at most 13 digits. Floats are refused outright."""
    if isinstance(amount, bool) or isinstance(amount, float):
        raise AmountError(f"Amount must be a whole number of đồng, not {amount!r}.")
    if isinstance(amount, Decimal):
        # Oscar stores prices as Decimal("120000.00"): accept it when it is a whole number.
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise AmountError(f"VND has no minor unit; {amount} is not a whole number.")
        amount = int(amount)
    if not isinstance(amount, int):
        raise AmountError(f"Amount must be an integer, not {type(amount).__name__}.")
    if amount <= 0:
        raise AmountError(f"Amount must be positive, got {amount}.")
    if len(str(amount)) > MAX_AMOUNT_DIGITS:
        raise AmountError(f"Amount {amount} has more than {MAX_AMOUNT_DIGITS} digits.")
    return amount


def clean_memo(memo: str) -> str:
    """Fold to ASCII (diacritics off, đ -> d), keep letters, digits, spaces and hyphens, cut
    to 25 characters. Never an error: a long memo is truncated, like banking apps do."""
    text = fold(str(memo or ""))
    text = _MEMO_DISALLOWED.sub(" ", text.replace("\t", " ").replace("\n", " "))
    text = _SPACES.sub(" ", text).strip()
    return text[:MAX_MEMO_LENGTH].rstrip()


def transfer_memo(order_number: str) -> str:
    """The memo that carries the order reference: "OCOP 100123".

    Raises MemoError when the reference would not survive intact (cut to 25 characters or
    changed by the cleaning), because a mangled reference cannot be matched to the order.
    """
    reference = str(order_number).strip()
    memo = f"{MEMO_PREFIX} {reference}"
    if not reference or clean_memo(memo) != memo:
        raise MemoError(
            f"Order reference {order_number!r} does not fit a VietQR memo: at most "
            f"{MAX_MEMO_LENGTH - len(MEMO_PREFIX) - 1} ASCII letters, digits or hyphens."
        )
    return memo


# --- payload -------------------------------------------------------------------------------


def build_payload(*, bank_bin: str, account: str, amount: int | None, memo: str = "") -> str:
    """The VietQR string for a transfer to `account` at the bank `bank_bin`.

    With an amount the code is dynamic (01 = 12) and the app pre-fills the sum; without one
    (amount=None) it is static (01 = 11) and the payer types the sum. The memo is cleaned with
    clean_memo and left out when nothing remains.
    """
    bank_bin = validate_bin(bank_bin)
    account = validate_account(account)
    if amount is not None:
        amount = validate_amount(amount)
    memo = clean_memo(memo)

    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    parts = [
        tlv("00", "01"),
        tlv("01", POI_STATIC if amount is None else POI_DYNAMIC),
        tlv("38", merchant),
        tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(tlv("54", str(amount)))
    parts.append(tlv("58", COUNTRY_VN))
    if memo:
        parts.append(tlv("62", tlv("08", memo)))
    body = "".join(parts) + "6304"
    return body + _crc_hex(body)


# --- images --------------------------------------------------------------------------------


def _qr(payload: str) -> segno.QRCode:
    # make_qr: never a Micro QR, which banking apps do not read.
    return segno.make_qr(payload, error=ERROR_LEVEL, boost_error=True)


def qr_png(payload: str, *, scale: int = PNG_SCALE) -> bytes:
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()


def qr_svg(payload: str, *, scale: int = SVG_SCALE) -> str:
    """An inline <svg> element (no XML declaration) with a white background."""
    buffer = io.BytesIO()
    _qr(payload).save(
        buffer,
        kind="svg",
        scale=scale,
        border=QUIET_ZONE,
        xmldecl=False,
        title="VietQR",
        light="#fff",
    )
    return buffer.getvalue().decode("utf-8")


def qr_data_uri(payload: str, *, scale: int = PNG_SCALE) -> str:
    """A data: URI of the PNG, for <img src="…"> without a second request."""
    return "data:image/png;base64," + base64.b64encode(qr_png(payload, scale=scale)).decode("ascii")
