"""Viettel Post. Bills are numbers (usually 9 to 15 digits); buyers follow them on
viettelpost.com.vn."""

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(
    code="viettelpost",
    name="Viettel Post",
    tracking_url="https://viettelpost.com.vn/tra-cuu-hanh-trinh-don/?code={code}",
    pattern=r"\d{9,15}",
    example="1765432109",
)
