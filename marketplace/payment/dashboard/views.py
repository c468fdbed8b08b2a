"""/dashboard/payments/: programme staff see every shop's order payments, mark bank
transfers received (into the programme's or a shop's account) and refund paid orders;
/dashboard/payments/card-review/: card payments the webhook left to them
(marketplace/payment/card_reviews.py).

Staff only (`is_staff`): anonymous visitors are sent to sign in, everyone else gets 403.
Writes go through the payment services (conditional updates; recorded as "programme").
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from marketplace.core.decision_queue import Decision, DecisionView, QueueListView, next_or
from marketplace.core.models import AuditEvent
from marketplace.core.money import format_vnd
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.order.models import Order
from marketplace.payment import card_reviews
from marketplace.payment.dashboard.forms import CardReviewFilterForm, PaymentFilterForm, RefundForm
from marketplace.payment.dashboard.selectors import (
    card_review_status_counts,
    payment_order_or_404,
    payment_orders,
)
from marketplace.payment.dashboard.selectors import card_reviews as card_review_list
from marketplace.payment.models import CardPaymentReview
from marketplace.payment.refunds import order_refund
from marketplace.payment.services import PaymentError, order_mark_paid

ACTING_AS = AuditEvent.Capacity.PROGRAMME


class RefundFormMixin:
    """A refund form (amount, reason) for one order, shared by the seller workspace and the
    staff dashboard: the view gives `get_order()`, `acting_as` and `refunded_url(order)`."""

    form_class = RefundForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["order"] = self.get_order()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["order"] = self.get_order()
        return context

    def form_valid(self, form):
        order = self.get_order()
        amount = form.cleaned_data["amount"]
        try:
            order_refund(
                order, amount=amount, actor=self.request.user, acting_as=self.acting_as,
                reason=form.cleaned_data["reason"],
            )
        except PaymentError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            order.refresh_from_db()
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã hoàn %(amount)s cho người mua (đơn #%(number)s).")
            % {"amount": format_vnd(amount), "number": order.number},
        )
        return redirect(self.refunded_url(order))


#: the one decision of the list (refunds have their own form, RefundView)
DECISIONS = {
    "paid": Decision(
        service=partial(order_mark_paid, acting_as=ACTING_AS),
        asks_reason=False,
        success=gettext_lazy("Đã ghi nhận %(amount)s cho đơn #%(number)s (%(shop)s)."),
    ),
}


class PaymentListView(QueueListView):
    template_name = "payment/dashboard/order_list.html"
    context_object_name = "orders"
    title = gettext_lazy("Thanh toán đơn hàng")
    heading = gettext_lazy("Thanh toán đơn hàng của các cửa hàng")
    body_class = "payments-dashboard"
    filter_form_class = PaymentFilterForm
    invalid_filter_message = gettext_lazy("Bộ lọc không hợp lệ đã được bỏ qua.")

    def list_items(self, **filters):
        return payment_orders(**filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["awaiting_transfer"] = Order.PaymentStatus.AWAITING_TRANSFER
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


class MarkTransferReceivedView(DecisionView):
    """A bank transfer arrived for this shop order (staff checked the account statement)."""

    http_method_names = View.http_method_names
    decisions = DECISIONS
    action = "paid"
    subject = "order"  # PaymentError is a Refused: the base shows its messages

    def get_object(self, queryset=None) -> Order:
        return payment_order_or_404(self.kwargs["order_number"])

    def get(self, request, *args, **kwargs):
        self.get_object()  # an unknown order is a 404 before the 405
        return HttpResponseNotAllowed(["POST"])

    def describe(self, item) -> dict:
        return {
            "amount": format_vnd(item.amount_paid),
            "number": item.number,
            "shop": item.shop.name if item.shop_id else "—",
        }

    def get_success_url(self) -> str:
        return next_or(self.request, reverse("payments-dashboard:list"))


class RefundView(ProgrammeStaffRequiredMixin, RefundFormMixin, FormView):
    template_name = "payment/dashboard/refund.html"

    def get_order(self) -> Order:
        if not hasattr(self, "order"):
            self.order = payment_order_or_404(self.kwargs["order_number"])
        return self.order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next", "")
        return context

    acting_as = ACTING_AS

    def refunded_url(self, order) -> str:
        return next_or(self.request, reverse("payments-dashboard:list"))


CARD_REVIEW_DECISIONS = {
    "refund": Decision(
        service=card_reviews.card_review_refund,
        success=gettext_lazy("Đã hoàn tiền trên Stripe cho %(purchase)s."),
        offered_for=(CardPaymentReview.Status.OPEN,), label=gettext_lazy("Hoàn tiền trên Stripe"),
        style="danger",
    ),
    "accept": Decision(
        service=card_reviews.card_review_accept,
        success=gettext_lazy("Đã ghi nhận %(purchase)s là đã thanh toán."),
        offered_for=(CardPaymentReview.Status.OPEN,), label=gettext_lazy("Ghi nhận đã thanh toán"),
    ),
    "close": Decision(
        service=card_reviews.card_review_close, reason_required=True,
        success=gettext_lazy("Đã đóng trường hợp của %(purchase)s."),
        offered_for=(CardPaymentReview.Status.OPEN,), label=gettext_lazy("Đóng kèm lý do"),
        style="secondary",
    ),
}


class CardReviewListView(QueueListView):
    template_name = "payment/dashboard/card_review_list.html"
    context_object_name = "reviews"
    title = gettext_lazy("Thanh toán thẻ cần quyết định")
    body_class = "card-review-dashboard"
    filter_form_class = CardReviewFilterForm
    status_choices = CardPaymentReview.Status.choices

    def list_items(self, **filters):
        return card_review_list(**filters)

    def count_statuses(self):
        return card_review_status_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decisions"] = CARD_REVIEW_DECISIONS
        context["open_status"] = CardPaymentReview.Status.OPEN
        return context


class CardReviewDecisionView(DecisionView):
    model = CardPaymentReview
    decisions = CARD_REVIEW_DECISIONS
    subject = "review"

    def describe(self, item) -> dict:
        return {"purchase": item.purchase.number if item.purchase_id else item.key}

    def get_success_url(self) -> str:
        return next_or(self.request, reverse("payments-dashboard:card-review"))
