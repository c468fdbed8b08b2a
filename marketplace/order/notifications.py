"""Who hears about a purchase or a shop order, and when: the one door to order e-mails.

The checkout, the order lifecycle and the payment services call these once their
transaction has committed:

- `purchase_placed(purchase)`: the buyer's confirmation of the whole purchase (every shop's
  part); for COD and bank transfer each shop also gets its new-order notice now;
- `purchase_paid(purchase)`: the buyer's "payment received"; each shop of a card purchase
  gets its new-order notice (a card purchase reaches the shops only once it is paid);
- `shop_new_order(order)`: one shop's notice, with its own lines only;
- `order_status_changed(order)`: the buyer hears where their shop order stands.

Each only enqueues a task (marketplace/order/tasks.py) with the id: the task loads the
purchase or order and composes the mail when it runs (marketplace/order/mails.py). With the
database task backend (production) the work waits in the database until
`manage.py tasks_worker` runs it, so a worker restart loses none of it; with the immediate
backend (dev, tests) it runs at once, in the caller (docs/decisions/0012-background-tasks.md).
A notice never breaks the checkout or the payment that triggered it: a failure to enqueue
is logged and swallowed.
"""

from __future__ import annotations

import logging
from functools import wraps

from marketplace.order import tasks
from marketplace.order.models import Order, Purchase

logger = logging.getLogger(__name__)


def _never_raises(function):
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
    tasks.purchase_placed_mail.enqueue(purchase.pk)


@_never_raises
def purchase_paid(purchase: Purchase) -> None:
    """Queue "payment received" to the buyer and the notice of each shop not yet told."""
    tasks.purchase_paid_mail.enqueue(purchase.pk)


@_never_raises
def shop_new_order(order: Order) -> None:
    """Queue the shop's new-order notice (only this shop's lines)."""
    tasks.shop_new_order_mail.enqueue(order.pk)


@_never_raises
def order_status_changed(order: Order) -> None:
    """Queue the buyer's mail about where their shop order stands."""
    tasks.order_status_changed_mail.enqueue(order.pk)
