"""Composing and sending the e-mails about purchases and shop orders (what the tasks run).

Each `send_*` loads the purchase or order by id when it runs and tells it as it stands.
Templates are Oscar's file templates `oscar/communication/emails/commtype_<code>_*` (the
theme overrides ORDER_PLACED and adds the others); rendering goes through Oscar's
communication `Dispatcher`, so programme staff can still override a text in Oscar's
dashboard. Every mail is rendered in Vietnamese (docs/decisions/0005: the language a visitor
picks lives only in a browser cookie, which a webhook or a later seller action does not
have) with dates in Asia/Ho_Chi_Minh.

Sending never breaks the caller: each mail is sent on its own, and a failure (SMTP down, a
template error) is logged and skipped. Each mail sent is recorded as Oscar's
`CommunicationEvent` on the order(s) it was about.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class, get_model

from marketplace.core.mail import mail_locale
from marketplace.order.links import purchase_url, seller_order_url
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.order.statuses import OrderStatus, normalize_status
from marketplace.order.tracking import orders_tracking
from shops.selectors import shop_notice_recipients

logger = logging.getLogger(__name__)

Dispatcher = get_class("communication.utils", "Dispatcher")
CommunicationEventType = get_model("communication", "CommunicationEventType")
CommunicationEvent = get_model("order", "CommunicationEvent")

ORDER_PLACED = "ORDER_PLACED"  # Oscar's own code; the theme overrides its templates
ORDER_PAID = "ORDER_PAID"
SHOP_NEW_ORDER = "SHOP_NEW_ORDER"
ORDER_STATUS_CHANGED = "ORDER_STATUS_CHANGED"

EVENT_NAMES = {
    ORDER_PLACED: _("Xác nhận đặt hàng (gửi người mua)"),
    ORDER_PAID: _("Đã nhận thanh toán (gửi người mua)"),
    SHOP_NEW_ORDER: _("Đơn hàng mới (gửi cửa hàng)"),
    ORDER_STATUS_CHANGED: _("Cập nhật đơn hàng (gửi người mua)"),
}

# Who in a shop hears about its new orders. Helpers included: they run the shop for a
# household seller who is not online, so without them nobody may act on the order, and the
# notice shows nothing their seller-workspace access does not already show.
SHOP_NOTICE_ROLES = ("owner", "staff", "helper")


# --- sending (what the tasks run; each loads what it needs by id, when it runs) ---------


def send_purchase_placed(purchase_id: int) -> None:
    """Confirmation to the buyer; for COD and bank transfer, each shop's notice now."""
    with mail_locale():
        purchase = _fresh_purchase(purchase_id)
        if purchase is None or purchase.status == Purchase.Status.CANCELLED:
            return
        orders = _purchase_orders(purchase)
        _send_to_buyer(ORDER_PLACED, purchase, _purchase_context(purchase, orders), orders)
        if not purchase.is_card:
            _notify_shops(orders)


def send_purchase_paid(purchase_id: int) -> None:
    """Payment received, to the buyer; each shop that has not heard of its order yet is told."""
    with mail_locale():
        purchase = _fresh_purchase(purchase_id)
        if purchase is None:
            return
        orders = _purchase_orders(purchase)
        _send_to_buyer(ORDER_PAID, purchase, _purchase_context(purchase, orders), orders)
        _notify_shops(orders)


def send_shop_new_order(order_id: int) -> None:
    """The shop's new-order notice, to each active member's e-mail (only this shop's lines)."""
    with mail_locale():
        try:
            order = Order.objects.select_related("shop", "shipping_address", "purchase").get(
                pk=order_id
            )
        except Exception:  # noqa: BLE001 -- logged; the other notices still go
            logger.exception("Shop notice: cannot load order %s", order_id)
            return
        _send_shop_notice(order)


