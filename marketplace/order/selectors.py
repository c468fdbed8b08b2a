"""Reads of orders: the buyer's account pages (/accounts/), a shop's order list by tab, and
programme staff's delivery figures per shop.

Buyer: Oscar's customer views stay as they are (the customer app is not forked): they give the
templates a page of the buyer's shop orders, or one order, already scoped to the signed-in
user. These selectors add what a marketplace buyer needs — the purchase each order belongs
to, the shop, how to pay — in a fixed number of queries, called through the
`buyer_orders` template tags.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.complaints.selectors import complaints_open
from marketplace.order.carriers import carrier_get
from marketplace.order.links import purchase_link
from marketplace.order.models import Order, Purchase, Shipment
from marketplace.order.statuses import OrderStatus, stored_values
from marketplace.order.tracking import OrderTracking, orders_tracking
from marketplace.payment.transfer import order_transfer_qr, purchase_transfer_qr
from shops.models import Partner

Line = get_model("order", "Line")


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
    tracking: OrderTracking
    # The transfer is the purchase's one QR (the programme collects for several shops).
    transfer_for_purchase: bool = False
    transfer_png_url: str = ""
    transfer_status_url: str = ""


def buyer_order_view(order: Order) -> BuyerOrderView:
    """The purchase of `order` (with its link), the VietQR if a transfer is awaited, the other
    shops' orders, and where its parcels are (the timeline, marketplace/order/tracking.py)."""
    purchase = order.purchase
    transfer = None
    for_purchase = False
    links = {}
    if order.payment_status == Order.PaymentStatus.AWAITING_TRANSFER:
        transfer = order_transfer_qr(order)
        if transfer is None and purchase is not None:
            transfer = purchase_transfer_qr(purchase)
            for_purchase = transfer is not None
        if transfer is not None and purchase is not None:
            png = purchase_link(purchase, "checkout:purchase-vietqr")
            links = {
                "transfer_png_url": png if for_purchase else f"{png}?order={order.number}",
                "transfer_status_url": purchase_link(purchase, "checkout:purchase-payment-status"),
            }
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
    return BuyerOrderView(
        purchase=purchase, purchase_url=url, transfer=transfer, siblings=siblings,
        tracking=orders_tracking([order])[order.pk], transfer_for_purchase=for_purchase,
        **links,
    )


# --- a shop's orders, by tab ------------------------------------------------------------------
#
# An order is in a tab when one of the SHOP'S lines stands there (other shops' lines of an
# older mixed order never count). A parcel's lines follow the parcel (shipments.py moves
# them), so "a line handed to the carrier" is "a parcel of the shop in transit", "a line
# whose delivery failed" a failed parcel, "a line returned" a returned parcel — and lines
# handed over before parcels existed are counted too. An order split into parcels that
# stand in different places is in each of those tabs: each tab is a list of work to do.


@dataclass(frozen=True)
class OrderTab:
    """One tab of the seller's order list: `?tab=<key>`, its label, and which orders it holds.

    Either `lines`, a filter on the shop's own lines (an order is in the tab when one of its
    lines of the shop matches; `Q()` for every order of the shop), or `order_ids(shop)`, a
    `values("order_id")` queryset from elsewhere (say, the shop's open complaints) for a tab
    that is not about lines. Tabs of lines are counted together in one query over the shop's
    lines; each `order_ids` tab adds one counting query.
    """

    key: str
    label: str | Promise
    lines: Q | None = None
    order_ids: Callable[[Partner], QuerySet] | None = None

    def orders(self, shop: Partner) -> QuerySet:
        """The ids of the shop's orders in the tab, as a subquery."""
        if self.order_ids is not None:
            return self.order_ids(shop)
        return Line.objects.filter(self.lines, partner=shop).values("order_id")


def _in(*statuses: str) -> Q:
    return Q(status__in=statuses)


def _open_complaints(shop: Partner) -> QuerySet:
    return complaints_open().filter(shop=shop).values("order_id")


#: The tabs, in the order they are shown. A new tab is one entry here; counts, lists and the
#: page follow.
ORDER_TABS: tuple[OrderTab, ...] = (
    OrderTab("all", _("Tất cả"), Q()),
    OrderTab("pending", _("Chờ xác nhận"), _in(*stored_values(OrderStatus.PENDING))),
    OrderTab("to_ship", _("Chờ giao cho vận chuyển"), _in(OrderStatus.CONFIRMED)),
    OrderTab("in_transit", _("Đang giao"), _in(OrderStatus.HANDED_TO_CARRIER)),
    OrderTab("failed", _("Giao không thành công"), _in(OrderStatus.DELIVERY_FAILED)),
    OrderTab("returned", _("Đã hoàn về"), _in(OrderStatus.RETURNED)),
    OrderTab("delivered", _("Đã giao"), _in(OrderStatus.DELIVERED)),
    OrderTab("cancelled", _("Đã hủy"), _in(OrderStatus.CANCELLED)),
    OrderTab("complaints", _("Trả hàng/Khiếu nại"), order_ids=_open_complaints),
)
ORDER_TAB_DEFAULT = ORDER_TABS[0]


def order_tab(key: str | None) -> OrderTab:
    """The tab called `key`; an unknown or missing key is the first tab (every order)."""
    for tab in ORDER_TABS:
        if tab.key == key:
            return tab
    return ORDER_TAB_DEFAULT


def shop_order_tab_counts(*, shop: Partner) -> dict[str, int]:
    """{tab key: number of the shop's orders in it} for every tab: one query over the shop's
    lines for the tabs of lines (whatever their number), one more per `order_ids` tab."""
    of_lines = {
        tab.key: Count("order_id", distinct=True, filter=tab.lines)
        for tab in ORDER_TABS if tab.order_ids is None
    }
    counts = Line.objects.filter(partner=shop).aggregate(**of_lines) if of_lines else {}
    for tab in ORDER_TABS:
        if tab.order_ids is not None:
            counts[tab.key] = Order.objects.filter(pk__in=tab.orders(shop)).count()
    return counts


