"""Forms of the programme staff's shop review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shops.models import Partner


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả")), *Partner.Status.choices]

    def filters(self) -> dict:
        """The keywords of shops.selectors.application_list; an invalid status is ignored."""
        return {"status": self.cleaned_data.get("status") or None if self.is_valid() else None}


