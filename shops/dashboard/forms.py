"""Forms of the programme staff's shop review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shops.models import Partner

IDENTITY_CHOICES = [
    ("", _("Tất cả")),
    ("unverified", _("Người đại diện chưa xác thực")),
    ("verified", _("Người đại diện đã xác thực")),
]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    identity = forms.ChoiceField(label=_("Người đại diện"), required=False, choices=IDENTITY_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả")), *Partner.Status.choices]

    def filters(self) -> dict:
        """The keywords of shops.selectors.application_list; an invalid filter is ignored."""
        if not self.is_valid():
            return {"status": None, "identity": None}
        return {
            "status": self.cleaned_data.get("status") or None,
            "identity": self.cleaned_data.get("identity") or None,
        }


