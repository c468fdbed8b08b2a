"""Oscar's order EventHandler, overridden by name: staff status changes go through the lifecycle.

Programme staff can change an order's status in Oscar's dashboard (/dashboard/orders/).
Oscar's own handler sets the status and cascades it to the lines, and moves no stock; here
the change is the same transition a shop makes (marketplace/order/lifecycle.py), so the
stock, the payment state, the audit log and the buyer's e-mail follow. Lines cannot be
moved one by one from the dashboard (OSCAR_LINE_STATUS_PIPELINE is empty).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from oscar.apps.order import processing
from oscar.apps.payment.exceptions import PaymentError

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import OrderError, order_transition
from marketplace.order.statuses import OrderStatus


class EventHandler(processing.EventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        if new_status in OrderStatus.SHIPMENT_MOVES:
            raise PaymentError(
                _("Giao hàng và kết quả giao được ghi ở trang đơn hàng của cửa hàng.")
            )
        reason = ""
        if new_status in OrderStatus.REASON_REQUIRED:
            # Oscar's status form has no reason field; the buyer is told who cancelled.
            reason = _("Ban quản lý chương trình hủy đơn")
        try:
            order_transition(
                order=order, to_status=new_status, actor=self.user,
                acting_as=AuditEvent.Capacity.PROGRAMME, reason=reason,
            )
        except OrderError as exc:
            # Oscar's dashboard views show a PaymentError's message for a refused change.
            raise PaymentError(str(exc)) from exc
        order.refresh_from_db(fields=["status"])
        if note_msg:
            self.create_note(order, note_msg)
