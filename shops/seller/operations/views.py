"""Seller workspace, operations side: orders (own lines only), shipping options, OCOP
certificates, members and the shop's history. Views are thin: reads in `selectors`, writes
with their noun (shops/shipping.py, shops/services.py, shops/membership.py,
catalogue/certificates.py; order lines in marketplace/order/lifecycle.py); every queryset
starts from `self.shop`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from catalogue.certificates import certificate_submit
from marketplace.complaints.selectors import order_live_complaint
from marketplace.core.addresses import address_parts
from marketplace.core.errors import Refused
from marketplace.core.money import format_vnd
from marketplace.core.staff import private_file_response
from marketplace.order.carriers import TrackingCodeError
from marketplace.order.lifecycle import OrderError, order_lines_transition, refund_due
from marketplace.order.models import Shipment
from marketplace.order.selectors import (
    ORDER_TAB_DEFAULT,
    ORDER_TABS,
    order_tab,
    shop_order_tab_counts,
    shop_orders_in_tab,
    shop_orders_page,
)
from marketplace.order.shipments import (
    shipment_cod_amount,
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_reattempt,
    shipment_returned,
)
from marketplace.order.statuses import OrderStatus
from marketplace.payment import transfer, vietqr
from marketplace.payment.dashboard.forms import RefundForm
from marketplace.payment.dashboard.views import RefundFormMixin
from marketplace.payment.services import PaymentError, cod_collection_refusal, order_mark_paid
from marketplace.tax.reports import threshold_status
from shops.access import seller_shop_or_404
from shops.invitations import invitation_revoke, invitation_send
from shops.membership import shop_member_revoke
from shops.models import ShippingOption, ShopMember
from shops.selectors import pending_invitations
from shops.seller.mixins import OwnerRequiredMixin, SellerShopMixin
from shops.seller.operations import selectors
from shops.seller.operations.forms import (
    BankAccountForm,
    CertificateForm,
    HandOverForm,
    LineStatusForm,
    MemberAddForm,
    MemberRevokeForm,
    ShipmentOutcomeForm,
    ShippingOptionForm,
)
from shops.services import BANK_FIELDS, shop_bank_account_save
from shops.shipping import shipping_option_delete, shipping_option_save

PAGE_SIZE = 20

#: who may record money for the shop (payment received, refunds); helpers may not
MONEY_ROLES = (ShopMember.Role.OWNER, ShopMember.Role.STAFF)


class MoneyRoleRequiredMixin(SellerShopMixin):
    """The shop's owner or staff. A helper, like a stranger, gets 404 (as OwnerRequiredMixin)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.shop, self.membership = seller_shop_or_404(request.user, kwargs["shop_code"])
            if self.membership.role not in MONEY_ROLES:
                raise Http404("Only the owner or the shop's staff may do this")
        return super(SellerShopMixin, self).dispatch(request, *args, **kwargs)


class ShopUrlMixin:
    def shop_url(self, name: str, **kwargs) -> str:
        return reverse(f"seller:{name}", kwargs={"shop_code": self.shop.code, **kwargs})


class OverviewView(SellerShopMixin, ShopUrlMixin, TemplateView):
    template_name = "seller/operations/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.overview_summary(shop=self.shop)
        context["todo"] = self.todo()
        context["tax_threshold"] = threshold_status(shop=self.shop)
        return context

    def todo(self) -> list[dict]:
        """"Việc cần làm": what waits for the shop, each a count and the page that lists it."""
        counts = shop_order_tab_counts(shop=self.shop)
        orders_url = self.shop_url("orders")
        items = [
            {"key": tab.key, "label": tab.label, "count": counts[tab.key],
             # Cases have their own page, with the shop's deadline to answer each one.
             # (those still being handled: the list's "Đang xử lý" filter).
             "url": f"{self.shop_url('complaints')}?status=active" if tab.key == "complaints"
             else f"{orders_url}?tab={tab.key}"}
            for tab in map(order_tab, TODO_TABS)
        ]
        items.append({
            "key": "low_stock", "label": _lazy("Sắp hết hàng"),
            "count": selectors.low_stock_count(shop=self.shop), "url": f"{self.shop_url('stock')}?low=1",
        })
        return items


