"""E-mails about purchases and shop orders as background tasks (django-tasks).

`marketplace.order.notifications` enqueues these with ids only; each task loads the purchase
or order and composes its mail when it runs (marketplace/order/mails.py), so a mail sent an
hour late by a worker that was down still tells the order as it stands
(docs/decisions/0012-background-tasks.md).
"""

from __future__ import annotations

from django_tasks import task

from marketplace.order import mails


@task()
def purchase_placed_mail(purchase_id: int) -> None:
    mails.send_purchase_placed(purchase_id)


@task()
def purchase_paid_mail(purchase_id: int) -> None:
    mails.send_purchase_paid(purchase_id)


@task()
def shop_new_order_mail(order_id: int) -> None:
    mails.send_shop_new_order(order_id)


@task()
def order_status_changed_mail(order_id: int) -> None:
    mails.send_order_status_changed(order_id)
