"""Forms of the bank-credit queue: filters, matching by hand, importing a statement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.payment.models import BankCredit, BankStatementFormat
from marketplace.payment.statements import MAX_BYTES, columns_check

ALL = "all"


class BankCreditFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False,
        choices=[("", _("Chờ đối soát")), *BankCredit.Status.choices, (ALL, _("Tất cả"))],
    )
    q = forms.CharField(label=_("Nội dung hoặc mã tham chiếu"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": BankCredit.Status.REVIEW, "query": ""}
        status = self.cleaned_data["status"]
        return {
            "status": None if status == ALL else (status or BankCredit.Status.REVIEW),
            "query": self.cleaned_data["q"].strip(),
        }


class MatchForm(forms.Form):
    number = forms.CharField(label=_("Mã giao dịch mua hoặc mã đơn"), max_length=32)
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi số tiền khác số cần thu)"), required=False, max_length=500,
    )


class StatementImportForm(forms.Form):
    """A statement file and the bank's column mapping: a saved one, or a new one saved now."""

    file = forms.FileField(label=_("Tệp sao kê (.xlsx hoặc .csv)"))
    statement_format = forms.ModelChoiceField(
        label=_("Mẫu sao kê đã lưu"), queryset=BankStatementFormat.objects.all(), required=False,
        empty_label=_("— Tạo mẫu mới bên dưới —"),
    )
    name = forms.CharField(label=_("Tên mẫu mới"), required=False, max_length=100)
    gateway = forms.CharField(label=_("Ngân hàng (như SePay ghi, ví dụ Vietcombank)"),
                              required=False, max_length=100)
    account_number = forms.CharField(label=_("Số tài khoản"), required=False, max_length=32)
    col_reference = forms.CharField(label=_("Cột số tham chiếu"), required=False, max_length=100)
    col_date = forms.CharField(label=_("Cột ngày giao dịch"), required=False, max_length=100)
    col_content = forms.CharField(label=_("Cột nội dung / diễn giải"), required=False, max_length=100)
    col_credit = forms.CharField(label=_("Cột ghi có (tiền vào)"), required=False, max_length=100)
    col_debit = forms.CharField(label=_("Cột ghi nợ (tiền ra)"), required=False, max_length=100)
    col_amount = forms.CharField(label=_("Hoặc: cột số tiền có dấu (+/-)"), required=False,
                                 max_length=100)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload

    def columns(self) -> dict:
        return {
            name: self.cleaned_data.get(f"col_{name}", "").strip()
            for name in ("reference", "date", "content", "credit", "debit", "amount")
            if self.cleaned_data.get(f"col_{name}", "").strip()
        }

    def clean(self):
        data = super().clean()
        if data.get("statement_format"):
            return data
        for name in ("name", "gateway", "account_number"):
            if not (data.get(name) or "").strip():
                self.add_error(name, _("Cần điền khi tạo mẫu mới."))
        if (data.get("name") or "").strip() and BankStatementFormat.objects.filter(
            name=data["name"].strip()
        ).exists():
            self.add_error("name", _("Đã có mẫu tên này; hãy chọn nó ở trên."))
        for problem in columns_check(self.columns()):
            self.add_error(None, problem)
        return data

    def statement_format_to_use(self) -> BankStatementFormat:
        chosen = self.cleaned_data.get("statement_format")
        if chosen:
            return chosen
        return BankStatementFormat(
            name=self.cleaned_data["name"].strip(), gateway=self.cleaned_data["gateway"].strip(),
            account_number=self.cleaned_data["account_number"].strip(), columns=self.columns(),
        )