#: the order tabs the overview's "Việc cần làm" counts (marketplace/order/selectors.py)
TODO_TABS = ("pending", "to_ship", "failed", "complaints")


# --- orders ------------------------------------------------------------------------------


class OrderListView(SellerShopMixin, ListView):
    """The shop's orders by tab (`?tab=<key>`, ORDER_TABS; unknown → every order), each tab
    with its count. Constant queries: the counts (one), the page, its lines and parcels."""

    template_name = "seller/operations/order_list.html"
    context_object_name = "orders"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.tab = order_tab(self.request.GET.get("tab"))
        self.tab_counts = shop_order_tab_counts(shop=self.shop)
        return shop_orders_in_tab(shop=self.shop, tab=self.tab.key)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        paginator.count = self.tab_counts[self.tab.key]  # counted with the tabs already
        # A page out of range or not a number shows the last or first page, never a 404.
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["orders"] = shop_orders_page(shop=self.shop, orders=context["orders"])
        context["tabs"] = [
            {"key": tab.key, "label": tab.label, "count": self.tab_counts[tab.key],
             "current": tab.key == self.tab.key}
            for tab in ORDER_TABS
        ]
        context["tab"] = self.tab
        context["late_days"] = settings.SHIPMENT_LATE_DAYS
        context["filter_query"] = "" if self.tab is ORDER_TAB_DEFAULT else urlencode({"tab": self.tab.key})
        return context


#: the button that records the money; for COD shown only once the order is delivered
#: (payment.services.cod_collection_refusal), the view refusing it before as well
MARK_PAID_LABELS = {"cod": _lazy("Đã thu tiền (COD)"), "bank_transfer": _lazy("Đã nhận chuyển khoản")}


class OrderDetailView(SellerShopMixin, TemplateView):
    template_name = "seller/operations/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = selectors.order_for_shop_or_404(shop=self.shop, order_number=kwargs["order_number"])
        context.update(
            order=order,
            address=order.shipping_address,
            address_parts=address_parts(order.shipping_address),
            status_groups=selectors.order_shop_status_groups(order=order),
            shop_subtotal=selectors.shop_order_subtotal(order=order),
            discounts=selectors.shop_order_discounts(order=order),
            events=selectors.order_status_events(shop=self.shop, order=order)[:20],
            payment=selectors.order_payment(shop=self.shop, order=order),
            can_handle_money=self.membership.role in MONEY_ROLES,
            mark_paid_labels=MARK_PAID_LABELS,
            shipments=selectors.order_shipments(shop=self.shop, order=order),
            failure_reasons=Shipment.FailureReason.choices,
        )
        complaint = order_live_complaint(order)
        if complaint and complaint.shop_id == self.shop.pk:
            context["complaint"] = complaint
        confirmed = selectors.shop_order_confirmed_lines(order=order)
        if confirmed:
            context["hand_over_form"] = kwargs.get("hand_over_form") or HandOverForm(
                confirmed_lines=confirmed, auto_id="ship_%s"
            )
            context["cod_preview"] = shipment_cod_amount(order=order, lines=confirmed)
        if context["payment"] and order.refundable and context["can_handle_money"]:
            context["refund_form"] = RefundForm(order=order, auto_id="refund_%s")
        return context

    def post(self, request, *args, **kwargs):
        # Look the order up first: another shop's order number is a 404, not a 405.
        selectors.order_for_shop_or_404(shop=self.shop, order_number=kwargs["order_number"])
        return HttpResponseNotAllowed(["GET"])


class PostOnlyMixin:
    """A POST endpoint whose GET still looks the object up first, so another shop's id
    answers 404 (not 405, which would confirm that the object exists)."""

    def get(self, request, *args, **kwargs):
        self.get_object()
        return HttpResponseNotAllowed(["POST"])


