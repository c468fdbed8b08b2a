"""Oscar's checkout views, overridden by name for a marketplace checkout.

Steps (Oscar's URLs): delivery address (Vietnamese, province → commune; a guest's phone there
is the recipient's, with an optional e-mail and a link to sign in; a signed-in buyer picks a
saved one) → payment method (COD first) → review (items, quantities, each shop's delivery with
"Đổi", total; back or cancel — Decree 52/2013 as amended by 85/2021) → place. `/checkout/`
(Oscar's gateway) only forwards to the address step; each shop's cheapest delivery is
recorded when the address is, and the delivery page is where "Đổi" leads. The buyer sees
three steps on every page: Giao hàng → Thanh toán → Xác nhận (partials/steps.html).
Placing is `marketplace.checkout.services.purchase_place`; views stay thin.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_GET
from oscar.apps.checkout import signals as checkout_signals
from oscar.apps.checkout import views as oscar_views

from marketplace.checkout.addresses import address_fields_of, saved_addresses
from marketplace.checkout.forms import (
    AddressForm,
    GatewayForm,
    PaymentMethodForm,
    PlaceOrderForm,
    ShippingChoiceForm,
)
from marketplace.checkout.quote import CheckoutError, basket_problems
from marketplace.checkout.services import purchase_place
from marketplace.checkout.session import CheckoutSessionMixin
from marketplace.core.addresses import communes, provinces
from marketplace.core.phones import national_number
from marketplace.order.links import purchase_access_token, purchase_from_token, purchase_link
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.order.tracking import orders_tracking
from marketplace.payment import stripe_client, stripe_payments, vietqr
from marketplace.payment.services import PaymentError
from marketplace.payment.transfer import order_transfer_qr, payee_of_order, purchase_transfer_qr

SESSION_PURCHASE = "checkout_purchase_number"


class IndexView(oscar_views.IndexView):
    """`/checkout/`: everybody goes on to the address step, where a guest gives the phone
    (and an e-mail if they wish) — no page of its own for a guest (ADR 0038).

    A POST of Oscar's gateway form still works as it did (a page open from before, and
    Oscar's sign-in with a password, which the sign-in rate limit counts): phone first,
    e-mail optional; it never tells whether an e-mail has an account."""

    form_class = GatewayForm

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return super().get(request, *args, **kwargs)  # Oscar's: signal, then the address step
        return redirect("checkout:shipping-address")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {
            "username": self.checkout_session.get_guest_email() or "",
            "phone": national_number(self.guest_phone()),
        }
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        next_url = reverse("checkout:index")
        ctx["login_url"] = f"{reverse('customer:login')}?next={next_url}"
        return ctx

    def form_valid(self, form):
        if not form.is_guest_checkout():
            return super().form_valid(form)
        email = form.cleaned_data["username"]
        self.set_guest_contact(phone=form.cleaned_data["phone"], email=email)
        checkout_signals.start_checkout.send_robust(sender=self, request=self.request, email=email)
        return redirect("checkout:shipping-address")


class ShippingAddressView(CheckoutSessionMixin, generic.FormView):
    """Where to deliver, and for a guest how to be reached: the recipient's phone is the
    guest's (Oscar's guest e-mail is set from the optional e-mail field). Then straight on to
    payment with each shop's cheapest delivery recorded (`record_default_delivery`)."""

    template_name = "oscar/checkout/shipping_address.html"
    form_class = AddressForm
    pre_conditions = ["check_basket_is_not_empty", "check_basket_is_valid"]

    def is_guest(self) -> bool:
        return not self.request.user.is_authenticated

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "guest": self.is_guest()}

    def get_initial(self):
        initial = AddressForm.initial_from_fields(self.checkout_session.new_shipping_address_fields())
        if not initial.get("name") and self.request.user.is_authenticated:
            initial["name"] = self.request.user.get_full_name()
        if not initial.get("phone"):
            initial["phone"] = national_number(self.guest_phone())  # given before (Oscar's gateway)
        if self.is_guest():
            initial["email"] = self.checkout_session.get_guest_email() or ""
        return initial

    def saved_addresses(self):
        if not self.request.user.is_authenticated:
            return []
        return saved_addresses(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["saved_addresses"] = self.saved_addresses()
        if self.is_guest():
            ctx["login_url"] = f"{reverse('customer:login')}?next={reverse('checkout:index')}"
        return ctx

    def post(self, request, *args, **kwargs):
        if "saved_address" in request.POST:
            chosen = next(
                (a for a in self.saved_addresses() if str(a.pk) == request.POST["saved_address"]), None
            )
            if chosen is None:  # not one of this buyer's addresses: the page again
                messages.error(request, _("Không tìm thấy địa chỉ này trong sổ địa chỉ của bạn."))
                return redirect("checkout:shipping-address")
            # The saved address goes through the same form as a typed one: an address kept from
            # Oscar's address book, a landline or a commune that no longer exists is shown to be
            # mended, never placed as it is.
            data = {k: v for k, v in AddressForm.initial_from_fields(address_fields_of(chosen)).items()
                    if v is not None}
            form = self.get_form_class()(data=data, guest=False)
            if not form.is_valid():
                messages.warning(request, _("Địa chỉ đã lưu này cần bổ sung, vui lòng kiểm tra lại bên dưới."))
                return self.form_invalid(form)
            self.checkout_session.ship_to_new_address(form.address_fields())
            return self.next_step()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if self.is_guest():
            email = form.cleaned_data["email"]
            self.set_guest_contact(phone=form.cleaned_data["phone"], email=email)
            checkout_signals.start_checkout.send_robust(sender=self, request=self.request, email=email)
        self.checkout_session.ship_to_new_address(form.address_fields())
        return self.next_step()

    def next_step(self):
        """Payment, with each shop's delivery as it stands (chosen before, or the cheapest)."""
        self.record_default_delivery()
        return redirect("checkout:payment-method")


class ShippingMethodView(CheckoutSessionMixin, generic.FormView):
    """Delivery chosen per shop (each shop's own options, or the programme default)."""

    template_name = "oscar/checkout/shipping_methods.html"
    pre_conditions = [
        "check_basket_is_not_empty", "check_basket_is_valid", "check_user_email_is_captured",
        "check_address_is_captured",
    ]

    def get_form(self, form_class=None):
        return ShippingChoiceForm(**self.get_form_kwargs(), quote=self.delivery_quote())

    def delivery_quote(self):
        if getattr(self, "_delivery_quote", None) is None:
            self._delivery_quote = self.get_delivery_quote()
        return self._delivery_quote

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["quote"] = self.delivery_quote()
        return ctx

    def form_valid(self, form):
        """Back to the review when the payment is already chosen (the buyer came from the
        review's "Đổi"; the review checks COD limits again), else on to payment."""
        self.set_shipping_choices(form.choices())
        if self.payment_method() in self._allowed_methods():
            return redirect("checkout:preview")
        return redirect("checkout:payment-method")


class PaymentMethodView(CheckoutSessionMixin, generic.FormView):
    template_name = "oscar/checkout/payment_method.html"
    form_class = PaymentMethodForm
    pre_conditions = [
        "check_basket_is_not_empty", "check_basket_is_valid", "check_user_email_is_captured",
        "check_shipping_data_is_captured",
    ]
    skip_conditions = []

    def get_initial(self):
        # Cash on delivery first: what most buyers here choose (the form drops it when a COD
        # limit closes it to this basket).
        method = self.payment_method()
        if method is None and PaymentMethod.COD in settings.CHECKOUT_PAYMENT_METHODS:
            method = PaymentMethod.COD
        return {"method": method}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cod_refusal": self.cod_refusal(),
                "prepaid_refusal": self.prepaid_refusal()}

    def form_valid(self, form):
        self.set_payment_method(form.cleaned_data["method"])
        return redirect("checkout:preview")


