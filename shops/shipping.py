"""A shop's shipping options (shops.ShippingOption): the delivery choices its buyers pick
from at checkout. Every change is written to the audit log with the member's capacity."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from shops.models import Partner, ShippingOption

SHIPPING_FIELDS = ("name", "kind", "fee", "free_above", "is_active", "position")


class ShippingOptionError(Refused):
    """The change to a shipping option is refused; the message says why (Vietnamese)."""


def _shipping_data(option: ShippingOption) -> dict:
    return {name: getattr(option, name) for name in SHIPPING_FIELDS}


@transaction.atomic
def shipping_option_save(
    *, shop: Partner, option: ShippingOption, actor, acting_as: str
) -> ShippingOption:
    """Create or update one of the shop's shipping options (validated by the form)."""
    if option.shop_id is not None and option.shop_id != shop.pk:
        raise ShippingOptionError(_("Phương thức giao hàng không thuộc cửa hàng này."))
    created = option.pk is None
    option.shop = shop
    if option.kind == ShippingOption.Kind.PICKUP:
        option.fee = 0
    if option.kind != ShippingOption.Kind.FREE_ABOVE:
        option.free_above = None
    option.save()
    audit_record(
        action="shipping.option_created" if created else "shipping.option_changed",
        actor=actor, acting_as=acting_as, shop=shop, target=option, data=_shipping_data(option),
    )
    return option


@transaction.atomic
def shipping_option_delete(*, shop: Partner, option: ShippingOption, actor, acting_as: str) -> None:
    """Delete one of the shop's shipping options."""
    if option.shop_id != shop.pk:
        raise ShippingOptionError(_("Phương thức giao hàng không thuộc cửa hàng này."))
    audit_record(
        action="shipping.option_deleted", actor=actor, acting_as=acting_as, shop=shop,
        target=option, data=_shipping_data(option),
    )
    option.delete()