class OrderStatusView(SellerShopMixin, PostOnlyMixin, View):
    def get_object(self):
        return selectors.order_for_shop_or_404(shop=self.shop, order_number=self.kwargs["order_number"])

    def post(self, request, *args, **kwargs):
        order = self.get_object()
        detail_url = reverse(
            "seller:order-detail", kwargs={"shop_code": self.shop.code, "order_number": order.number}
        )
        form = LineStatusForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(detail_url)
        from_status, to_status = form.cleaned_data["from_status"], form.cleaned_data["to_status"]
        if (to_status in OrderStatus.SHIPMENT_MOVES
                and to_status in OrderStatus.TRANSITIONS.get(from_status, ())):
            messages.error(
                request, _("Hãy dùng mục “Giao hàng” để giao cho đơn vị vận chuyển và ghi kết quả giao.")
            )
            return HttpResponseRedirect(detail_url)
        try:
            moved = order_lines_transition(
                shop=self.shop, order=order,
                from_status=form.cleaned_data["from_status"],
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                actor=request.user, acting_as=self.capacity,
            )
        except OrderError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Đã chuyển %(count)s dòng hàng sang “%(status)s”.")
                % {"count": moved, "status": OrderStatus.label(form.cleaned_data["to_status"])},
            )
            if form.cleaned_data["to_status"] == OrderStatus.CANCELLED:
                self.remind_refund(order)
        return HttpResponseRedirect(detail_url)

    def remind_refund(self, order) -> None:
        """Cancelling never refunds by itself: say what the buyer paid and is owed."""
        order.refresh_from_db(fields=["amount_paid", "amount_refunded", "status", "shop"])
        if order.shop_id != self.shop.pk or not order.refundable:
            return
        messages.warning(
            self.request,
            _("Người mua đã thanh toán %(amount)s cho đơn này. Hãy hoàn tiền cho người mua "
              "ở mục “Thanh toán” bên dưới.") % {"amount": format_vnd(order.refundable)},
        )


class OrderShipView(PostOnlyMixin, OrderDetailView):
    """Hand the confirmed products to a carrier: a parcel with its carrier and tracking code.

    A refused hand-over shows the order page again with the seller's input and the errors.
    """

    def get_object(self):
        return selectors.order_for_shop_or_404(shop=self.shop, order_number=self.kwargs["order_number"])

    def post(self, request, *args, **kwargs):
        order = self.get_object()
        form = HandOverForm(
            request.POST, confirmed_lines=selectors.shop_order_confirmed_lines(order=order),
            auto_id="ship_%s",
        )
        if form.is_valid():
            try:
                shipment = shipment_hand_over(
                    shop=self.shop, order=order, carrier=form.cleaned_data["carrier"],
                    tracking_code=form.cleaned_data["tracking_code"],
                    shipping_fee=form.cleaned_data["shipping_fee"],
                    line_ids=[int(pk) for pk in form.cleaned_data["lines"]] or None,
                    actor=request.user, acting_as=self.capacity,
                )
            except Refused as exc:
                form.add_error(
                    "tracking_code" if isinstance(exc, TrackingCodeError) else None, str(exc)
                )
            else:
                message = _("Đã giao %(count)s sản phẩm cho %(carrier)s.") % {
                    "count": shipment.lines.count(),
                    "carrier": dict(form.fields["carrier"].choices)[shipment.carrier],
                }
                if shipment.cod_amount:
                    message += " " + _("Đơn vị vận chuyển thu hộ %(amount)s.") % {
                        "amount": format_vnd(shipment.cod_amount)
                    }
                messages.success(request, message)
                return redirect(
                    "seller:order-detail", shop_code=self.shop.code, order_number=order.number
                )
        return self.render_to_response(
            self.get_context_data(order_number=order.number, hand_over_form=form)
        )


