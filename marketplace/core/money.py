"""Money in Vietnamese đồng.

VND has no minor unit. Amounts are whole đồng: Python ints in our code, and
whole-number Decimals in Oscar's price columns (see docs/decisions/0003-money.md).
Never floats.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CURRENCY = "VND"


def to_vnd(value) -> int:
    """Whole đồng from an int, a whole Decimal or a digit string; refuses fractions and floats."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("VND amounts are never floats or booleans")
    if isinstance(value, int):
        return value
    try:
        dec = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount of đồng: {value!r}") from exc
    if dec != dec.to_integral_value():
        raise ValueError(f"VND has no minor unit: {value!r}")
    return int(dec)


def format_vnd(value) -> str:
    """1250000 -> '1.250.000 ₫' (dot thousands separator, no decimals, in every UI language)."""
    amount = to_vnd(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " ₫"


def format_basis_points(basis_points: int) -> str:
    """A rate in basis points as Vietnamese write a percentage: 250 → "2,5 %", 200 → "2 %"."""
    whole, rest = divmod(int(basis_points), 100)
    text = str(whole) if not rest else f"{whole},{rest:02d}".rstrip("0")
    return f"{text} %"
