"""A signed-in buyer's address book at checkout (Oscar's UserAddress).

The address a signed-in buyer ships to is remembered when the purchase is placed; the next
checkout offers it (most used first) so that the delivery step is one tap. Guests have no
address book: nothing of theirs is kept beyond their orders.
"""

from __future__ import annotations

from django.db.models import F
from oscar.core.loading import get_model

UserAddress = get_model("address", "UserAddress")

FIELDS = ("first_name", "line1", "line2", "line3", "line4", "state", "phone_number", "notes")
SHOWN = 3  # saved addresses offered at checkout, most used first


def saved_addresses(user) -> list:
    """The buyer's saved addresses to offer, most used first (one query)."""
    return list(
        UserAddress.objects.filter(user=user, country_id="VN")
        .order_by("-is_default_for_shipping", "-num_orders_as_shipping_address", "-pk")[:SHOWN]
    )


def address_fields_of(address) -> dict:
    """A saved address as the checkout session's shipping address fields."""
    return {**{name: getattr(address, name) or "" for name in FIELDS}, "country_id": "VN"}


def address_remember(user, address: dict) -> None:
    """Add the delivery address of a placed purchase to the buyer's address book, or count one
    more use of the same address (Oscar's hash: the place, not the recipient; the recipient's
    name and phone are updated to the latest)."""
    if user is None or not user.is_authenticated:
        return
    fields = {name: address.get(name, "") or "" for name in FIELDS}
    candidate = UserAddress(user=user, country_id="VN", **fields)
    existing = UserAddress.objects.filter(user=user, hash=candidate.generate_hash()).first()
    if existing is None:
        candidate.num_orders_as_shipping_address = 1
        candidate.save()
        return
    UserAddress.objects.filter(pk=existing.pk).update(
        first_name=fields["first_name"], phone_number=fields["phone_number"], notes=fields["notes"],
        num_orders_as_shipping_address=F("num_orders_as_shipping_address") + 1,
    )