class PaymentDetailsView(CheckoutSessionMixin, generic.TemplateView):
    """The review page (`preview`) and the place-order submit; `payment-details` is the same."""

    template_name = "oscar/checkout/preview.html"
    preview = True
    pre_conditions = [
        "check_basket_is_not_empty", "check_user_email_is_captured",
        "check_shipping_data_is_captured", "check_payment_data_is_captured",
    ]
    skip_conditions = []

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        quote = self.get_quote()
        labels = dict(PaymentMethod.choices)
        ctx.update(
            quote=quote,
            payment_method=self.payment_method(),
            payment_method_label=labels.get(self.payment_method(), ""),
            address=self.checkout_session.new_shipping_address_fields() or {},
            problems=basket_problems(self.request.basket),
            email=self.buyer_email(),
            guest_phone=self.guest_phone(),
        )
        ctx.setdefault("form", PlaceOrderForm(initial={"expected_total": quote.total}))
        return ctx

    def buyer_email(self) -> str:
        if self.request.user.is_authenticated:
            return self.request.user.email
        return self.checkout_session.get_guest_email() or ""

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "cancel":
            self.checkout_session.flush()
            messages.info(request, _("Đã hủy đặt hàng. Các sản phẩm vẫn còn trong giỏ hàng của bạn."))
            return redirect("basket:summary")
        form = PlaceOrderForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            placement = purchase_place(
                basket=request.basket,
                user=request.user,
                email=self.buyer_email(),
                address=self.checkout_session.new_shipping_address_fields() or {},
                choices=self.shipping_choices(),
                payment_method=self.payment_method(),
                expected_total=form.cleaned_data["expected_total"],
                request=request,
            )
        except CheckoutError as exc:
            self._quote_cache = None
            for message in exc.messages:
                messages.error(request, message)
            return self.render_to_response(
                self.get_context_data(form=PlaceOrderForm(initial={"expected_total": self.get_quote().total}))
            )
        purchase = placement.purchase
        self.checkout_session.flush()
        request.session[SESSION_PURCHASE] = purchase.number
        if purchase.is_card and purchase.status == Purchase.Status.AWAITING_PAYMENT:
            return redirect(purchase_link(purchase, "checkout:pay"))
        return redirect("checkout:thank-you")


