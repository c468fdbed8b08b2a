"""Forms of the programme staff's OCOP certificate review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import OcopCertificate


class CertificateFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    expiring = forms.BooleanField(label=_("Hết hạn trong 30 ngày tới"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả")), *OcopCertificate.Status.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": None, "expiring": False}
        return {
            "status": self.cleaned_data.get("status") or None,
            "expiring": bool(self.cleaned_data.get("expiring")),
        }


class DecisionForm(forms.Form):
    """The reason of a decision; required to reject or revoke (the seller is told why)."""

    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].error_messages["required"] = _(
            "Vui lòng ghi lý do (người bán sẽ nhận được)."
        )

    def clean_reason(self) -> str:
        reason = self.cleaned_data.get("reason", "").strip()
        if self.fields["reason"].required and not reason:
            raise forms.ValidationError(
                self.fields["reason"].error_messages["required"], code="required"
            )
        return reason
