"""Forms of the seller's reviews pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.reviews.services import REPLY_MAX_LENGTH


class ReviewReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Phản hồi của cửa hàng"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hiển thị công khai dưới đánh giá. Mỗi đánh giá chỉ được phản hồi một lần, không sửa được."),
        error_messages={
            "required": _("Hãy viết nội dung phản hồi."),
            "max_length": _("Phản hồi dài tối đa %(limit_value)d ký tự."),
        },
    )
