"""VietQR payloads: CRC, TLV, published samples, validation, and the rendered QR decoded back."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from marketplace.payment import banks, vietqr
from marketplace.payment.vietqr import (
    AccountError,
    AmountError,
    BankBINError,
    MemoError,
    PayloadError,
    VietQRError,
    build_payload,
    crc16_ccitt_false,
    parse_tlv,
    verify_crc,
)

# --- CRC -----------------------------------------------------------------------------------


def test_crc_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE ("123456789" -> 0x29B1).
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert crc16_ccitt_false(b"") == 0xFFFF


# --- published samples ---------------------------------------------------------------------

# Test vectors published by other VietQR implementations, copied with their CRC:
# subiz/vietqr, vietqr_test.go (TestQR) and README.md (the "ủng hộ lũ lụt" example).
PUBLISHED = [
    pytest.param(
        {"bank_bin": "970423", "account": "0099999999", "amount": None, "memo": ""},
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA"
        "53037045802VN6304CBB4",
        id="static-no-amount-no-memo",
    ),
    pytest.param(
        {
            "bank_bin": "970422",
            "account": "0023457923442",
            "amount": 40123,
            "memo": "test text string",
        },
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62200816test text string6304D9C6",
        id="dynamic-ascii-memo",
    ),
    pytest.param(
        {"bank_bin": "970422", "account": "0023457923442", "amount": 40123, "memo": "chuyển khoản"},
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62160812chuyen khoan6304722F",
        id="dynamic-vietnamese-memo-folded",
    ),
    pytest.param(
        {
            "bank_bin": "970422",
            "account": "0023457923442ASDFLJ",
            "amount": 40123,
            "memo": "chuyen khoan alsdkf laksjdflk asjdflja slkdalks djflkasjd fajsldk "
            "jalskdfj lkasjdflk ajslkfj l",
        },
        "00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208QRIBFTTA"
        "53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB",
        id="19-char-alphanumeric-account-memo-cut-to-25",
    ),
    pytest.param(
        {
            "bank_bin": "970415",
            "account": "0011001932418",
            "amount": 120000,
            "memo": "ủng hộ lũ lụt",
        },
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
        id="readme-vietinbank",
    ),
]


@pytest.mark.parametrize(("fields", "published"), PUBLISHED)
def test_build_payload_reproduces_published_samples(fields, published):
    assert build_payload(**fields) == published


@pytest.mark.parametrize(("fields", "published"), PUBLISHED)
def test_published_samples_parse_and_their_crc_validates(fields, published):
    assert verify_crc(published)
    parsed = parse_tlv(published)
    assert parsed["38"]["00"] == "A000000727"
    assert parsed["38"]["01"] == {"00": fields["bank_bin"], "01": fields["account"]}
    assert parsed["38"]["02"] == "QRIBFTTA"
    assert parsed["01"] == ("11" if fields["amount"] is None else "12")
    assert parsed.get("54") == (None if fields["amount"] is None else str(fields["amount"]))
    assert (parsed["53"], parsed["58"]) == ("704", "VN")
    assert parsed["63"] == published[-4:]


def test_sample_with_fields_out_of_order_parses_and_validates():
    # giautm/emvqr-go, emvqr_test.go (TestCheckCRC): tag 62 first; the parser must not care.
    sample = (
        "00020101021262110807tien le38560010A0000007270126000697041501121133666688880208"
        "QRIBFTTA5303704540460005802VN63046893"
    )
    assert verify_crc(sample)
    parsed = parse_tlv(sample)
    assert parsed["62"] == {"08": "tien le"}
    assert parsed["38"]["01"] == {"00": "970415", "01": "113366668888"}
    assert parsed["54"] == "6000"
    # The same file's negative case: one character changed, the CRC no longer matches.
    assert not verify_crc(sample.replace("tien le", "tienxle"))


def test_hand_built_payload_for_an_order():
    """Field by field from the NAPAS layout, independently of build_payload."""
    account_info = "0006970405" + "0113" + "7400205123456"  # Agribank, 13-digit account
    merchant = "0010A000000727" + "0127" + account_info + "0208QRIBFTTA"
    memo = "OCOP 100123"
    body = (
        "000201"
        + "010212"
        + "38"
        + str(len(merchant))
        + merchant
        + "5303704"
        + "54071250000"
        + "5802VN"
        + "6215"
        + "0811"
        + memo
        + "6304"
    )
    expected = body + f"{crc16_ccitt_false(body.encode()):04X}"
    got = build_payload(
        bank_bin="970405",
        account="7400205123456",
        amount=1_250_000,
        memo=vietqr.transfer_memo("100123"),
    )
    assert got == expected
    assert verify_crc(got)


def test_crc_is_upper_case_hex_and_tampering_is_caught():
    payload = build_payload(bank_bin="970436", account="1023456789", amount=1_943_000, memo="x")
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == payload[-4:].upper()
    int(payload[-4:], 16)
    assert not verify_crc(payload.replace("1943000", "1943001"))
    assert not verify_crc(payload[:-1])


# --- TLV parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broken",
    [
        "0002010",  # value shorter than its length
        "000",  # half a header
        "0A0201",  # non-digit length
        "000201000202",  # tag 00 twice
        "3805" + "00031",  # nested template truncated
    ],
)
def test_parse_tlv_rejects_malformed_input(broken):
    with pytest.raises(PayloadError):
        parse_tlv(broken)


def test_tlv_refuses_values_that_do_not_fit():
    assert vietqr.tlv("58", "VN") == "5802VN"
    assert vietqr.tlv("62", "x" * 99).startswith("6299")
    with pytest.raises(PayloadError):
        vietqr.tlv("62", "x" * 100)
    with pytest.raises(PayloadError):
        vietqr.tlv("6", "VN")
    with pytest.raises(PayloadError):
        vietqr.tlv("58", "")


# --- validation ----------------------------------------------------------------------------

GOOD = {"bank_bin": "970436", "account": "1023456789", "amount": 150_000, "memo": "OCOP 1"}


@pytest.mark.parametrize("bank_bin", ["97043", "9704366", "97043A", "", " 970436", 970436])
def test_bad_bin(bank_bin):
    with pytest.raises(BankBINError):
        build_payload(**{**GOOD, "bank_bin": bank_bin})


@pytest.mark.parametrize(
    "account", ["", "0123 456 789", "01234567890123456789", "012-345", "Tài khoản", None]
)
def test_bad_account(account):
    with pytest.raises(AccountError):
        build_payload(**{**GOOD, "account": account})


def test_clean_account_strips_separators_but_still_validates():
    assert vietqr.clean_account(" 0123 456.789-0 ") == "01234567890"
    with pytest.raises(AccountError):
        vietqr.clean_account("0123 456 789 0123 456 789")


@pytest.mark.parametrize(
    "amount",
    [0, -1, 150_000.0, 1.5, Decimal("1.5"), Decimal("NaN"), True, "150000", 10**13],
)
def test_bad_amount(amount):
    with pytest.raises(AmountError):
        build_payload(**{**GOOD, "amount": amount})


def test_whole_decimal_amount_is_accepted_as_integer_dong():
    # Oscar totals are Decimal("150000.00").
    assert build_payload(**{**GOOD, "amount": Decimal("150000.00")}) == build_payload(**GOOD)
    assert parse_tlv(build_payload(**{**GOOD, "amount": 10**13 - 1}))["54"] == "9" * 13


def test_errors_are_value_errors():
    assert issubclass(VietQRError, ValueError)
    for cls in (BankBINError, AccountError, AmountError, MemoError, PayloadError):
        assert issubclass(cls, VietQRError)


@pytest.mark.parametrize(
    ("memo", "cleaned"),
    [
        ("Đơn hàng #100123!", "Don hang 100123"),
        ("  Mật   ong\tU Minh  ", "Mat ong U Minh"),
        ("OCOP 100123-2", "OCOP 100123-2"),
        ("Thanh toán đơn hàng Đất Mũi Cà Mau", "Thanh toan don hang Dat M"),
        ("🍯", ""),
    ],
)
def test_memo_is_folded_filtered_and_truncated(memo, cleaned):
    assert vietqr.clean_memo(memo) == cleaned
    assert len(cleaned) <= 25


def test_long_memo_is_truncated_not_an_error():
    payload = build_payload(**{**GOOD, "memo": "a" * 60})
    assert parse_tlv(payload)["62"] == {"08": "a" * 25}


def test_empty_memo_leaves_out_the_additional_data():
    payload = build_payload(**{**GOOD, "memo": "!!!"})
    assert "62" not in parse_tlv(payload)
    assert verify_crc(payload)


def test_transfer_memo_carries_the_order_reference_intact():
    assert vietqr.transfer_memo("100123") == "OCOP 100123"
    assert vietqr.transfer_memo(" 100123-2 ") == "OCOP 100123-2"
    for bad in ["", "1" * 21, "100/123", "Đơn100"]:
        with pytest.raises(MemoError):
            vietqr.transfer_memo(bad)
    assert vietqr.transfer_memo("1" * 20) == "OCOP " + "1" * 20


# --- images --------------------------------------------------------------------------------


def decode(image: Image.Image) -> str:
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert results[0].ec_level in ("M", "Q", "H")  # house style: at least level M
    return results[0].text


@pytest.mark.parametrize(
    "memo", ["OCOP 100123", "Thanh toán đơn hàng Đầm Dơi"], ids=["ascii", "diacritics"]
)
def test_png_decodes_to_the_payload(memo):
    payload = build_payload(bank_bin="970405", account="7400205123456", amount=1_250_000, memo=memo)
    png = vietqr.qr_png(payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    text = decode(Image.open(io.BytesIO(png)))
    assert text == payload
    assert parse_tlv(text)["62"]["08"] == vietqr.clean_memo(memo)
    assert text.isascii()


def test_png_has_the_quiet_zone_and_scale():
    payload = build_payload(**GOOD)
    image = Image.open(io.BytesIO(vietqr.qr_png(payload, scale=3))).convert("L")
    width, height = image.size
    assert width == height and width % 3 == 0
    modules = width // 3
    assert (modules - 2 * vietqr.QUIET_ZONE - 21) % 4 == 0  # a regular QR version, not Micro
    border = vietqr.QUIET_ZONE * 3
    assert image.crop((0, 0, width, border)).getextrema() == (255, 255)
    assert image.getpixel((border, border)) == 0  # top-left finder pattern starts there


def test_data_uri_is_the_png():
    payload = build_payload(**GOOD)
    uri = vietqr.qr_data_uri(payload)
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    png = base64.b64decode(uri[len(prefix) :], validate=True)
    assert png == vietqr.qr_png(payload)
    assert decode(Image.open(io.BytesIO(png))) == payload


def test_svg_is_an_inline_svg_element():
    payload = build_payload(**GOOD)
    svg = vietqr.qr_svg(payload)
    assert isinstance(svg, str)
    assert not svg.startswith("<?xml")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "VietQR"
    # The same symbol as the PNG: size in modules times scale, quiet zone included.
    png = Image.open(io.BytesIO(vietqr.qr_png(payload, scale=vietqr.SVG_SCALE)))
    assert (int(root.get("width")), int(root.get("height"))) == png.size


# --- banks ---------------------------------------------------------------------------------


def test_bank_list_is_consistent():
    bins = [bank.bin for bank in banks.BANKS]
    assert len(bins) == len(set(bins))
    for bank in banks.BANKS:
        vietqr.validate_bin(bank.bin)
        assert bank.bin.startswith("9704")
        assert bank.short_name and bank.name.startswith("Ngân hàng")


def test_bank_choices_and_names():
    choices = dict(banks.BANK_CHOICES)
    assert choices["970436"] == "Vietcombank — Ngân hàng TMCP Ngoại thương Việt Nam"
    assert choices["970405"].startswith("Agribank — ")
    assert len(choices) == len(banks.BANKS)
    assert banks.bank_name("970415") == "VietinBank"
    assert banks.bank_name("970418", full=True) == "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"
    assert banks.bank_name("123456") == ""
