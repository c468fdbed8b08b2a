"""The buyer collects the parcel at the shop."""

from django.utils.translation import gettext_lazy as _

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(code="pickup", name=_("Người mua nhận tại cửa hàng"), needs_tracking_code=False)
