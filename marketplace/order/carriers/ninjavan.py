"""Ninja Van. Tracking ids are letters and digits, in Vietnam usually starting NVVN."""

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(
    code="ninjavan",
    name="Ninja Van",
    tracking_url="https://www.ninjavan.co/vi-vn/tracking?id={code}",
    pattern=r"[A-Z0-9]{8,30}",
    example="NVVNCAMAU0001234",
)
