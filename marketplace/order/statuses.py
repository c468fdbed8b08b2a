"""The pipeline of a shop order: its status values, labels and allowed moves — declared once.

A shop order's lines carry the status in Oscar's `Line.status`; the order's own `status`
follows once every line of it shares one (marketplace/order/lifecycle.py moves them). Oscar's
settings (`OSCAR_ORDER_STATUS_PIPELINE`, …) are read from here, so this module imports
nothing but the translation machinery: the settings import it before any app is loaded.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _without(transitions: dict, moves: frozenset) -> dict:
    return {status: tuple(to for to in targets if to not in moves) for status, targets in transitions.items()}


class OrderStatus:
    """Where a shop order (and each of its lines) stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    HANDED_TO_CARRIER = "handed_to_carrier"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    RETURNED = "returned"
    CANCELLED = "cancelled"

    INITIAL = PENDING

    LABELS = {
        PENDING: _("Chờ xác nhận"),
        CONFIRMED: _("Đã xác nhận"),
        HANDED_TO_CARRIER: _("Đã giao cho đơn vị vận chuyển"),
        DELIVERED: _("Đã giao"),
        DELIVERY_FAILED: _("Giao không thành công"),
        RETURNED: _("Đã hoàn về cửa hàng"),
        CANCELLED: _("Đã hủy"),
    }
    # Labels of the buttons that move a line INTO the status.
    ACTIONS = {
        CONFIRMED: _("Xác nhận đơn"),
        HANDED_TO_CARRIER: _("Đã giao cho đơn vị vận chuyển"),
        DELIVERED: _("Đã giao cho người mua"),
        DELIVERY_FAILED: _("Giao không thành công"),
        RETURNED: _("Đã nhận hàng hoàn"),
        CANCELLED: _("Hủy phần đơn của cửa hàng"),
    }
    TRANSITIONS = {
        PENDING: (CONFIRMED, CANCELLED),
        CONFIRMED: (HANDED_TO_CARRIER, CANCELLED),
        HANDED_TO_CARRIER: (DELIVERED, DELIVERY_FAILED),
        # A failed delivery is tried again (back with the carrier) or comes back to the shop.
        DELIVERY_FAILED: (HANDED_TO_CARRIER, RETURNED),
        DELIVERED: (),
        RETURNED: (),
        CANCELLED: (),
    }
    REASON_REQUIRED = frozenset({CANCELLED, DELIVERY_FAILED})
    # Moves that belong to a parcel (marketplace/order/shipments.py): they need a carrier, a
    # tracking code or an outcome, so the plain status buttons of the seller's page skip them.
    SHIPMENT_MOVES = frozenset({HANDED_TO_CARRIER, DELIVERED, DELIVERY_FAILED, RETURNED})
    # What programme staff may do to a whole order from Oscar's dashboard: confirm or cancel.
    STAFF_TRANSITIONS = _without(TRANSITIONS, SHIPMENT_MOVES)
    # Where nothing more will happen to the goods.
    FINAL = frozenset({DELIVERED, RETURNED, CANCELLED})

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return list(cls.LABELS.items())

    @classmethod
    def label(cls, value: str) -> str:
        return cls.LABELS.get(normalize_status(value), value)


def normalize_status(value: str) -> str:
    # Lines placed before the pipeline existed (or by Oscar's default OrderCreator, whose
    # initial line status is blank) are waiting for the shop's confirmation.
    return value or OrderStatus.PENDING


def stored_values(status: str) -> list[str]:
    """The values of `Line.status` that mean `status` (blank also means pending)."""
    return [OrderStatus.PENDING, ""] if status == OrderStatus.PENDING else [status]
