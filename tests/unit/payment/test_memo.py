"""The transfer code read out of memos as banking apps deliver them (marketplace/payment/memo.py)."""

from __future__ import annotations

import pytest

from marketplace.payment.memo import Reading, memo_readings, normalize


def codes(*memos):
    return [reading.codes for reading in memo_readings(*memos)]


@pytest.mark.parametrize(
    "memo",
    [
        "OCOP 100123",
        "ocop 100123",
        "OCOP100123",
        "Ocop  100123",
        "ÓCOP 100123",  # a keyboard's Telex slip
        "OCOP.100123",
        "OCOP-100123",
        "OCOP:100123 chuyen tien",
        "ＯＣＯＰ　１００１２３",  # full-width, as some phone keyboards type
        "MBVCB.3278907687.OCOP 100123.CT tu 0123456789 NGUYEN VAN A toi 0011009999999 CHO OCOP",
        "IBFT OCOP 100123 FT25084123456789",
        "NGUYEN THI MUA chuyen tien OCOP 100123 mua mat ong",
        "TKThe :0123456789, tai VCB. OCOP 100123 -CTLNHIDI000012345678-1/1-CRE-002",
        "Chuyển tiền ÓCOP 100123 đặc sản Cà Mau",
    ],
)
def test_a_purchase_code_survives_the_usual_mangling(memo):
    readings = memo_readings(memo)
    assert len(readings) == 1
    assert "100123" in readings[0].codes


@pytest.mark.parametrize(
    "memo",
    [
        "OCOP 100123-2",
        "OCOP 100123.2",
        "OCOP 100123 2",
        "OCOP 100123_2",
        "ocop100123-2",
        "MBVCB.123456.OCOP 100123-2.CT tu 0123456789 NGUYEN VAN A",
    ],
)
def test_an_order_code_with_any_separator_prefers_the_order(memo):
    assert memo_readings(memo) == [Reading(("100123-2", "100123"), first_wins=True)]


def test_digits_run_together_give_every_reading_to_be_checked():
    # The dash dropped: purchase 1001232, or order 100123-2, or order 10012-32 (too short: no).
    assert memo_readings("OCOP1001232") == [Reading(("1001232", "100123-2"), first_wins=False)]
    assert memo_readings("OCOP 10012345") == [
        Reading(("10012345", "1001234-5", "100123-45"), first_wins=False)
    ]


def test_a_number_after_the_code_is_not_taken_for_the_order_suffix():
    # A phone number or a year after the code: the suffix would run into more digits.
    assert codes("OCOP 100123 0912345678") == [("100123",)]
    assert codes("OCOP 100123 2026") == [("100123",)]


def test_no_code_or_too_short_numbers_read_nothing():
    assert memo_readings("chuyen tien mua hang") == []
    assert memo_readings("OCOP") == []
    assert memo_readings("OCOP 1234") == []  # purchase numbers have six digits or more
    assert memo_readings("", None) == []
    assert memo_readings("100123") == []  # the word OCOP is what says it is ours


def test_two_codes_in_one_memo_are_both_read_and_repeats_once():
    assert codes("OCOP 100123 va OCOP 100124") == [("100123",), ("100124",)]
    assert codes("OCOP 100123", "BankAPINotify OCOP 100123") == [("100123",)]


def test_normalize_folds_case_diacritics_and_d():
    assert normalize("Đặc sản ócop") == "DAC SAN OCOP"
