"""Best Express. Bill codes are letters and digits; the public page is best-inc.vn."""

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(
    code="best",
    name="Best Express",
    tracking_url="https://best-inc.vn/track?bills={code}",
    pattern=r"[A-Z0-9]{8,20}",
    example="BEVN123456789",
)
