"""GHTK – Giao Hàng Tiết Kiệm. Labels carry a shop prefix, dotted route parts and the order
number (e.g. S22861375.MB7.A11.1234567890); the public page is i.ghtk.vn/<code>."""

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(
    code="ghtk",
    name="GHTK (Giao Hàng Tiết Kiệm)",
    tracking_url="https://i.ghtk.vn/{code}",
    pattern=r"[A-Z0-9]+(\.[A-Z0-9]+)*",
    example="S22861375.MB7.A11.1234567890",
)
