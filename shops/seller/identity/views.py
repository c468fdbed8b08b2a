"""/seller/<shop_code>/representative/: the shop's legal representative (E-commerce Law
122/2025: the platform identifies each seller; docs/decisions/0033-seller-identity.md).

- `representative/`: every member sees whether the representative is verified and by when
  it must be; only the owner sees the date of birth and the number, and edits them (a change
  voids a verification). Without an identity provider the page says VNeID is not connected
  and programme staff will check documents.
- `representative/verify/` (POST, owner) → the provider (VNeID) → `representative/verify/done/`.

Another shop's members get 404, visitors who are not signed in go to sign in.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.core.errors import Refused
from shops.forms import RepresentativeForm
from shops.identity.providers import identity_provider
from shops.identity.selectors import shop_identity_status
from shops.identity.services import representative_save, representative_verify_by_provider
from shops.models import LegalRepresentative, ShopMember
from shops.seller.mixins import OwnerRequiredMixin, SellerShopMixin

SESSION_KEY = "identity-verification:{shop_id}"


def _initial(representative: LegalRepresentative | None) -> dict:
    if representative is None:
        return {}
    return {
        f"representative_{name}": getattr(representative, name)
        for name in LegalRepresentative.IDENTITY_FIELDS
    }


class RepresentativeView(SellerShopMixin, TemplateView):
    template_name = "seller/identity/representative.html"

    @property
    def is_owner(self) -> bool:
        return self.membership.role == ShopMember.Role.OWNER

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = context["identity_status"]
        if self.is_owner:
            context.setdefault("form", RepresentativeForm(initial=_initial(status.representative)))
        provider = identity_provider()
        context.update(
            is_owner=self.is_owner,
            representative=status.representative,
            provider=provider,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.is_owner:
            raise Http404("Only the owner declares the representative")
        form = RepresentativeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Chưa lưu được: vui lòng sửa các mục được đánh dấu bên dưới."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        before = LegalRepresentative.objects.filter(shop=self.shop).first()
        representative, changed = representative_save(
            shop=self.shop, actor=request.user, acting_as=self.capacity, **form.representative_values()
        )
        if not changed:
            messages.info(request, _("Không có thay đổi nào."))
        elif before is not None and before.is_verified:
            messages.warning(
                request,
                _("Đã lưu. Thông tin người đại diện đã thay đổi nên cần được xác thực lại."),
            )
        else:
            messages.success(request, _("Đã lưu thông tin người đại diện."))
        return redirect("seller:representative", shop_code=self.shop.code)


class ProviderStartView(OwnerRequiredMixin, View):
    """Send the owner to the identity provider (only when one is connected)."""

    http_method_names = ["post"]

    def post(self, request, shop_code: str):
        provider = identity_provider()
        status = shop_identity_status(shop=self.shop)
        back = redirect("seller:representative", shop_code=self.shop.code)
        if provider is None:
            raise Http404("No identity provider is connected")
        if status.representative is None or status.verified:
            messages.info(request, _("Không có gì cần xác thực lúc này."))
            return back
        callback = request.build_absolute_uri(
            reverse("seller:representative-verify-done", kwargs={"shop_code": self.shop.code})
        )
        try:
            started = provider.start(representative=status.representative, callback_url=callback)
        except Refused as error:
            messages.error(request, str(error))
            return back
        request.session[SESSION_KEY.format(shop_id=self.shop.pk)] = {
            "transaction": started.transaction_id, "revision": status.representative.revision,
        }
        return redirect(started.redirect_url)


class ProviderCallbackView(OwnerRequiredMixin, View):
    """The provider sends the owner back here with its answer."""

    def get(self, request, shop_code: str):
        provider = identity_provider()
        if provider is None:
            raise Http404("No identity provider is connected")
        back = redirect("seller:representative", shop_code=self.shop.code)
        state = request.session.pop(SESSION_KEY.format(shop_id=self.shop.pk), None)
        status = shop_identity_status(shop=self.shop)
        if not state or status.representative is None:
            messages.error(request, _("Phiên xác thực đã hết hạn hoặc không hợp lệ; vui lòng thử lại."))
            return back
        try:
            verified = provider.complete(representative=status.representative, params=request.GET.dict())
            if verified.transaction_id != state["transaction"]:
                raise Refused(_("Phiên xác thực đã hết hạn hoặc không hợp lệ; vui lòng thử lại."))
            representative_verify_by_provider(
                shop=self.shop, verified=verified, revision=state["revision"],
                actor=request.user, acting_as=self.capacity,
            )
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Người đại diện đã được xác thực qua định danh điện tử."))
        return back