class ShipmentOutcomeView(SellerShopMixin, PostOnlyMixin, View):
    """What happened to a parcel: delivered, delivery failed (with a reason), tried again, or
    back at the shop."""

    SERVICES = {
        "delivered": shipment_delivered,
        "reattempt": shipment_reattempt,
        "returned": shipment_returned,
    }
    DONE = {
        "delivered": _lazy("Đã ghi nhận: kiện hàng đã giao cho người mua."),
        "failed": _lazy("Đã ghi nhận: giao không thành công."),
        "reattempt": _lazy("Đã ghi nhận: đơn vị vận chuyển giao lại."),
        "returned": _lazy("Đã nhận hàng hoàn: sản phẩm đã được cộng lại vào tồn kho."),
    }

    def get_object(self):
        order = selectors.order_for_shop_or_404(shop=self.shop, order_number=self.kwargs["order_number"])
        return get_object_or_404(
            Shipment.objects.select_related("order", "shop"),
            pk=self.kwargs["shipment_pk"], order=order, shop=self.shop,
        )

    def post(self, request, *args, **kwargs):
        shipment = self.get_object()
        back = reverse(
            "seller:order-detail",
            kwargs={"shop_code": self.shop.code, "order_number": shipment.order.number},
        ) + f"#shipment-{shipment.pk}"
        form = ShipmentOutcomeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        outcome = form.cleaned_data["outcome"]
        try:
            if outcome == "failed":
                shipment_failed(
                    shipment=shipment, reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"], actor=request.user, acting_as=self.capacity,
                )
            else:
                self.SERVICES[outcome](shipment=shipment, actor=request.user, acting_as=self.capacity)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.DONE[outcome])
            if outcome == "returned":
                shipment.order.refresh_from_db()
                if refund_due(shipment.order) and shipment.order.payment_method != "card":
                    messages.warning(request, _(
                        "Người mua đã thanh toán %(amount)s cho đơn này. Hãy hoàn tiền cho người mua "
                        "ở mục “Thanh toán” bên dưới.") % {"amount": format_vnd(refund_due(shipment.order))})
        return HttpResponseRedirect(back)


class OrderMarkPaidView(MoneyRoleRequiredMixin, ShopUrlMixin, PostOnlyMixin, View):
    """“Đã thu tiền (COD)” / “Đã nhận chuyển khoản”: a conditional update, once per order."""

    def get_object(self):
        return selectors.shop_order_or_404(shop=self.shop, order_number=self.kwargs["order_number"])

    def post(self, request, *args, **kwargs):
        order = self.get_object()
        refusal = cod_collection_refusal(order)
        if refusal:
            messages.error(request, refusal)
            return redirect(self.shop_url("order-detail", order_number=order.number))
        try:
            order_mark_paid(order, actor=request.user, acting_as=self.capacity)
        except PaymentError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Đã ghi nhận thanh toán %(amount)s cho đơn #%(number)s.")
                % {"amount": format_vnd(order.amount_paid), "number": order.number},
            )
        return redirect(self.shop_url("order-detail", order_number=order.number))


class OrderRefundView(MoneyRoleRequiredMixin, ShopUrlMixin, RefundFormMixin, FormView):
    """Refund part or all of the shop's paid order: at Stripe for a card payment, recorded
    as made by the shop itself (cash, transfer) for COD and bank transfer."""

    template_name = "seller/operations/order_refund.html"

    def get_order(self):
        if not hasattr(self, "order"):
            self.order = selectors.shop_order_or_404(
                shop=self.shop, order_number=self.kwargs["order_number"]
            )
        return self.order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payment"] = selectors.order_payment(shop=self.shop, order=self.get_order())
        return context

    @property
    def acting_as(self):
        return self.capacity

    def refunded_url(self, order) -> str:
        return self.shop_url("order-detail", order_number=order.number)


# --- payment settings ------------------------------------------------------------------------


