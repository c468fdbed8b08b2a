"""The carriers a shop can hand a parcel to: a maintained list, one module per carrier.

Each module declares one `Carrier`: its code (stored on the shipment), the name buyers know,
how its tracking codes look (checked when the seller types one; a plausibility check where
the carrier publishes no format) and its public tracking page, built from the code. Carriers'
own APIs (booking, fees, status webhooks) need their servers and are not called; an adapter
for one would live next to its module. docs/decisions/0020-shipments.md.
"""

from __future__ import annotations

from marketplace.order.carriers import (
    best,
    ghn,
    ghtk,
    jt,
    ninjavan,
    own,
    pickup,
    viettelpost,
    vnpost,
)
from marketplace.order.carriers.base import Carrier, TrackingCodeError

__all__ = ["CARRIERS", "Carrier", "TrackingCodeError", "carrier_get", "carrier_choices", "SELF", "PICKUP"]

#: In the order the seller's list shows them: the big networks first, then the shop's own ways.
CARRIERS: dict[str, Carrier] = {
    module.CARRIER.code: module.CARRIER
    for module in (ghn, ghtk, viettelpost, vnpost, jt, ninjavan, best, own, pickup)
}
SELF = own.CARRIER.code
PICKUP = pickup.CARRIER.code


def carrier_get(code: str) -> Carrier | None:
    return CARRIERS.get((code or "").strip().lower())


def carrier_choices() -> list[tuple[str, str]]:
    return [(carrier.code, carrier.name) for carrier in CARRIERS.values()]
