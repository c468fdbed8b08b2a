"""GHN – Giao Hàng Nhanh. Order codes are short, upper-case letters and digits (e.g. GYCYQNYM);
buyers follow them on donhang.ghn.vn."""

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(
    code="ghn",
    name="GHN (Giao Hàng Nhanh)",
    tracking_url="https://donhang.ghn.vn/?order_code={code}",
    pattern=r"[A-Z0-9]{6,12}",
    example="GYCYQNYM",
)
