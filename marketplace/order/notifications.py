"""E-mails about purchases and shop orders, sent through Oscar's communication app.

Called by the checkout and payment services once their transaction has committed:

- `purchase_placed(purchase)`: the buyer's confirmation of the whole purchase (every shop's
  part); for COD and bank transfer each shop also gets its new-order notice now;
- `purchase_paid(purchase)`: the buyer's "payment received"; each shop of a card purchase
  gets its new-order notice (a card purchase reaches the shops only once it is paid);
- `shop_new_order(order)`: one shop's notice, with its own lines only;
- `order_status_changed(order)`: the buyer hears where their shop order stands.

Each of these only enqueues a task (marketplace/order/tasks.py) with the id: the task loads
the purchase or order and renders the mail when it runs (`send_*` below). With the database
task backend (production) the work waits in the database until `manage.py tasks_worker`
runs it, so a worker restart loses none of it; with the immediate backend (dev, tests) it
runs at once, in the caller (docs/decisions/0012-background-tasks.md).

Templates are Oscar's file templates `oscar/communication/emails/commtype_<code>_*` (the
theme overrides ORDER_PLACED and adds the others); rendering goes through
`CommunicationEventType.objects.get_and_render`, so programme staff can still override a
text in Oscar's dashboard. Every mail is rendered in Vietnamese (docs/decisions/0005: the
language a visitor picks lives only in a browser cookie, which a webhook or a later seller
action does not have) with dates in Asia/Ho_Chi_Minh.

Sending never breaks the caller: enqueueing failures are logged, each mail is sent on its
own, and a failure (SMTP down, a template error) is logged and skipped. Each mail sent is recorded as Oscar's
`CommunicationEvent` on the order(s) it was about.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class, get_model

from marketplace.order.models import Order, PaymentMethod, Purchase

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

MAIL_LANGUAGE = "vi"
MAIL_TIME_ZONE = "Asia/Ho_Chi_Minh"
ACCESS_SALT = "purchase-access"
# The buyer's confirmation page (the checkout views add it at this path).
PURCHASE_PATH = "/checkout/purchases/{number}/{token}/"

# Who in a shop hears about its new orders. Helpers included: they run the shop for a
# household seller who is not online, so without them nobody may act on the order, and the
# notice shows nothing their seller-workspace access does not already show.
SHOP_NOTICE_ROLES = ("owner", "staff", "helper")


# --- the buyer's link to the purchase ---------------------------------------------------


def _signer() -> signing.Signer:
    return signing.Signer(salt=ACCESS_SALT)


def purchase_access_token(purchase: Purchase) -> str:
    """The signature of the purchase number: with the number, it opens the purchase page.

    No expiry (the link in the confirmation mail must keep working); the number is in the
    URL already, so the token is the signature alone (URL-safe base64).
    """
    return _signer().signature(str(purchase.number))


def purchase_from_token(number, token) -> Purchase | None:
    """The purchase `number` when `token` is its signature, else None (constant-time check)."""
    if not number or not token:
        return None
    number, token = str(number), str(token)
    if len(number) > 32 or len(token) > 128:
        return None
    try:
        # unsign compares with constant_time_compare (and accepts SECRET_KEY_FALLBACKS).
        value = _signer().unsign(f"{number}{_signer().sep}{token}")
    except signing.BadSignature:
        return None
    if value != number:
        return None
    return Purchase.objects.filter(number=number).first()


def purchase_url(purchase: Purchase) -> str:
    """Absolute URL of the buyer's confirmation page (VietQR for a bank transfer)."""
    path = PURCHASE_PATH.format(number=purchase.number, token=purchase_access_token(purchase))
    return settings.SITE_URL.rstrip("/") + path


def seller_order_url(order: Order) -> str:
    if order.shop_id is None:
        return ""
    try:
        path = reverse(
            "seller:order-detail",
            kwargs={"shop_code": order.shop.code, "order_number": order.number},
        )
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


# --- public API ------------------------------------------------------------------------


