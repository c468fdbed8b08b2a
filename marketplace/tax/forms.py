"""The tax profile form, the same for a shop's owner (/seller/<shop>/tax/) and programme
staff (/dashboard/tax/shops/<id>/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.tax.models import TaxProfile, normalize_tax_identifier, validate_tax_identifier


class TaxProfileForm(forms.ModelForm):
    class Meta:
        model = TaxProfile
        fields = ["seller_type", "tax_code", "seller_name", "resident", "business_group"]
        help_texts = {
            "tax_code": _(
                "Doanh nghiệp, hợp tác xã: mã số thuế 10 chữ số (chi nhánh 13 chữ số). Hộ kinh doanh, "
                "cá nhân: số định danh cá nhân 12 chữ số trên căn cước. Chỉ nhập số — không tải ảnh "
                "căn cước lên."
            ),
            "seller_name": _("Đúng như đăng ký với cơ quan thuế: tên hộ kinh doanh hoặc họ tên cá nhân."),
            "resident": _("Bỏ chọn nếu là cá nhân không cư trú tại Việt Nam (thuế TNCN khấu trừ theo tỷ lệ khác)."),
            "business_group": _("Nhóm ngành quyết định tỷ lệ khấu trừ (hàng hóa: 1% GTGT và 0,5% TNCN)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_code"].required = True
        self.fields["tax_code"].error_messages["required"] = _("Vui lòng nhập mã số thuế hoặc số định danh cá nhân.")
        self.fields["seller_name"].required = True
        self.fields["seller_name"].error_messages["required"] = _("Vui lòng nhập tên người nộp thuế.")
        self.fields["tax_code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_tax_code(self) -> str:
        value = "".join((self.cleaned_data.get("tax_code") or "").split())
        validate_tax_identifier(value)
        return normalize_tax_identifier(value)

    def clean_seller_name(self) -> str:
        return (self.cleaned_data.get("seller_name") or "").strip()
