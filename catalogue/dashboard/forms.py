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