def purchase_context(purchase: Purchase) -> dict:
    orders = list(
        Order.objects.filter(purchase=purchase)
        .select_related("shop", "shipping_address")
        .prefetch_related("lines")
        .order_by("number")
    )
    for order in orders:
        # Only a shop paid into its own account has a QR of its own order.
        order.transfer = (
            order_transfer_qr(order)
            if order.payment_status == Order.PaymentStatus.AWAITING_TRANSFER else None
        )
    return {
        "purchase": purchase,
        "orders": orders,
        "address": orders[0].shipping_address if orders else None,
        "purchase_url": purchase_link(purchase),
        "pay_url": purchase_link(purchase, "checkout:pay") if purchase.is_card else "",
        # The programme collects: one QR, one transfer for every such order of the purchase.
        "purchase_transfer": purchase_transfer_qr(purchase, orders),
        **transfer_links(purchase),
    }


def transfer_links(purchase: Purchase) -> dict:
    """The signed URLs a transfer panel uses: the QR as a PNG to save, the status to poll."""
    if purchase.payment_method != PaymentMethod.BANK_TRANSFER:
        return {}
    return {
        "transfer_png_url": purchase_link(purchase, "checkout:purchase-vietqr"),
        "transfer_status_url": purchase_link(purchase, "checkout:purchase-payment-status"),
    }


def _signed_transfer_purchase(number, token) -> Purchase:
    purchase = purchase_from_token(number, token)
    if purchase is None or purchase.payment_method != PaymentMethod.BANK_TRANSFER:
        raise Http404
    return purchase


@require_GET
def purchase_vietqr_png(request, number, token):
    """The VietQR as a PNG file to save (banking apps scan a QR from the photo gallery):
    the purchase's one QR, or with `?order=<number>` a shop's own-account order QR."""
    purchase = _signed_transfer_purchase(number, token)
    order_number = request.GET.get("order", "")
    if order_number:
        order = Order.objects.filter(purchase=purchase, number=order_number[:64]).select_related(
            "shop").first()
        qr = (
            order_transfer_qr(order)
            if order is not None and order.payment_status == Order.PaymentStatus.AWAITING_TRANSFER
            else None
        )
    else:
        qr = purchase_transfer_qr(purchase)
    if qr is None:
        raise Http404
    response = HttpResponse(vietqr.qr_png(qr.payload), content_type="image/png")
    filename = "vietqr-" + qr.memo.replace(" ", "-").lower() + ".png"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def purchase_payment_status(request, number, token):
    """Whether the transfers of the purchase arrived, polled by the payment page
    (static/js/transfer.js): `paid` when nothing awaits a transfer any more, and each
    order's own state. Signed link only: another purchase's number without its signature
    is a 404."""
    purchase = _signed_transfer_purchase(number, token)
    orders = list(Order.objects.filter(purchase=purchase).select_related("shop").order_by("number"))
    awaiting = Order.PaymentStatus.AWAITING_TRANSFER
    programme = [o for o in orders if (payee := payee_of_order(o)) and payee.is_programme]
    # The purchase's one QR is paid when none of the orders it pays awaits it any more.
    transfer_paid = bool(programme) and all(o.payment_status != awaiting for o in programme) and any(
        o.payment_status == Order.PaymentStatus.PAID for o in programme)
    paid = all(o.payment_status != awaiting for o in orders) and any(
        o.payment_status == Order.PaymentStatus.PAID for o in orders)
    response = JsonResponse({
        "number": purchase.number,
        "paid": paid,
        "transfer_paid": transfer_paid,
        "label": _("Đã nhận tiền") if paid else _("Đang chờ chuyển khoản"),
        "orders": [
            {"number": o.number, "paid": o.payment_status == Order.PaymentStatus.PAID,
             "awaiting": o.payment_status == awaiting}
            for o in orders
        ],
    })
    response["Cache-Control"] = "private, no-store"
    return response