class PaymentSettingsView(OwnerRequiredMixin, ShopUrlMixin, FormView):
    """The shop's bank account for VietQR transfers (owner only), with a preview code."""

    template_name = "seller/operations/payment_settings.html"
    form_class = BankAccountForm

    def get_initial(self):
        return {name: getattr(self.shop, name) for name in (*BANK_FIELDS, "transfers_to_shop")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = vietqr_preview(self.shop)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            changed = shop_bank_account_save(
                shop=self.shop, bank_bin=data["bank_bin"], account_number=data["bank_account_number"],
                account_name=data["bank_account_name"], actor=self.request.user,
                acting_as=self.capacity, transfers_to_shop=data["transfers_to_shop"],
            )
        except Refused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, _("Đã lưu tài khoản nhận chuyển khoản."))
        else:
            messages.info(self.request, _("Không có thay đổi nào."))
        return redirect(self.shop_url("payment-settings"))


def vietqr_preview(shop) -> dict | None:
    """A static VietQR (no amount: the scanning app shows the payee and asks for the sum)
    of the account buyers pay now, so the owner can scan it and check the name shown."""
    payee = transfer.payee_for(shop)
    if payee is None:
        return None
    try:
        payload = vietqr.build_payload(bank_bin=payee.bank_bin, account=payee.account, amount=None)
    except vietqr.VietQRError:
        return {"payee": payee, "payload": "", "data_uri": ""}
    return {"payee": payee, "payload": payload, "data_uri": vietqr.qr_data_uri(payload, scale=5)}


# --- shipping options ----------------------------------------------------------------------


class ShippingListView(SellerShopMixin, ListView):
    template_name = "seller/operations/shipping_list.html"
    context_object_name = "options"

    def get_queryset(self):
        return selectors.shipping_options_for_shop(shop=self.shop)


class ShippingFormMixin(SellerShopMixin, ShopUrlMixin):
    template_name = "seller/operations/shipping_form.html"
    form_class = ShippingOptionForm

    def form_valid(self, form):
        shipping_option_save(
            shop=self.shop, option=form.save(commit=False),
            actor=self.request.user, acting_as=self.capacity,
        )
        messages.success(self.request, _("Đã lưu phương thức giao hàng."))
        return redirect(self.shop_url("shipping"))


