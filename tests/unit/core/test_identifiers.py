"""marketplace/core/identifiers.py: personal ID numbers and tax codes (no database)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from marketplace.core.identifiers import (
    BIRTH_REGISTRATION_PROVINCES,
    century_digit,
    mask_identifier,
    tax_code_check_digit,
    validate_personal_id,
    validate_tax_code,
)


def test_the_province_list_is_the_63_codes_from_001_to_096():
    assert len(BIRTH_REGISTRATION_PROVINCES) == 63
    assert min(BIRTH_REGISTRATION_PROVINCES) == "001" and max(BIRTH_REGISTRATION_PROVINCES) == "096"
    assert BIRTH_REGISTRATION_PROVINCES["096"] == "Cà Mau"
    assert "003" not in BIRTH_REGISTRATION_PROVINCES  # gaps are real: no province has 003


@pytest.mark.parametrize("year, female, digit", [
    (1980, False, "0"), (1980, True, "1"), (2000, False, "2"), (2005, True, "3"), (2100, False, "4"),
])
def test_the_century_and_sex_digit(year, female, digit):
    assert century_digit(year, female=female) == digit


@pytest.mark.parametrize("value, born", [
    ("096080123456", datetime.date(1980, 5, 17)),   # a man born in 1980
    ("096180123456", datetime.date(1980, 5, 17)),   # a woman born in 1980
    ("001300000001", datetime.date(2000, 1, 1)),    # a woman born in 2000, Hà Nội
    ("096 080 123 456", datetime.date(1980, 5, 17)),  # spaces as printed
])
def test_accepted_personal_ids(value, born):
    assert validate_personal_id(value, birth_date=born) == value.replace(" ", "")


@pytest.mark.parametrize("value, born, code", [
    ("09608012345", None, "personal_id_format"),      # 11 digits
    ("0960801234567", None, "personal_id_format"),    # 13 digits
    ("09608012345A", None, "personal_id_format"),
    ("097080123456", None, "personal_id"),            # no province 097
    ("003080123456", None, "personal_id"),            # nor 003
    ("096280123456", datetime.date(1980, 5, 17), "personal_id_century"),  # 2 = born 2000s
    ("096081123456", datetime.date(1980, 5, 17), "personal_id_year"),     # 81 ≠ 1980
    ("096000123456", datetime.date(2000, 5, 17), "personal_id_century"),  # 0 = born 1900s
])
def test_refused_personal_ids_say_why(value, born, code):
    with pytest.raises(ValidationError) as caught:
        validate_personal_id(value, birth_date=born)
    assert caught.value.code == code


def test_the_tax_code_check_digit():
    # 0100109106: 1·29 + 1·17 + 9·7 + 1·5 = 114; 114 mod 11 = 4; 10 − 4 = 6.
    assert tax_code_check_digit("010010910") == 6
    # A sum ≡ 0 (mod 11) would need a check digit of 10: no code has those nine digits.
    assert tax_code_check_digit("000000000") is None


@pytest.mark.parametrize("value, normalised", [
    ("0100109106", "0100109106"),
    ("0100109106-001", "0100109106-001"),
    ("0100109106001", "0100109106-001"),
    ("0100233488", "0100233488"),
])
def test_accepted_tax_codes(value, normalised):
    assert validate_tax_code(value) == normalised


@pytest.mark.parametrize("value, code", [
    ("0100109107", "tax_code_checksum"),      # one digit off
    ("0100190106", "tax_code_checksum"),      # two digits swapped
    ("0100109106-000", "tax_code_checksum"),  # no branch 000
    ("0100000000", "tax_code_checksum"),
    ("010010910", "tax_code_format"),
    ("0100109106-01", "tax_code_format"),
    ("MST0100109106", "tax_code_format"),
])
def test_refused_tax_codes(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_tax_code(value)
    assert caught.value.code == code


def test_masking_keeps_the_last_three():
    assert mask_identifier("096080123456") == "•••••••••456"
    assert mask_identifier("") == ""
