"""/dashboard/settlement/: programme staff see what is owed to each shop as of a date,
make a payout run, download it as a bank batch file, pay each payout by VietQR or by the
batch, then mark it paid with the bank's reference (or cancel it).
/dashboard/settlement/fees/: the programme's fees, and announcing a new one
(marketplace/ledger/fees.py: at least FEE_CHANGE_NOTICE_DAYS ahead, every open shop told).

Programme staff only (`is_staff`): anonymous visitors go to sign in, everyone else gets 403.
Writes go through marketplace/ledger/payouts.py; the pages only read and ask.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from marketplace.core.dates import end_of_day, today_vn
from marketplace.core.decision_queue import (
    Decision,
    DecisionDetailMixin,
    DecisionView,
    StaffPageMixin,
    next_or,
)
from marketplace.core.money import format_vnd
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from marketplace.ledger import selectors
from marketplace.ledger.bankfile import batch_csv, payout_memo, payout_qr_payload
from marketplace.ledger.dashboard.forms import AsOfForm, FeeRateForm, MarkPaidForm, RunCreateForm
from marketplace.ledger.fees import FeeRateRefused, earliest_start, fee_rate_announce, notice_days
from marketplace.ledger.models import FeeRate, Payout, PayoutRun
from marketplace.ledger.payouts import (
    PayoutError,
    payout_cancel,
    payout_mark_paid,
    payout_run_create,
)
from marketplace.payment import vietqr
from marketplace.payment.banks import bank_name

DECISIONS = {
    "cancel": Decision(
        service=payout_cancel, reason_required=True, offered_for=(Payout.Status.PENDING,),
        label=gettext_lazy("Hủy khoản thanh toán"), style="danger",
        success=gettext_lazy("Đã hủy khoản thanh toán %(amount)s cho %(shop)s; số tiền sẽ vào đợt sau."),
    ),
}


class SettlementView(StaffPageMixin, ListView):
    """What is owed to each shop as of a date (`?as_of=YYYY-MM-DD`), and the latest runs."""

    template_name = "ledger/dashboard/settlement.html"
    context_object_name = "shops"
    paginate_by = 50
    title = gettext_lazy("Đối soát và thanh toán cho cửa hàng")

    def get_queryset(self):
        return selectors.settlement_shops()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        form = AsOfForm(self.request.GET or None)
        if form.is_bound and not form.is_valid():
            messages.warning(self.request, _("Ngày tính đến không hợp lệ; đang xem đến hết hôm nay."))
        day = form.day()
        as_of = end_of_day(day)
        context = super().get_context_data(**kwargs)
        context.update(
            as_of_form=form, as_of_day=day,
            rows=selectors.settlement_rows(context["page_obj"].object_list, as_of=as_of),
            totals=selectors.settlement_totals(as_of=as_of),
            runs=list(selectors.payout_runs()[:10]),
            run_form=RunCreateForm(initial={"as_of": day.isoformat()}),
        )
        return context


class RunCreateView(ProgrammeStaffRequiredMixin, View):
    """POST: make a payout run as of a day; GET goes back to the summary."""

    def get(self, request):
        return redirect("settlement-dashboard:summary")

    def post(self, request):
        form = RunCreateForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("settlement-dashboard:summary")
        day = form.cleaned_data["as_of"]
        result = payout_run_create(as_of=end_of_day(day), actor=request.user, note=form.cleaned_data["note"])
        for skipped in result.skipped:
            messages.warning(request, _("Chưa thanh toán cho %(shop)s (%(amount)s): %(reason)s.") % {
                "shop": skipped.shop.name, "amount": format_vnd(skipped.amount), "reason": skipped.reason})
        if result.run is None:
            messages.info(request, _("Không có cửa hàng nào cần thanh toán tính đến ngày %(day)s.")
                          % {"day": day.strftime("%d/%m/%Y")})
            return redirect(reverse("settlement-dashboard:summary") + f"?as_of={day.isoformat()}")
        messages.success(request, _("Đã tạo đợt thanh toán #%(run)s: %(count)d cửa hàng, tổng %(total)s.") % {
            "run": result.run.pk, "count": len(result.payouts), "total": format_vnd(result.total)})
        return redirect("settlement-dashboard:run", pk=result.run.pk)


class RunDetailView(StaffPageMixin, DetailView):
    template_name = "ledger/dashboard/run.html"
    context_object_name = "run"

    def get_queryset(self):
        return selectors.payout_runs()

    def get_context_data(self, **kwargs):
        self.title = _("Đợt thanh toán #%(run)s") % {"run": self.object.pk}
        context = super().get_context_data(**kwargs)
        payouts = list(selectors.run_payouts(self.object))
        context.update(
            payouts=payouts,
            pending_count=sum(1 for p in payouts if p.status == Payout.Status.PENDING),
            pending_total=sum(p.amount for p in payouts if p.status == Payout.Status.PENDING),
        )
        return context


class RunBankBatchView(ProgrammeStaffRequiredMixin, View):
    """The run's payouts still to transfer, as the bank batch file (marketplace/ledger/bankfile.py)."""

    def get(self, request, pk):
        run = get_object_or_404(PayoutRun, pk=pk)
        payouts = selectors.run_payouts(run).filter(status=Payout.Status.PENDING)
        response = HttpResponse(batch_csv(payouts), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ocop-thanh-toan-dot-{run.pk}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response


class PayoutDetailView(StaffPageMixin, DecisionDetailMixin, DetailView):
    """One payout: where it goes, its VietQR, the form to mark it paid, the cancel button."""

    template_name = "ledger/dashboard/payout.html"
    context_object_name = "payout"
    decisions = DECISIONS
    decide_url_name = "settlement-dashboard:payout-decide"
    form = None

    def get_queryset(self):
        return Payout.objects.select_related("shop", "run", "paid_by")

    def get_context_data(self, **kwargs):
        payout = self.object
        self.title = _("Thanh toán cho %(shop)s") % {"shop": payout.shop.name}
        context = super().get_context_data(**kwargs)
        payload = payout_qr_payload(payout) if payout.status == Payout.Status.PENDING else None
        context.update(
            form=self.form or MarkPaidForm(),
            memo=payout_memo(payout),
            bank=bank_name(payout.bank_bin) or payout.bank_bin,
            qr_svg=vietqr.qr_svg(payload, scale=5) if payload else "",
            qr_payload=payload,
        )
        return context


class PayoutMarkPaidView(PayoutDetailView):
    """POST the bank's reference: the payout is paid (once); a bad form re-renders the page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = payout = self.get_object()
        self.form = form = MarkPaidForm(request.POST)
        if form.is_valid():
            try:
                payout_mark_paid(payout=payout, bank_reference=form.cleaned_data["bank_reference"],
                                 actor=request.user)
            except PayoutError as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã ghi nhận chuyển %(amount)s cho %(shop)s.") % {
                    "amount": format_vnd(payout.amount), "shop": payout.shop.name})
                return redirect("settlement-dashboard:run", pk=payout.run_id)
        self.object.refresh_from_db()
        return self.render_to_response(self.get_context_data(), status=200)


class PayoutDecisionView(DecisionView):
    decisions = DECISIONS
    subject = "payout"
    queryset = Payout.objects.select_related("shop")

    def describe(self, item) -> dict:
        return {"amount": format_vnd(item.amount), "shop": item.shop.name}

    def get_success_url(self) -> str:
        return next_or(self.request, reverse("settlement-dashboard:payout", kwargs={"pk": self.object.pk}))


class FeeRatesView(StaffPageMixin, TemplateView):
    """Every fee rate (upcoming first) with how many shops were told, and the form that
    announces a new one. POST announces; a refusal re-renders the form with its message."""

    template_name = "ledger/dashboard/fees.html"
    title = gettext_lazy("Phí chương trình")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        today = today_vn()
        rates = list(
            FeeRate.objects.select_related("category", "announced_by")
            .annotate(shops_told=Count("notices")).order_by("-valid_from", "pk")
        )
        context.update(
            form=form or FeeRateForm(earliest=earliest_start(today)),
            rates=rates, today=today, notice_days=notice_days(),
        )
        return context

    def post(self, request):
        form = FeeRateForm(request.POST, earliest=earliest_start())
        if form.is_valid():
            try:
                rate = fee_rate_announce(
                    valid_from=form.cleaned_data["valid_from"], basis_points=form.basis_points(),
                    category=form.cleaned_data["category"], note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except FeeRateRefused as refusal:
                for message in refusal.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _(
                    "Đã thông báo mức phí %(percent)s áp dụng từ %(date)s; các cửa hàng đang hoạt "
                    "động sẽ nhận thư báo."
                ) % {"percent": rate.percent, "date": rate.valid_from.strftime("%d/%m/%Y")})
                return redirect("settlement-dashboard:fees")
        return self.render_to_response(self.get_context_data(form=form), status=400)
