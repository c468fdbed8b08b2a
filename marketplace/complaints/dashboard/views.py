"""/dashboard/complaints/: programme staff's queue of return and complaint cases — those
escalated (the shop did not answer in time, or the buyer disputed its answer) first — and the
decision on each: refund the buyer (all or part), reject the request, or close the case.

Staff only (`is_staff`); declared on marketplace.core.decision_queue. Decisions go through
marketplace/complaints/services.py (a conditional update under the order's lock, the thread,
the audit row, the mails to both sides); a refund moves money through
marketplace/payment/refunds.py as the shop's would.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from marketplace.complaints import selectors, services
from marketplace.complaints.forms import StaffRefundForm
from marketplace.complaints.models import Complaint, ComplaintPhoto
from marketplace.core.decision_queue import (
    Decision,
    DecisionDetailMixin,
    DecisionView,
    QueueListView,
)
from marketplace.core.errors import Refused
from marketplace.core.money import format_vnd
from marketplace.core.staff import ProgrammeStaffRequiredMixin, private_file_response

Status = Complaint.Status

#: action → the decision (the refund, which also asks an amount, has its own view)
DECISIONS = {
    "reject": Decision(
        service=services.complaint_reject,
        reason_required=True,
        success=gettext_lazy("Đã bác yêu cầu %(ref)s (đơn #%(number)s)."),
        offered_for=Complaint.LIVE,
        label=gettext_lazy("Bác yêu cầu của người mua"),
        style="danger",
    ),
    "close": Decision(
        service=services.complaint_close,
        reason_required=True,
        success=gettext_lazy("Đã đóng yêu cầu %(ref)s (đơn #%(number)s)."),
        offered_for=Complaint.LIVE,
        label=gettext_lazy("Đóng yêu cầu"),
        style="secondary",
    ),
}


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False,
                               choices=[("", gettext_lazy("Tất cả")), *Status.choices])

    def filters(self) -> dict:
        return {"status": (self.cleaned_data.get("status") or "") if self.is_valid() else ""}


class ComplaintQueueView(QueueListView):
    template_name = "complaints/dashboard/complaint_list.html"
    context_object_name = "complaints"
    title = gettext_lazy("Trả hàng và khiếu nại")
    heading = gettext_lazy("Yêu cầu trả hàng, hoàn tiền và khiếu nại")
    body_class = "complaints-dashboard"
    filter_form_class = ComplaintFilterForm
    status_choices = Status.choices

    def list_items(self, **filters):
        return selectors.staff_complaint_list(**filters)

    def count_statuses(self):
        return selectors.staff_complaint_status_counts()


class ComplaintDetailView(ProgrammeStaffRequiredMixin, DecisionDetailMixin, DetailView):
    template_name = "complaints/dashboard/complaint_detail.html"
    context_object_name = "complaint"
    decisions = DECISIONS
    decide_url_name = "complaints-dashboard:decide"

    def get_object(self, queryset=None) -> Complaint:
        return selectors.staff_complaint_or_404(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint = self.object
        thread = selectors.complaint_thread(complaint)
        ceiling = selectors.complaint_refund_ceiling(complaint.order)
        context.update(
            thread,
            order=complaint.order,
            ceiling=ceiling,
            refund_form=(
                StaffRefundForm(initial={"amount": min(complaint.requested_amount, ceiling) or None})
                if complaint.is_live and ceiling else None
            ),
            photo_urls=[
                reverse("complaints-dashboard:photo", kwargs={"pk": complaint.pk, "photo_pk": photo.pk})
                for photo in thread["photos"]
            ],
        )
        return context


class ComplaintDecisionView(DecisionView):
    decisions = DECISIONS
    subject = "complaint"

    def get_object(self, queryset=None) -> Complaint:
        return selectors.staff_complaint_or_404(self.kwargs["pk"])

    def describe(self, item) -> dict:
        return {"ref": item.reference, "number": item.order.number}

    def get_success_url(self) -> str:
        return reverse("complaints-dashboard:detail", kwargs={"pk": self.kwargs["pk"]})


class ComplaintRefundView(ProgrammeStaffRequiredMixin, View):
    """Close the case with a refund of the amount staff decide (card: Stripe; else owed by
    the shop until it records the money handed back)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        complaint = selectors.staff_complaint_or_404(pk)
        form = StaffRefundForm(request.POST)
        back = reverse("complaints-dashboard:detail", kwargs={"pk": pk})
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        amount = form.cleaned_data["amount"]
        try:
            services.complaint_decide_refund(complaint=complaint, amount=amount, actor=request.user,
                                             reason=form.cleaned_data["reason"])
        except Refused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã quyết định hoàn %(amount)s cho người mua (%(ref)s).")
                             % {"amount": format_vnd(amount), "ref": complaint.reference})
        return redirect(back)


class ComplaintPhotoView(ProgrammeStaffRequiredMixin, View):
    def get(self, request, pk: int, photo_pk: int):
        return private_file_response(get_object_or_404(ComplaintPhoto, pk=photo_pk, complaint_id=pk).image)
