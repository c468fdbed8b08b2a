"""marketplace/tax/models.py: the tax identifier a seller types (validator, normalising)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from marketplace.tax.models import normalize_tax_identifier, validate_tax_identifier


@pytest.mark.parametrize("value", [
    "0301234567",        # a 10-digit tax code
    "0301234567-001",    # a branch: 13 digits with the dash
    "0301234567001",     # … or without
    "096300001234",      # a 12-digit personal ID, Cà Mau (096)
    "001099000001",      # Hà Nội (001)
    " 0301234567 ",      # spaces around
])
def test_accepted_identifiers(value):
    validate_tax_identifier(value)


@pytest.mark.parametrize("value, code", [
    ("", "tax_identifier"),
    ("030123456", "tax_identifier"),          # 9 digits
    ("03012345678", "tax_identifier"),        # 11 digits
    ("03012345A7", "tax_identifier"),         # a letter
    ("MST0301234567", "tax_identifier"),
    ("0301234567-01", "tax_identifier"),      # a branch suffix of 2 digits
    ("12345678901234", "tax_identifier"),     # 14 digits
    ("000300001234", "personal_id"),          # province 000 does not exist
    ("097300001234", "personal_id"),          # nor 097 (the last is 096)
    ("999300001234", "personal_id"),
])
def test_refused_identifiers_say_why_in_vietnamese(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_tax_identifier(value)
    assert caught.value.code == code
    message = " ".join(caught.value.messages)
    assert ("10 hoặc 13 chữ số" in message) if code == "tax_identifier" else ("mã tỉnh" in message)


def test_a_13_digit_code_is_stored_with_the_dash():
    assert normalize_tax_identifier("0301234567001") == "0301234567-001"
    assert normalize_tax_identifier("096300001234") == "096300001234"
