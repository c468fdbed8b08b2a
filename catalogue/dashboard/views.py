"""Programme staff review OCOP certificates: queue, detail, scan, decisions.

Staff only (`is_staff`): anonymous visitors are sent to the login page, every other
signed-in user (sellers included) gets 403. Decisions are POST-only and go through
catalogue.services, which checks the transition again under a row lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from catalogue import certificates as services
from catalogue.dashboard.forms import CertificateFilterForm
from catalogue.dashboard.selectors import (
    certificate_expiring_count,
    certificate_history,
    certificate_review_list,
    certificate_status_counts,
)
from catalogue.models import OcopCertificate
from marketplace.core.staff import DecisionForm, ProgrammeStaffRequiredMixin, private_file_response

#: action → (service, reason required, success message)
DECISIONS = {
    "verify": (
        services.certificate_verify,
        False,
        gettext_lazy("Đã xác minh chứng nhận OCOP của “%(product)s”."),
    ),
    "reject": (
        services.certificate_reject,
        True,
        gettext_lazy("Đã từ chối chứng nhận OCOP của “%(product)s”."),
    ),
    "revoke": (
        services.certificate_revoke,
        True,
        gettext_lazy("Đã thu hồi chứng nhận OCOP của “%(product)s”."),
    ),
}
#: which decisions the detail page offers for each status
ACTIONS_FOR_STATUS = {
    OcopCertificate.Status.PENDING: ("verify", "reject"),
    OcopCertificate.Status.VERIFIED: ("revoke",),
    OcopCertificate.Status.REJECTED: (),
    OcopCertificate.Status.REVOKED: (),
}


def _certificates():
    return OcopCertificate.objects.select_related("product", "product__shop", "decided_by")


class CertificateListView(ProgrammeStaffRequiredMixin, ListView):
    template_name = "catalogue/dashboard/certificate_list.html"
    context_object_name = "certificates"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = CertificateFilterForm(self.request.GET or None)
        if self.request.GET.get("status") and not self.filter_form.is_valid():
            messages.warning(self.request, _("Trạng thái lọc không hợp lệ đã được bỏ qua."))
        self.filters = self.filter_form.filters()
        return certificate_review_list(**self.filters)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = certificate_status_counts()
        context.update(
            filter_form=self.filter_form,
            filters=self.filters,
            status_counts=[
                (value, label, counts.get(value, 0))
                for value, label in OcopCertificate.Status.choices
            ],
            expiring_count=certificate_expiring_count(),
        )
        return context


class CertificateDetailView(ProgrammeStaffRequiredMixin, DetailView):
    template_name = "catalogue/dashboard/certificate_detail.html"
    context_object_name = "certificate"
    pk_url_kwarg = "certificate_pk"

    def get_queryset(self):
        return _certificates()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        context.update(
            product=certificate.product,
            shop=certificate.product.shop,
            history=certificate_history(certificate=certificate),
            other_certificates=OcopCertificate.objects.filter(product=certificate.product)
            .exclude(pk=certificate.pk)
            .order_by("-issued_on"),
            actions=ACTIONS_FOR_STATUS.get(certificate.status, ()),
            scan_is_pdf=bool(certificate.scan) and certificate.scan.name.lower().endswith(".pdf"),
        )
        return context


class CertificateDecisionView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, certificate_pk: int, action: str):
        if action not in DECISIONS:
            raise Http404
        service, reason_required, success = DECISIONS[action]
        certificate = get_object_or_404(_certificates(), pk=certificate_pk)
        back = redirect("ocop-dashboard:detail", certificate_pk=certificate.pk)
        form = DecisionForm(request.POST, reason_required=reason_required)
        if not form.is_valid():
            for error in form.errors.get("reason", []):
                messages.error(request, error)
            return back
        try:
            service(certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"])
        except services.CertificateDecisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success % {"product": certificate.product.get_title()})
        return back


class CertificateScanView(ProgrammeStaffRequiredMixin, View):
    """The certificate scan (image or PDF), served to staff only."""

    def get(self, request, certificate_pk: int):
        certificate = get_object_or_404(OcopCertificate, pk=certificate_pk)
        return private_file_response(certificate.scan)
