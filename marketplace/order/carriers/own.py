"""The shop delivers itself (its own staff or a motorbike driver it knows): no tracking code is
issued, the seller may note one of its own."""

from django.utils.translation import gettext_lazy as _

from marketplace.order.carriers.base import Carrier

CARRIER = Carrier(code="self", name=_("Cửa hàng tự giao"), needs_tracking_code=False)
