"""/dashboard/bank-credits/: the reconciliation queue of bank credits (programme staff).

Credits SePay sent or a statement brought that paid nothing by themselves — no code, an
unknown or ambiguous code, too little, too much, a purchase no longer awaiting it, the wrong
account — wait here with the bank's reference. Staff match one to a purchase or order (paid
through the same payment service) or close it with a reason (e.g. refunded to the sender
outside the system). Staff also import statements here. `?format=csv` downloads the list
(formula-guarded: memos are typed by strangers).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from marketplace.core.decision_queue import (
    Decision,
    DecisionView,
    QueueListView,
    StaffPageMixin,
    next_or,
)
from marketplace.core.money import format_vnd
from marketplace.core.spreadsheets import write_csv
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.payment.bank import credit_close, credit_match
from marketplace.payment.dashboard.bank_forms import (
    BankCreditFilterForm,
    MatchForm,
    StatementImportForm,
)
from marketplace.payment.dashboard.bank_selectors import bank_credit_status_counts, bank_credits
from marketplace.payment.models import BankCredit
from marketplace.payment.services import PaymentError
from marketplace.payment.statements import StatementRejected, statement_import

LIST_URL = "bank-credits:list"

DECISIONS = {
    "close": Decision(
        service=credit_close, reason_required=True,
        success=gettext_lazy("Đã đóng giao dịch %(reference)s (%(amount)s)."),
        offered_for=(BankCredit.Status.REVIEW,), label=gettext_lazy("Đóng"),
    ),
}


class BankCreditListView(QueueListView):
    template_name = "payment/dashboard/bank_credit_list.html"
    context_object_name = "credits"
    title = gettext_lazy("Đối soát chuyển khoản")
    heading = gettext_lazy("Giao dịch ngân hàng cần đối soát")
    body_class = "bank-credits-dashboard"
    status_choices = BankCredit.Status.choices
    invalid_filter_message = gettext_lazy("Bộ lọc không hợp lệ đã được bỏ qua.")

    filter_form_class = BankCreditFilterForm

    def list_items(self, **filters):
        return bank_credits(**filters)

    def count_statuses(self):
        return bank_credit_status_counts()

    def active_tab(self) -> str:
        return self.request.GET.get("status") or BankCredit.Status.REVIEW

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="bank-credits-{stamp}.csv"'
        header = ["received_at", "transaction_at", "gateway", "account_number", "reference_code",
                  "transfer_type", "amount", "content", "status", "problem", "expected_amount",
                  "paid_for", "note"]
        rows = (
            (
                timezone.localtime(credit.received_at).isoformat(timespec="seconds"),
                timezone.localtime(credit.transaction_at).isoformat(timespec="seconds")
                if credit.transaction_at else "",
                credit.gateway, credit.account_number, credit.reference_code,
                credit.transfer_type, credit.amount, credit.content, credit.status,
                credit.problem, credit.expected_amount or "", credit.target_number,
                credit.resolution_note,
            )
            for credit in self.list_items(**self.get_filters()).iterator(chunk_size=500)
        )
        write_csv(response, header, rows)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = BankCredit.Status.REVIEW
        query = self.request.GET.copy()
        query.pop("page", None)
        query["format"] = "csv"
        context["csv_query"] = query.urlencode()
        return context


class BankCreditCloseView(DecisionView):
    decisions = DECISIONS
    action = "close"
    subject = "credit"
    model = BankCredit

    def describe(self, item) -> dict:
        return {"reference": item.reference_code or item.sepay_id, "amount": format_vnd(item.amount)}

    def get_success_url(self) -> str:
        return next_or(self.request, reverse(LIST_URL))


class BankCreditMatchView(ProgrammeStaffRequiredMixin, View):
    """POST …/<pk>/match/: this credit pays that purchase or order (the same payment service)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        credit = get_object_or_404(BankCredit, pk=pk)
        form = MatchForm(request.POST)
        back = next_or(request, reverse(LIST_URL))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        try:
            credit_match(credit=credit, number=form.cleaned_data["number"], actor=request.user,
                         reason=form.cleaned_data["reason"])
        except PaymentError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(amount)s cho %(number)s.")
                % {"amount": format_vnd(credit.amount), "number": form.cleaned_data["number"]},
            )
        return redirect(back)


class StatementImportView(StaffPageMixin, FormView):
    """Upload a bank statement (XLSX/CSV) with the bank's saved or new column mapping."""

    template_name = "payment/dashboard/statement_import.html"
    form_class = StatementImportForm
    title = gettext_lazy("Nhập sao kê ngân hàng")

    def form_valid(self, form):
        statement_format = form.statement_format_to_use()
        content = form.cleaned_data["file"].read()
        try:
            if statement_format.pk is None:
                statement_format.save()  # saved once it has read a file (below rolls back if not)
            result = statement_import(content=content, statement_format=statement_format,
                                      actor=self.request.user)
        except StatementRejected as exc:
            if not form.cleaned_data.get("statement_format") and statement_format.pk:
                statement_format.delete()  # a mapping that reads nothing is not kept
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        counts = result.outcomes
        messages.success(
            self.request,
            _("Đã đọc %(total)s giao dịch: %(paid)s ghi nhận thanh toán, %(review)s chờ đối soát, "
              "%(duplicate)s đã có trước, %(outgoing)s tiền ra.")
            % {"total": result.total, "paid": counts["paid"], "review": counts["review"],
               "duplicate": counts["duplicate"], "outgoing": counts["outgoing"]},
        )
        return redirect(reverse(LIST_URL))
