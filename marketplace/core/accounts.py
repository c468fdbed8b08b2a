"""Oscar's account views made safe (the first two mounted in marketplace/urls.py before
Oscar's; sign-in and registration through marketplace.config.MarketplaceCustomerConfig).

- Sign-out only by POST: Oscar signs out on GET, so any other site could sign a buyer out
  with an <img>. A GET shows a one-button confirmation page instead.
- An order line: Oscar has no template for its GET page (a 500) and answers an unknown line
  with an unhandled DoesNotExist. A GET goes to the order's page; POST (re-order) is Oscar's.
- Registration, on /accounts/register/ and the sign-in page: the same "check your inbox" page
  for new and known addresses; the mail's link confirms the account and signs in
  (marketplace/core/registration.py, docs/decisions/0030-shop-invitations-and-account-enumeration.md).
- The profile's e-mail: Oscar's form says "a user with this email address already exists" and
  changes the address at once. Ours never looks at other accounts; a new address gets a link
  and the change waits for it (ProfileUpdateView, EmailChangeConfirmView).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.cache import never_cache
from oscar.core.loading import get_class, get_model

from marketplace.core.ratelimit import client_address
from marketplace.core.registration import (
    email_change_confirm,
    email_change_for,
    email_change_request,
    pending_registration_for,
    registration_confirm,
    registration_request,
)

Order = get_model("order", "Order")
OscarOrderLineView = get_class("customer.views", "OrderLineView")


@method_decorator(never_cache, name="dispatch")
class LogoutView(generic.TemplateView):
    template_name = "oscar/customer/logout_confirm.html"

    def post(self, request, *args, **kwargs):
        logout(request)
        response = redirect(settings.OSCAR_HOMEPAGE)
        for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
            response.delete_cookie(cookie)
        return response


class OrderLineView(OscarOrderLineView):
    def get(self, request, *args, **kwargs):
        self.get_object()  # 404 for another buyer's order or an unknown line
        return redirect("customer:order", order_number=kwargs["order_number"])

    def get_object(self, queryset=None):
        order = get_object_or_404(Order, user=self.request.user, number=self.kwargs["order_number"])
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])


# --- registration by e-mail confirmation (marketplace/core/registration.py) ------------------

OscarAccountAuthView = get_class("customer.views", "AccountAuthView")
OscarAccountRegistrationView = get_class("customer.views", "AccountRegistrationView")
EmailUserCreationForm = get_class("customer.forms", "EmailUserCreationForm")
normalise_email = get_class("customer.utils", "normalise_email")


class RegistrationForm(EmailUserCreationForm):
    """Oscar's registration form checking the address and the password only: whether an
    account already uses the address is for the mail to say, not the page."""

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class ConfirmByEmailMixin:
    """Oscar's `register_user` creates the account and signs in; ours only asks for a mail,
    and every valid form goes to the same "check your inbox" page."""

    def register_user(self, form):
        registration_request(
            email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
            next_url=form.cleaned_data.get("redirect_url") or "",
            client=client_address(self.request),
        )

    def registration_sent(self):
        return redirect("registration-sent")


class AccountRegistrationView(ConfirmByEmailMixin, OscarAccountRegistrationView):
    form_class = RegistrationForm

    def form_valid(self, form):
        self.register_user(form)
        return self.registration_sent()


class AccountAuthView(ConfirmByEmailMixin, OscarAccountAuthView):
    registration_form_class = RegistrationForm

    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)
        if form.is_valid():
            self.register_user(form)
            return self.registration_sent()
        return self.render_to_response(self.get_context_data(registration_form=form))


class RegistrationSentView(generic.TemplateView):
    template_name = "oscar/customer/registration_sent.html"


@method_decorator(never_cache, name="dispatch")
class AccountConfirmView(generic.TemplateView):
    """The mail's link: GET shows one button (mail scanners fetch links, and the link is
    one-use), POST activates the account, signs the person in and goes on to `next`."""

    template_name = "oscar/customer/registration_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = pending_registration_for(uidb64=kwargs["uidb64"], token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(valid=self.pending is not None),
            status=200 if self.pending is not None else 400,
        )

    def post(self, request, *args, **kwargs):
        account = registration_confirm(pending=self.pending) if self.pending is not None else None
        if account is None:
            self.pending = None
            return self.get(request, *args, **kwargs)
        login(request, account, backend="oscar.apps.customer.auth_backends.EmailBackend")
        messages.success(request, _("Tài khoản của bạn đã được kích hoạt."))
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = settings.LOGIN_REDIRECT_URL
        return redirect(next_url)


# --- the profile's e-mail change (marketplace/core/registration.py) --------------------------

OscarProfileForm = get_class("customer.forms", "ProfileForm")
OscarProfileUpdateView = get_class("customer.views", "ProfileUpdateView")


class ProfileForm(OscarProfileForm):
    """Oscar's profile form without its "already exists" check, keeping the account's current
    address: a new address is only asked to confirm (ProfileUpdateView)."""

    def clean_email(self):
        self.requested_email = normalise_email(self.cleaned_data["email"])
        return self.user.email

    def email_changed(self) -> bool:
        return self.requested_email.casefold() != (self.user.email or "").casefold()


class ProfileUpdateView(OscarProfileUpdateView):
    form_class = ProfileForm

    def form_valid(self, form):
        form.save()
        if form.email_changed():
            if not email_change_request(user=self.request.user, new_email=form.requested_email):
                messages.warning(self.request, _(
                    "Đã lưu hồ sơ, nhưng bạn đã yêu cầu đổi e-mail quá nhiều lần hôm nay; "
                    "hãy thử lại vào ngày mai."
                ))
                return redirect(self.get_success_url())
            messages.success(self.request, _(
                "Đã lưu hồ sơ. Chúng tôi đã gửi liên kết xác nhận tới %(email)s; địa chỉ e-mail "
                "chỉ thay đổi khi bạn mở liên kết đó."
            ) % {"email": form.requested_email})
        else:
            messages.success(self.request, _("Đã lưu hồ sơ."))
        return redirect(self.get_success_url())


@method_decorator(never_cache, name="dispatch")
class EmailChangeConfirmView(generic.TemplateView):
    """The link mailed to the new address, opened while signed in: GET shows one button, POST
    applies the change. Any refusal (bad or used link, another account, the address taken by
    now) reads the same."""

    template_name = "oscar/customer/email_change_confirm.html"

    def get(self, request, *args, **kwargs):
        new_email = email_change_for(user=request.user, token=kwargs["token"])
        return self.render_to_response(
            self.get_context_data(new_email=new_email), status=200 if new_email else 400
        )

    def post(self, request, *args, **kwargs):
        if not email_change_confirm(user=request.user, token=kwargs["token"]):
            return self.render_to_response(self.get_context_data(new_email=None), status=400)
        messages.success(request, _("Địa chỉ e-mail của tài khoản đã được thay đổi."))
        return redirect("customer:profile-view")