def _never_raises(function):
    """A notice must never break the checkout or the payment that triggered it."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:  # noqa: BLE001
            logger.exception("Notification %s failed", function.__name__)
            return None

    return wrapper


@_never_raises
def purchase_placed(purchase: Purchase) -> None:
    """Queue the buyer's confirmation; for COD and bank transfer, each shop's notice too."""
    _tasks().purchase_placed_mail.enqueue(purchase.pk)


@_never_raises
def purchase_paid(purchase: Purchase) -> None:
    """Queue "payment received" to the buyer and the notice of each shop not yet told."""
    _tasks().purchase_paid_mail.enqueue(purchase.pk)


@_never_raises
def shop_new_order(order: Order) -> None:
    """Queue the shop's new-order notice (only this shop's lines)."""
    _tasks().shop_new_order_mail.enqueue(order.pk)


@_never_raises
def order_status_changed(order: Order) -> None:
    """Queue the buyer's mail about where their shop order stands."""
    _tasks().order_status_changed_mail.enqueue(order.pk)


def _tasks():
    from marketplace.order import tasks

    return tasks


# --- sending (what the tasks run; each loads what it needs by id, when it runs) ----------


def send_purchase_placed(purchase_id: int) -> None:
    """Confirmation to the buyer; for COD and bank transfer, each shop's notice now."""
    with _mail_locale():
        purchase = _fresh_purchase(purchase_id)
        if purchase is None or purchase.status == Purchase.Status.CANCELLED:
            return
        orders = _purchase_orders(purchase)
        _send_to_buyer(ORDER_PLACED, purchase, _purchase_context(purchase, orders), orders)
        if not purchase.is_card:
            _notify_shops(orders)


def send_purchase_paid(purchase_id: int) -> None:
    """Payment received, to the buyer; each shop that has not heard of its order yet is told."""
    with _mail_locale():
        purchase = _fresh_purchase(purchase_id)
        if purchase is None:
            return
        orders = _purchase_orders(purchase)
        _send_to_buyer(ORDER_PAID, purchase, _purchase_context(purchase, orders), orders)
        _notify_shops(orders)


def send_shop_new_order(order_id: int) -> None:
    """The shop's new-order notice, to each active member's e-mail (only this shop's lines)."""
    with _mail_locale():
        try:
            order = Order.objects.select_related("shop", "shipping_address", "purchase").get(
                pk=order_id
            )
        except Exception:  # noqa: BLE001 -- logged; the other notices still go
            logger.exception("Shop notice: cannot load order %s", order_id)
            return
        _send_shop_notice(order)


def send_order_status_changed(order_id: int) -> None:
    """The buyer's shop order moved: its delivery status and payment status as they are now."""
    with _mail_locale():
        try:
            order = Order.objects.select_related(
                "shop", "shipping_address", "purchase", "user"
            ).get(pk=order_id)
            part = _order_part(order)
            context = {
                "order": order,
                "purchase": order.purchase,
                "part": part,
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


@contextmanager
def _mail_locale():
    with translation.override(MAIL_LANGUAGE), timezone.override(MAIL_TIME_ZONE):
        yield


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
    from shops.seller.operations.services import normalize_status

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
    from shops.seller.operations.services import LineStatus

    lines = _shop_lines(order)
    status = _status_of(order, lines)
    cancel_reasons = []
    for line in lines:
        note = (line.partner_line_notes or "").strip()
        if line.status == LineStatus.CANCELLED and note and note not in cancel_reasons:
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
                "status_label": LineStatus.label(line.status),
            }
            for line in lines
        ],
        "items_total": order.basket_total_incl_tax,
        "shipping_name": order.shipping_method,
        "shipping_fee": order.shipping_incl_tax,
        "total": order.total_incl_tax,
        "status": status,
        "status_label": LineStatus.label(status),
        "is_cancelled": status == LineStatus.CANCELLED,
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
            logger.warning("Mail %s: no address to send to", code)
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
    from shops.models import ShopMember

    if order.shop_id is None:
        return []
    members = (
        ShopMember.objects.active()
        .filter(shop_id=order.shop_id, role__in=SHOP_NOTICE_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    seen, users = set(), []
    for member in members:
        address = (member.user.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            users.append(member.user)
    return users


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
        if order.pk in told or order.status == "cancelled":
            continue
        _send_shop_notice(order)