def shop_orders_in_tab(*, shop: Partner, tab: str) -> QuerySet[Order]:
    """The shop's orders in tab `tab` (every order for an unknown tab), newest first, with
    their delivery address. Slice a page of it, then give the page to `shop_orders_page`."""
    return (
        Order.objects.filter(pk__in=order_tab(tab).orders(shop))
        .select_related("shipping_address")
        .order_by("-date_placed", "-pk")
    )


def shop_orders_page(*, shop: Partner, orders: Iterable[Order], now=None) -> list[Order]:
    """A page of the shop's orders with what the list shows, in two queries whatever its size:
    `shop_lines` (the shop's lines only), `shop_total` (their sum), `shop_shipments` (the
    shop's parcels, oldest first, each with `carrier_name`, and `is_late` when in transit for
    longer than SHIPMENT_LATE_DAYS)."""
    orders = list(orders)
    if not orders:
        return orders
    ids = [order.pk for order in orders]
    lines: dict[int, list] = {pk: [] for pk in ids}
    for line in Line.objects.filter(order_id__in=ids, partner=shop).order_by("pk"):
        lines[line.order_id].append(line)
    parcels: dict[int, list] = {pk: [] for pk in ids}
    late_before = shipment_late_cutoff(now)
    for shipment in Shipment.objects.filter(order_id__in=ids, shop=shop).order_by("handed_at", "pk"):
        carrier = carrier_get(shipment.carrier)
        shipment.carrier_name = carrier.name if carrier else shipment.carrier
        shipment.is_late = (
            shipment.status == Shipment.Status.IN_TRANSIT and shipment.handed_at < late_before
        )
        parcels[shipment.order_id].append(shipment)
    for order in orders:
        order.shop_lines = lines[order.pk]
        order.shop_total = sum((line.line_price_incl_tax for line in order.shop_lines), Decimal(0))
        order.shop_shipments = parcels[order.pk]
    return orders


# --- programme staff: delivery figures per shop -----------------------------------------------

#: Returned parcels are counted over this many days (late and failed ones are counted now).
FULFILMENT_RETURN_DAYS = 30


def shipment_late_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Parcels handed to the carrier before this moment and still in transit are late."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.SHIPMENT_LATE_DAYS)


@dataclass(frozen=True)
class FulfilmentColumn:
    """One figure per shop on the staff page: `count(now)` is an annotation on `Partner`.

    Figures of the shop's parcels count over `shipments` (one join shared by every such
    column); a figure from another table must be a subquery (`Subquery(... .values("n"))`
    or `Count` over it in a Subquery), so that its join does not multiply the parcel rows.
    """

    key: str
    label: str | Promise
    count: Callable[[datetime.datetime], object]
    help: str | Promise = ""


def _parcels(**lookups) -> Callable[[datetime.datetime], Count]:
    def count(now: datetime.datetime) -> Count:
        resolved = {name: value(now) if callable(value) else value for name, value in lookups.items()}
        return Count("shipments", filter=Q(**{f"shipments__{k}": v for k, v in resolved.items()}))

    return count


def _open_complaints_count(now: datetime.datetime) -> Coalesce:
    cases = (
        complaints_open().filter(shop=OuterRef("pk")).order_by()
        .values("shop").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(cases), 0)


#: The columns, in the order they are shown.
FULFILMENT_COLUMNS: tuple[FulfilmentColumn, ...] = (
    FulfilmentColumn(
        "in_transit", _("Đang giao"), _parcels(status=Shipment.Status.IN_TRANSIT),
        help=_("Kiện hàng đang trên đường giao."),
    ),
    FulfilmentColumn(
        "late", _("Giao trễ"),
        _parcels(status=Shipment.Status.IN_TRANSIT, handed_at__lt=shipment_late_cutoff),
        help=_("Đang giao quá số ngày quy định kể từ khi giao cho đơn vị vận chuyển."),
    ),
    FulfilmentColumn(
        "failed", _("Giao không thành công"), _parcels(status=Shipment.Status.FAILED),
        help=_("Chờ cửa hàng cho giao lại hoặc nhận hàng hoàn."),
    ),
    FulfilmentColumn(
        "returned", _("Hoàn về"),
        _parcels(
            status=Shipment.Status.RETURNED,
            returned_at__gte=lambda now: now - datetime.timedelta(days=FULFILMENT_RETURN_DAYS),
        ),
        help=format_lazy(
            _("Kiện hàng hoàn về cửa hàng trong {days} ngày gần nhất."), days=FULFILMENT_RETURN_DAYS
        ),
    ),
    FulfilmentColumn(
        "open_complaints", _("Trả hàng/Khiếu nại"), _open_complaints_count,
        help=_("Yêu cầu trả hàng, hoàn tiền hoặc khiếu nại chưa xử lý xong."),
    ),
)


def shop_fulfilment_rows(*, now: datetime.datetime | None = None) -> QuerySet[Partner]:
    """Shops with at least one figure above zero, each annotated with every column's key;
    the most late and failed parcels first. One query a page (plus the paginator's count)."""
    now = now or timezone.now()
    annotations = {column.key: column.count(now) for column in FULFILMENT_COLUMNS}
    any_above_zero = Q()
    for column in FULFILMENT_COLUMNS:
        any_above_zero |= Q(**{f"{column.key}__gt": 0})
    return (
        Partner.objects.annotate(**annotations)
        .filter(any_above_zero)
        .order_by("-late", "-failed", "-open_complaints", "-returned", "name", "pk")
    )