class ThankYouView(generic.TemplateView):
    """Right after placing: the purchase, each shop's order, and how to pay (VietQR)."""

    template_name = "oscar/checkout/thank_you.html"

    def get(self, request, *args, **kwargs):
        number = request.session.get(SESSION_PURCHASE)
        purchase = Purchase.objects.filter(number=number).first() if number else None
        if purchase is None:
            return redirect("/")
        return self.render_to_response(self.get_context_data(**purchase_context(purchase)))


class PurchaseView(generic.TemplateView):
    """The purchase page behind the signed link of the confirmation e-mail (guests too): each
    shop order with its parcels, timeline and "Đã nhận hàng" (marketplace/order/views.py)."""

    template_name = "oscar/checkout/purchase.html"

    def get(self, request, number, token):
        purchase = purchase_from_token(number, token)
        if purchase is None:
            raise Http404
        ctx = self.get_context_data(**purchase_context(purchase))
        tracking = orders_tracking(ctx["orders"])
        token = purchase_access_token(purchase)
        for order in ctx["orders"]:
            order.tracking = tracking[order.pk]
            order.received_url = reverse(
                "checkout:purchase-order-received",
                kwargs={"number": purchase.number, "token": token, "order_number": order.number},
            )
        # A card payment being confirmed by Stripe's webhook: look again in a few seconds.
        ctx["refresh"] = purchase.status == Purchase.Status.AWAITING_PAYMENT and "paying" in request.GET
        return self.render_to_response(ctx)


@require_GET
def communes_json(request):
    """Communes of a province for the address form (the page works without it: reload)."""
    try:
        code = int(request.GET.get("province", ""))
    except ValueError:
        return JsonResponse({"error": _("Mã tỉnh không hợp lệ.")}, status=400)
    if not any(code == c for c, _n in provinces()):
        return JsonResponse({"error": _("Không có tỉnh/thành phố này.")}, status=404)
    response = JsonResponse({"communes": [{"code": c, "name": n} for c, n in communes(code)]})
    response["Cache-Control"] = "public, max-age=86400"
    return response


class PayView(generic.TemplateView):
    """Card payment of a purchase: Stripe.js card element; the webhook marks it paid.

    After a declined card the page says why and offers the card form again on the same
    PaymentIntent (Stripe takes another card for it); the buyer may also cancel and go back
    to the basket to pay another way."""

    template_name = "oscar/checkout/pay.html"

    def dispatch(self, request, number, token):
        self.purchase = purchase_from_token(number, token)
        if self.purchase is None or not self.purchase.is_card:
            raise Http404
        if self.purchase.status != Purchase.Status.AWAITING_PAYMENT:
            return redirect(purchase_link(self.purchase))
        return super().dispatch(request)

    def get(self, request):
        ctx = self.get_context_data(**purchase_context(self.purchase))
        try:
            intent = stripe_payments.card_payment_intent(self.purchase)
        except PaymentError:
            # Stripe unreachable, or the purchase moved on meanwhile: nothing was charged.
            self.purchase.refresh_from_db()
            if self.purchase.status != Purchase.Status.AWAITING_PAYMENT:
                return redirect(purchase_link(self.purchase))
            ctx["unavailable"] = True
        else:
            ctx.update(
                declined=stripe_payments.card_decline_message(intent),
                # Stripe took the money; the webhook (or staff, for an amount that does not
                # match) settles it: no second card form.
                confirming=intent.status in ("succeeded", "processing"),
                client_secret=intent.client_secret,
                publishable_key=stripe_client.publishable_key(),
                stripe_js=stripe_client.stripe_js_url(),
                return_url=request.build_absolute_uri(purchase_link(self.purchase)) + "?paying=1",
            )
        return self.render_to_response(ctx)

    def post(self, request):
        if request.POST.get("action") == "cancel":
            try:
                abandoned = stripe_payments.card_payment_abandon(
                    self.purchase, reason=_("Người mua hủy thanh toán"), actor=request.user
                )
            except PaymentError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(purchase_link(self.purchase, "checkout:pay"))
            if abandoned:
                messages.info(request, _("Đã hủy đơn; chưa có khoản tiền nào bị thu. Giỏ hàng của bạn vẫn còn."))
                return redirect("basket:summary")
        return redirect(purchase_link(self.purchase))