def send_order_status_changed(order_id: int) -> None:
    """The buyer's shop order moved: its delivery status and payment status as they are now,
    and each parcel on its way (carrier, tracking code and link, the cash to prepare)."""
    with mail_locale():
        try:
            order = Order.objects.select_related(
                "shop", "shipping_address", "purchase", "user"
            ).get(pk=order_id)
            part = _order_part(order)
            tracking = orders_tracking([order])[order.pk]
            context = {
                "order": order,
                "purchase": order.purchase,
                "part": part,
                # The parcels still on their way: carrier, tracking code and page, cash to prepare.
                "parcels": [parcel for parcel in tracking.parcels if parcel.in_transit],
                "buyer_name": _buyer_name(order.user, [part]),
                "purchase_url": purchase_url(order.purchase) if order.purchase_id else "",
                **_common_context(),
            }
        except Exception:  # noqa: BLE001
            logger.exception("Order status mail: cannot prepare order %s", order_id)
            return
        _send_buyer_mail(
            ORDER_STATUS_CHANGED,
            context,
            [order],
            user=order.user,
            email=order.purchase.email if order.purchase_id else order.guest_email,
        )


# --- building the context --------------------------------------------------------------


def _fresh_purchase(purchase_id: int) -> Purchase | None:
    try:
        return Purchase.objects.select_related("user").get(pk=purchase_id)
    except Exception:  # noqa: BLE001
        logger.exception("Purchase mail: cannot load purchase %s", purchase_id)
        return None


def _purchase_orders(purchase: Purchase) -> list[Order]:
    return list(
        Order.objects.filter(purchase=purchase)
        .select_related("shop", "shipping_address")
        .prefetch_related("lines")
        .order_by("pk")
    )


def _common_context() -> dict:
    return {"marketplace_name": settings.MARKETPLACE_NAME, "site_url": settings.SITE_URL}


def _shop_lines(order: Order) -> list:
    """The order's lines of its own shop (an order is one shop's; this makes sure of it)."""
    return [
        line
        for line in order.lines.all()
        if order.shop_id is None or line.partner_id == order.shop_id
    ]


def _status_of(order: Order, lines) -> str:
    statuses = {normalize_status(line.status) for line in lines}
    if len(statuses) == 1:
        return statuses.pop()
    return normalize_status(order.status)


def _phone(address) -> str:
    phone = getattr(address, "phone_number", None)
    if not phone:
        return ""
    return getattr(phone, "as_national", "") or str(phone)


def _address_text(address) -> str:
    if address is None:
        return ""
    parts = [getattr(address, name, "") for name in ("line1", "line2", "line3", "line4", "state")]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def _order_part(order: Order) -> dict:
    """What the templates show of one shop order."""
    lines = _shop_lines(order)
    status = _status_of(order, lines)
    cancel_reasons = []
    for line in lines:
        note = (line.partner_line_notes or "").strip()
        if line.status == OrderStatus.CANCELLED and note and note not in cancel_reasons:
            cancel_reasons.append(note)
    address = order.shipping_address
    return {
        "order": order,
        "number": order.number,
        "shop_name": order.shop.name if order.shop_id else "",
        "lines": [
            {
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": line.unit_price_incl_tax,
                "price": line.line_price_incl_tax,
                "status_label": OrderStatus.label(line.status),
            }
            for line in lines
        ],
        "items_total": order.basket_total_incl_tax,
        "shipping_name": order.shipping_method,
        "shipping_fee": order.shipping_incl_tax,
        "total": order.total_incl_tax,
        "status": status,
        "status_label": OrderStatus.label(status),
        "is_cancelled": status == OrderStatus.CANCELLED,
        "cancel_reason": "; ".join(cancel_reasons),
        "payment_method_label": order.get_payment_method_display(),
        "payment_status": order.payment_status,
        "payment_status_label": order.get_payment_status_display(),
        "amount_paid": order.amount_paid,
        "amount_refunded": order.amount_refunded,
        "recipient": getattr(address, "first_name", "") if address else "",
        "address": _address_text(address),
        "phone": _phone(address),
        "delivery_note": getattr(address, "notes", "") if address else "",
    }


def _buyer_name(user, parts: list[dict]) -> str:
    """The buyer's name for the greeting: their account's name, else the recipient's."""
    name = user.get_full_name().strip() if user is not None else ""
    return name or (parts[0]["recipient"].strip() if parts else "")


def _purchase_context(purchase: Purchase, orders: list[Order]) -> dict:
    parts = [_order_part(order) for order in orders]
    return {
        "purchase": purchase,
        "parts": parts,
        "buyer_name": _buyer_name(purchase.user, parts),
        "payment_method": purchase.payment_method,
        "payment_method_label": purchase.get_payment_method_display(),
        "is_cod": purchase.payment_method == PaymentMethod.COD,
        "is_bank_transfer": purchase.payment_method == PaymentMethod.BANK_TRANSFER,
        "is_card": purchase.is_card,
        "purchase_url": purchase_url(purchase),
        "items_total": purchase.total - purchase.shipping_total,
        **_common_context(),
    }


