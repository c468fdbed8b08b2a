"""Programme staff review OCOP certificates: queue, detail, scan, decisions.

Staff only (`is_staff`): anonymous visitors are sent to the login page, every other
signed-in user (sellers included) gets 403. Decisions are POST-only and go through
catalogue.certificates, which checks the transition again under a row lock; the queue itself
is declared on marketplace.core.decision_queue.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from catalogue import certificates as services
from catalogue.dashboard.forms import CertificateFilterForm
from catalogue.dashboard.selectors import (
    certificate_expiring_count,
    certificate_history,
    certificate_review_list,
    certificate_status_counts,
)
from catalogue.models import OcopCertificate
from marketplace.core.decision_queue import (
    Decision,
    DecisionDetailMixin,
    DecisionView,
    QueueListView,
)
from marketplace.core.staff import ProgrammeStaffRequiredMixin, private_file_response

Status = OcopCertificate.Status

#: action → the decision; the detail page offers each for the statuses it names
DECISIONS = {
    "verify": Decision(
        service=services.certificate_verify,
        success=gettext_lazy("Đã xác minh chứng nhận OCOP của “%(product)s”."),
        offered_for=(Status.PENDING,),
        label=gettext_lazy("Xác minh"),
        style="success",
    ),
    "reject": Decision(
        service=services.certificate_reject,
        reason_required=True,
        success=gettext_lazy("Đã từ chối chứng nhận OCOP của “%(product)s”."),
        offered_for=(Status.PENDING,),
        label=gettext_lazy("Từ chối"),
        style="danger",
    ),
    "revoke": Decision(
        service=services.certificate_revoke,
        reason_required=True,
        success=gettext_lazy("Đã thu hồi chứng nhận OCOP của “%(product)s”."),
        offered_for=(Status.VERIFIED,),
        label=gettext_lazy("Thu hồi chứng nhận"),
        style="danger",
    ),
}


def _certificates():
    return OcopCertificate.objects.select_related("product", "product__shop", "decided_by")


class CertificateListView(QueueListView):
    template_name = "catalogue/dashboard/certificate_list.html"
    context_object_name = "certificates"
    title = gettext_lazy("Chứng nhận OCOP")
    body_class = "ocop-certificates"
    filter_form_class = CertificateFilterForm
    status_choices = Status.choices

    def list_items(self, **filters):
        return certificate_review_list(**filters)

    def count_statuses(self):
        return certificate_status_counts()

    def active_tab(self) -> str:
        # the expiring tab lists every status, so it wins over a status in the query
        return "expiring" if self.filters["expiring"] else super().active_tab()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expiring_count"] = certificate_expiring_count()
        return context


class CertificateDetailView(ProgrammeStaffRequiredMixin, DecisionDetailMixin, DetailView):
    template_name = "catalogue/dashboard/certificate_detail.html"
    context_object_name = "certificate"
    pk_url_kwarg = "certificate_pk"
    decisions = DECISIONS
    decide_url_name = "ocop-dashboard:decide"

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
            scan_is_pdf=bool(certificate.scan) and certificate.scan.name.lower().endswith(".pdf"),
        )
        return context


class CertificateDecisionView(DecisionView):
    pk_url_kwarg = "certificate_pk"
    decisions = DECISIONS
    subject = "certificate"
    refusals = (services.CertificateDecisionError,)

    def get_queryset(self):
        return _certificates()

    def describe(self, item) -> dict:
        return {"product": item.product.get_title()}

    def get_success_url(self) -> str:
        return reverse("ocop-dashboard:detail", kwargs={"certificate_pk": self.object.pk})


class CertificateScanView(ProgrammeStaffRequiredMixin, View):
    """The certificate scan (image or PDF), served to staff only."""

    def get(self, request, certificate_pk: int):
        certificate = get_object_or_404(OcopCertificate, pk=certificate_pk)
        return private_file_response(certificate.scan)
