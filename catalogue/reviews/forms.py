"""Overrides Oscar's `catalogue.reviews.forms.ProductReviewForm` by name.

Signed-in buyers only (no name/e-mail fields), scores 1–5, Vietnamese labels.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews.forms import SortReviewsForm, VoteForm  # noqa: F401 -- re-exported
from oscar.core.loading import get_model

ProductReview = get_model("reviews", "ProductReview")

BODY_MAX_LENGTH = 3000


class ProductReviewForm(forms.ModelForm):
    score = forms.TypedChoiceField(
        label=_("Số sao"),
        choices=[(n, _("%(n)s sao") % {"n": n}) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ProductReview
        fields = ("score", "title", "body")
        labels = {"title": _("Tiêu đề"), "body": _("Nhận xét của bạn")}
        error_messages = {
            "title": {"required": _("Hãy viết tiêu đề.")},
            "body": {"required": _("Hãy viết nhận xét.")},
        }

    def __init__(self, product, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        self.instance.user = user
        self.fields["score"].error_messages["required"] = _("Hãy chọn số sao.")
        self.fields["body"].widget.attrs["maxlength"] = BODY_MAX_LENGTH

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                _("Nhận xét dài tối đa %(n)s ký tự.") % {"n": BODY_MAX_LENGTH}
            )
        return body
