"""/dashboard/payments/: programme staff see every shop's order payments, mark bank
transfers received (into the programme's or a shop's account) and refund paid orders.

Staff only (`is_staff`): anonymous visitors are sent to sign in, everyone else gets 403.
Writes go through the payment services (conditional updates; recorded as "programme").
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from marketplace.core.models import AuditEvent
from marketplace.core.money import format_vnd
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.order.models import Order
from marketplace.payment.dashboard.forms import PaymentFilterForm, RefundForm
from marketplace.payment.dashboard.selectors import payment_order_or_404, payment_orders
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


def _back(request, fallback: str) -> str:
    """Where to return after an action: the list page (with its filters) it came from."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class PaymentListView(ProgrammeStaffRequiredMixin, ListView):
    template_name = "payment/dashboard/order_list.html"
    context_object_name = "orders"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = PaymentFilterForm(self.request.GET or None)
        if self.request.GET and not self.filter_form.is_valid():
            messages.warning(self.request, _("Bộ lọc không hợp lệ đã được bỏ qua."))
        return payment_orders(
            shop=self.filter_form.shop_filter(), statuses=self.filter_form.statuses()
        )

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["awaiting_transfer"] = Order.PaymentStatus.AWAITING_TRANSFER
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


class MarkTransferReceivedView(ProgrammeStaffRequiredMixin, View):
    """A bank transfer arrived for this shop order (staff checked the account statement)."""

    def get(self, request, *args, **kwargs):
        payment_order_or_404(kwargs["order_number"])
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        order = payment_order_or_404(kwargs["order_number"])
        try:
            order_mark_paid(order, actor=request.user, acting_as=ACTING_AS)
        except PaymentError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(amount)s cho đơn #%(number)s (%(shop)s).")
                % {"amount": format_vnd(order.amount_paid), "number": order.number,
                   "shop": order.shop.name if order.shop_id else "—"},
            )
        return redirect(_back(request, reverse("payments-dashboard:list")))


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
        return _back(self.request, reverse("payments-dashboard:list"))
