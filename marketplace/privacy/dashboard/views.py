"""/dashboard/privacy/: programme staff's log of personal-data requests (export, deletion,
withdrawal, correction), open ones first by deadline, overdue ones flagged; staff take a
request, then mark it done or refused with a note (marketplace/privacy/services.py: a
conditional update, audited). Declared on marketplace.core.decision_queue.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from marketplace.core.decision_queue import (
    Decision,
    DecisionDetailMixin,
    DecisionView,
    QueueListView,
)
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.privacy import selectors, services
from marketplace.privacy.models import PrivacyRequest

State = PrivacyRequest.State

DECISIONS = {
    "start": Decision(
        service=services.privacy_request_start, asks_reason=False,
        success=gettext_lazy("Đã nhận xử lý yêu cầu #%(pk)s."),
        offered_for=(State.RECEIVED,), label=gettext_lazy("Nhận xử lý"), style="secondary",
    ),
    "done": Decision(
        service=services.privacy_request_complete, reason_required=True,
        success=gettext_lazy("Đã đánh dấu xong yêu cầu #%(pk)s."),
        offered_for=PrivacyRequest.OPEN, label=gettext_lazy("Đã xử lý xong"),
    ),
    "refuse": Decision(
        service=services.privacy_request_refuse, reason_required=True,
        success=gettext_lazy("Đã từ chối yêu cầu #%(pk)s."),
        offered_for=PrivacyRequest.OPEN, label=gettext_lazy("Từ chối"), style="danger",
    ),
}


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False,
                               choices=[("", gettext_lazy("Tất cả")), *State.choices])

    def filters(self) -> dict:
        return {"status": (self.cleaned_data.get("status") or "") if self.is_valid() else ""}


class PrivacyRequestQueueView(QueueListView):
    template_name = "privacy/dashboard/request_list.html"
    context_object_name = "privacy_requests"
    title = gettext_lazy("Yêu cầu về dữ liệu cá nhân")
    heading = gettext_lazy("Yêu cầu về dữ liệu cá nhân (trả lời trong 2 ngày làm việc)")
    body_class = "privacy-dashboard"
    filter_form_class = RequestFilterForm
    status_choices = State.choices

    def list_items(self, **filters):
        return selectors.staff_request_list(state=filters.get("status", ""))

    def count_statuses(self):
        return selectors.staff_request_status_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        return context


class PrivacyRequestDetailView(ProgrammeStaffRequiredMixin, DecisionDetailMixin, DetailView):
    template_name = "privacy/dashboard/request_detail.html"
    context_object_name = "privacy_request"
    decisions = DECISIONS
    decide_url_name = "privacy-dashboard:decide"

    def get_object(self, queryset=None) -> PrivacyRequest:
        item = selectors.staff_request_or_404(self.kwargs["pk"])
        item.status = item.state  # what DecisionDetailMixin reads
        return item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        return context


class PrivacyRequestDecisionView(DecisionView):
    decisions = DECISIONS
    subject = "privacy_request"

    def get_object(self, queryset=None) -> PrivacyRequest:
        return selectors.staff_request_or_404(self.kwargs["pk"])

    def describe(self, item) -> dict:
        return {"pk": item.pk}

    def get_success_url(self) -> str:
        return reverse("privacy-dashboard:detail", kwargs={"pk": self.kwargs["pk"]})
