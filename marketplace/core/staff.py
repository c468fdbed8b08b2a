"""Pieces shared by the programme-staff dashboards (shops, OCOP certificates, curation)."""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _


class ProgrammeStaffRequiredMixin(UserPassesTestMixin):
    """Programme staff only: anonymous visitors go to sign in, everyone else gets 403."""

    def test_func(self) -> bool:
        user = self.request.user
        return bool(user.is_authenticated and user.is_active and user.is_staff)


class DecisionForm(forms.Form):
    """The reason of a staff decision; required where the seller must be told why."""

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


#: Sent with every private file: nothing in it may run, load or be framed as our origin.
PRIVATE_FILE_CSP = "default-src 'none'; sandbox"


def private_file_response(field_file) -> FileResponse:
    """Serve an uploaded document: never cached, never sniffed, sandboxed; 404 when missing.

    A PDF is a download (`Content-Disposition: attachment`), never shown by the browser's
    viewer from our origin, even though uploads.clean_document has screened it (ADR 0031).
    Pictures (always re-encoded JPEGs) are shown inline."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    name = field_file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    as_attachment = not content_type.startswith("image/")
    response = FileResponse(handle, content_type=content_type, filename=name, as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PRIVATE_FILE_CSP
    return response
