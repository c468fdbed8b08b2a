"""/seller/<shop_code>/tax/: the shop's tax withheld by the platform (Decree 117/2025).

- `tax/`: the tax profile (the owner edits it; other members read it), this year's tax
  withheld per month, the yearly revenue threshold warning (Decree 70/2025), the links to
  the yearly certificates and the orders export;
- `tax/certificate/<year>/`: the yearly withholding certificate as a print page;
- `tax/orders.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: the shop's paid orders for its e-invoice
  provider (marketplace/tax/invoicing.py); bad dates re-render the tax page with the message.

Another shop's members get 404, visitors who are not signed in go to sign in.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from marketplace.core import dates
from marketplace.tax import reports
from marketplace.tax.forms import TaxProfileForm
from marketplace.tax.invoicing import invoicing_csv
from marketplace.tax.rates import ROUTE_COD, ROUTE_SHOP_TRANSFER, profile_for, route_withheld
from marketplace.tax.services import tax_profile_save
from shops.models import ShopMember
from shops.seller.mixins import SellerShopMixin
from shops.seller.tax.forms import InvoicingPeriodForm


class SellerTaxView(SellerShopMixin, TemplateView):
    template_name = "seller/tax/tax.html"

    @property
    def is_owner(self) -> bool:
        return self.membership.role == ShopMember.Role.OWNER

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        profile = profile_for(self.shop)
        context.setdefault("form", TaxProfileForm(instance=profile) if self.is_owner else None)
        context.setdefault("period_form", None)
        first_of_month = today.replace(day=1)
        context.update(
            profile=profile,
            saved=profile.pk is not None,
            is_owner=self.is_owner,
            year=reports.seller_year(shop=self.shop, year=today.year),
            threshold=reports.threshold_status(shop=self.shop, today=today),
            certificate_years=[today.year, today.year - 1],
            cod_withheld=route_withheld(ROUTE_COD),
            shop_transfer_withheld=route_withheld(ROUTE_SHOP_TRANSFER),
            period_from=context["period_form"].data.get("date_from") if context["period_form"] else f"{first_of_month:%Y-%m-%d}",
            period_to=context["period_form"].data.get("date_to") if context["period_form"] else f"{today:%Y-%m-%d}",
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.is_owner:
            raise Http404("Only the owner edits the tax profile")
        form = TaxProfileForm(request.POST, instance=profile_for(self.shop))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        tax_profile_save(shop=self.shop, data=form.cleaned_data, actor=request.user, acting_as=self.capacity)
        messages.success(request, _("Đã lưu hồ sơ thuế."))
        return redirect("seller:tax", shop_code=self.shop.code)


class WithholdingCertificateView(SellerShopMixin, TemplateView):
    """Chứng từ khấu trừ thuế cả năm: what the platform withheld and filed for the seller."""

    template_name = "seller/tax/certificate.html"

    def get_context_data(self, **kwargs):
        year = kwargs["year"]
        if not dates.EARLIEST_YEAR <= year <= dates.LATEST_YEAR:
            raise Http404("No such year")
        context = super().get_context_data(**kwargs)
        context.update(
            profile=profile_for(self.shop),
            year=reports.seller_year(shop=self.shop, year=year),
            platform_name=settings.TAX_PLATFORM_NAME,
            platform_tax_code=settings.TAX_PLATFORM_TAX_CODE,
            platform_address=settings.TAX_PLATFORM_ADDRESS,
            issued_on=timezone.localdate(),
            complete=datetime.date(year + 1, 1, 1) <= timezone.localdate(),
        )
        return context


class InvoicingExportView(SellerTaxView):
    """The CSV; with bad dates, the tax page with the form's messages."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        form = InvoicingPeriodForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(period_form=form), status=400)
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        response = HttpResponse(invoicing_csv(shop=self.shop, start=start, end=end),
                                content_type="text/csv; charset=utf-8")
        name = f"{self.shop.code}_don-hang_{start:%Y%m%d}-{end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
