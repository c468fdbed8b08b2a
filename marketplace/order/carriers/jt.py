"""J&T Express. Bill codes are numbers (12 digits in Vietnam, e.g. 841234567890); the public page
is jtexpress.vn."""

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(
    code="jt",
    name="J&T Express",
    tracking_url="https://jtexpress.vn/vi/tracking?type=track&billcode={code}",
    pattern=r"\d{10,15}",
    example="841234567890",
)
