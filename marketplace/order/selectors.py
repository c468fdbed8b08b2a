"""Reads of orders for the buyer's account pages (/accounts/).

Oscar's customer views stay as they are (the customer app is not forked): they give the
templates a page of the buyer's shop orders, or one order, already scoped to the signed-in
user. These selectors add what a marketplace buyer needs — the purchase each order belongs
to, the shop, how to pay — in a fixed number of queries, called through the
`buyer_orders` template tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from marketplace.order.links import purchase_link
from marketplace.order.models import Order, Purchase
from marketplace.payment.transfer import order_transfer_qr


@dataclass
class PurchaseGroup:
    """One purchase (None for an order placed outside a purchase) and its shop orders."""

    purchase: Purchase | None
    orders: list[Order] = field(default_factory=list)

    @property
    def url(self) -> str:
        if self.purchase is None or not self.purchase.number:
            return ""
        return purchase_link(self.purchase)


def with_buyer_relations(orders):
    """The orders with their purchase, shop and lines loaded (three queries for any count)."""
    if isinstance(orders, QuerySet):
        # A page's object_list is a sliced queryset: select/prefetch are still allowed on it.
        return list(orders.select_related("purchase", "shop").prefetch_related("lines"))
    orders = list(orders)
    from django.db.models import prefetch_related_objects

    missing = [o for o in orders if not _loaded(o)]
    if missing:
        prefetch_related_objects(missing, "purchase", "shop", "lines")
    return orders


def _loaded(order: Order) -> bool:
    state = order._state.fields_cache
    return "purchase" in state and "shop" in state


def purchase_groups(orders) -> list[PurchaseGroup]:
    """A page of shop orders grouped by purchase, in the page's order (newest first).

    Orders of one purchase are placed together, so they sit next to each other in
    Oscar's date order; a purchase cut by a page break shows its orders of this page.
    """
    groups: list[PurchaseGroup] = []
    by_key: dict[object, PurchaseGroup] = {}
    for order in with_buyer_relations(orders):
        key = order.purchase_id or f"order-{order.pk}"
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = PurchaseGroup(purchase=order.purchase)
            groups.append(group)
        group.orders.append(order)
    for group in groups:
        group.orders.sort(key=lambda o: o.number)
    return groups


@dataclass
class BuyerOrderView:
    """What the buyer's order page shows beside Oscar's order."""

    purchase: Purchase | None
    purchase_url: str
    transfer: object | None  # marketplace.payment.transfer.TransferQR
    siblings: list[Order]


def buyer_order_view(order: Order) -> BuyerOrderView:
    """The purchase of `order` (with its link), the VietQR if a transfer is awaited, the other shops' orders."""
    purchase = order.purchase
    transfer = None
    if order.payment_status == Order.PaymentStatus.AWAITING_TRANSFER:
        transfer = order_transfer_qr(order)
    siblings: list[Order] = []
    url = ""
    if purchase is not None:
        url = PurchaseGroup(purchase).url
        siblings = list(
            Order.objects.filter(purchase=purchase, user_id=order.user_id)
            .exclude(pk=order.pk)
            .select_related("shop")
            .order_by("number")
        )
    return BuyerOrderView(purchase=purchase, purchase_url=url, transfer=transfer, siblings=siblings)