class ShippingCreateView(ShippingFormMixin, FormView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = ShippingOption(shop=self.shop)
        return kwargs


class ShippingEditView(ShippingFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.option = None
        return super().dispatch(request, *args, **kwargs)

    def get_option(self) -> ShippingOption:
        if self.option is None:
            self.option = get_object_or_404(
                selectors.shipping_options_for_shop(shop=self.shop), pk=self.kwargs["option_pk"]
            )
        return self.option

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_option()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["option"] = self.get_option()
        return context


class ShippingDeleteView(SellerShopMixin, ShopUrlMixin, TemplateView):
    template_name = "seller/operations/shipping_confirm_delete.html"

    def get_option(self) -> ShippingOption:
        return get_object_or_404(
            selectors.shipping_options_for_shop(shop=self.shop), pk=self.kwargs["option_pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["option"] = self.get_option()
        return context

    def post(self, request, *args, **kwargs):
        shipping_option_delete(
            shop=self.shop, option=self.get_option(), actor=request.user, acting_as=self.capacity
        )
        messages.success(request, _("Đã xóa phương thức giao hàng."))
        return redirect(self.shop_url("shipping"))


# --- OCOP certificates ------------------------------------------------------------------


class CertificateListView(SellerShopMixin, ListView):
    template_name = "seller/operations/certificate_list.html"
    context_object_name = "certificates"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.certificates_for_shop(shop=self.shop)


class CertificateCreateView(SellerShopMixin, ShopUrlMixin, FormView):
    template_name = "seller/operations/certificate_form.html"
    form_class = CertificateForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["shop"] = self.shop
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        product_pk = self.request.GET.get("product")
        if product_pk and product_pk.isdigit():
            initial["product"] = product_pk
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            certificate = certificate_submit(
                shop=self.shop, product=data["product"], stars=data["stars"], score=data["score"],
                decision_number=data["decision_number"], issuing_body=data["issuing_body"],
                issued_on=data["issued_on"], scan=data.get("scan"),
                actor=self.request.user, acting_as=self.capacity,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        except Refused as exc:
            form.add_error("product", str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Đã gửi chứng nhận; cán bộ chương trình OCOP sẽ xác minh.")
        )
        return redirect(self.shop_url("certificate-detail", certificate_pk=certificate.pk))


class CertificateDetailView(SellerShopMixin, DetailView):
    template_name = "seller/operations/certificate_detail.html"
    context_object_name = "certificate"
    pk_url_kwarg = "certificate_pk"

    def get_queryset(self):
        return selectors.certificates_for_shop(shop=self.shop)

    def post(self, request, *args, **kwargs):
        self.get_object()  # another shop's certificate is a 404, not a 405
        return HttpResponseNotAllowed(["GET"])


class CertificateScanView(CertificateDetailView):
    """The shop's own certificate scan. Scans are not public media (nginx refuses
    /media/ocop/certificates/); members read them here, staff in /dashboard/ocop/."""

    def get(self, request, *args, **kwargs):
        return private_file_response(self.get_object().scan)


# --- members -----------------------------------------------------------------------------


class MemberListView(SellerShopMixin, ListView):
    template_name = "seller/operations/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return selectors.members_for_shop(shop=self.shop)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_owner"] = self.membership.role == ShopMember.Role.OWNER
        context["revoke_form"] = MemberRevokeForm()
        if context["is_owner"]:
            context["invitations"] = pending_invitations(shop=self.shop)
        return context


class MemberAddView(OwnerRequiredMixin, ShopUrlMixin, FormView):
    """The owner invites an e-mail address; the answer is the same whether it has an account."""

    template_name = "seller/operations/member_form.html"
    form_class = MemberAddForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invitation = invitation_send(
                shop=self.shop, email=data["email"], role=data["role"],
                consent_note=data["consent_note"], actor=self.request.user,
                acting_as=self.capacity,
            )
        except Refused as exc:
            form.add_error("email", str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã gửi lời mời tới %(email)s; người được mời cần chấp nhận.")
            % {"email": invitation.email},
        )
        return redirect(self.shop_url("members"))


class InvitationRevokeView(OwnerRequiredMixin, ShopUrlMixin, PostOnlyMixin, View):
    """Withdraw a pending invitation of this shop; another shop's is a 404."""

    def get_object(self):
        return get_object_or_404(pending_invitations(shop=self.shop), pk=self.kwargs["invitation_pk"])

    def post(self, request, *args, **kwargs):
        invitation = self.get_object()
        try:
            invitation_revoke(
                shop=self.shop, invitation=invitation, actor=request.user, acting_as=self.capacity
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã thu hồi lời mời gửi %(email)s.") % {"email": invitation.email})
        return redirect(self.shop_url("members"))


class MemberRevokeView(OwnerRequiredMixin, ShopUrlMixin, PostOnlyMixin, View):
    def get_object(self):
        return get_object_or_404(
            selectors.members_for_shop(shop=self.shop), pk=self.kwargs["member_pk"]
        )

    def post(self, request, *args, **kwargs):
        member = self.get_object()
        form = MemberRevokeForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            shop_member_revoke(
                shop=self.shop, member=member, actor=request.user, acting_as=self.capacity,
                reason=reason,
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Đã thu hồi quyền của %(user)s.")
                % {"user": member.user.get_full_name() or member.user.email},
            )
        if member.user_id == request.user.pk and member.role != ShopMember.Role.OWNER:
            return redirect("seller:home")
        return redirect(self.shop_url("members"))


# --- history -----------------------------------------------------------------------------


class HistoryView(SellerShopMixin, ListView):
    template_name = "seller/operations/history.html"
    context_object_name = "events"
    paginate_by = 30

    def get_queryset(self):
        return selectors.history_for_shop(shop=self.shop)