# --- sending ---------------------------------------------------------------------------


_BLANK_LINES = re.compile(r"\n[ \t]*(\n[ \t]*)+\n")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def _render(code: str, context: dict) -> dict | None:
    try:
        messages = Dispatcher().get_messages(code, context)
    except Exception:  # noqa: BLE001
        logger.exception("Mail %s: rendering failed", code)
        return None
    body = _TRAILING_SPACE.sub("\n", messages.get("body") or "")
    messages["body"] = _BLANK_LINES.sub("\n\n", body).strip() + "\n"
    messages["subject"] = " ".join(messages["subject"].split())
    return messages


def _event_type(code: str):
    event_type, _created = CommunicationEventType.objects.get_or_create(
        code=code,
        defaults={"name": str(EVENT_NAMES[code]), "category": CommunicationEventType.ORDER_RELATED},
    )
    return event_type


def _record(code: str, orders) -> None:
    try:
        event_type = _event_type(code)
        CommunicationEvent.objects.bulk_create(
            [CommunicationEvent(order=order, event_type=event_type) for order in orders]
        )
    except Exception:  # noqa: BLE001
        logger.exception("Mail %s: could not record the communication event", code)


def _deliver(code: str, messages: dict, *, user=None, email: str = "") -> bool:
    """Send one rendered mail to a user (their address) or to a bare address. True if sent."""
    dispatcher = Dispatcher(logger=logger)
    try:
        if user is not None and getattr(user, "email", ""):
            sent = dispatcher.dispatch_user_messages(user, messages)
        elif email:
            sent = dispatcher.dispatch_anonymous_messages(email, messages)
        else:
            # A guest who gave no e-mail (ADR 0038): reached by phone and the order link.
            logger.info("Mail %s: no address to send to", code)
            return False
    except Exception:  # noqa: BLE001 -- SMTP down, bad address: log and move on
        logger.exception("Mail %s: sending failed", code)
        return False
    return bool(sent and sent.get("email"))


def _send_buyer_mail(code: str, context: dict, orders, *, user, email: str) -> bool:
    messages = _render(code, context)
    if messages is None:
        return False
    if _deliver(code, messages, user=user, email=email):
        _record(code, orders)
        return True
    return False


def _send_to_buyer(code: str, purchase: Purchase, context: dict, orders) -> bool:
    return _send_buyer_mail(code, context, orders, user=purchase.user, email=purchase.email)


def _shop_recipients(order: Order) -> list:
    return shop_notice_recipients(order.shop if order.shop_id else None, roles=SHOP_NOTICE_ROLES)


def _send_shop_notice(order: Order) -> bool:
    """Each recipient gets a mail of their own (no member sees the others' addresses)."""
    try:
        recipients = _shop_recipients(order)
        if not recipients:
            logger.warning(
                "Shop notice for order %s: the shop has no member with an e-mail", order.number
            )
            return False
        context = {
            "order": order,
            "part": _order_part(order),
            "seller_url": seller_order_url(order),
            **_common_context(),
        }
    except Exception:  # noqa: BLE001
        logger.exception("Shop notice: cannot prepare order %s", getattr(order, "number", None))
        return False
    messages = _render(SHOP_NEW_ORDER, context)
    if messages is None:
        return False
    sent = False
    for user in recipients:
        sent = _deliver(SHOP_NEW_ORDER, messages, user=user) or sent
    if sent:
        _record(SHOP_NEW_ORDER, [order])
    return sent


def _notify_shops(orders: list[Order]) -> None:
    """Tell each shop of its order once: an order that already has a notice is skipped."""
    try:
        told = set(
            CommunicationEvent.objects.filter(
                order__in=orders, event_type__code=SHOP_NEW_ORDER
            ).values_list("order_id", flat=True)
        )
    except Exception:  # noqa: BLE001
        logger.exception("Shop notices: cannot read the communication events")
        told = set()
    for order in orders:
        if order.pk in told or order.status == OrderStatus.CANCELLED:
            continue
        _send_shop_notice(order)
