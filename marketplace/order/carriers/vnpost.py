"""VNPost / EMS. Items carry the Universal Postal Union's S10 identifier: two letters, eight
digits and a check digit, then the country (e.g. EB123456785VN); the check digit is verified."""

from marketplace.order.carriers.base import Carrier

_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of the eight-digit serial number."""
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def _valid_s10(code: str) -> bool:
    return s10_check_digit(code[2:10]) == int(code[10])


CARRIER = Carrier(
    code="vnpost",
    name="VNPost / EMS",
    tracking_url="https://www.vnpost.vn/tra-cuu-hanh-trinh/buu-pham?key={code}",
    pattern=r"[A-Z]{2}\d{9}[A-Z]{2}",
    example="EB123456785VN",
    check=_valid_s10,
)
