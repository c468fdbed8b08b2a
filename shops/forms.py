"""Buyer-side shop forms: the application to open a shop and the directory filters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.core.addresses import communes
from marketplace.core.phones import normalise_mobile
from marketplace.core.text import validate_single_line
from marketplace.core.uploads import DocumentUploadField, ImageUploadField
from shops.identity.services import representative_clean
from shops.models import LegalRepresentative, Partner


def _commune_choices(blank_label):
    return [("", blank_label), *((str(code), name) for code, name in communes())]


class RepresentativeForm(forms.Form):
    """The shop's legal representative: in the application and in the seller workspace."""

    representative_full_name = forms.CharField(
        label=_("Họ và tên người đại diện"), max_length=128, validators=[validate_single_line],
        help_text=_("Chủ hộ kinh doanh, giám đốc hợp tác xã hoặc doanh nghiệp, như trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    representative_birth_date = forms.DateField(
        label=_("Ngày sinh"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày sinh không hợp lệ (ngày/tháng/năm).")},
    )
    representative_id_kind = forms.ChoiceField(
        label=_("Loại giấy tờ"), choices=LegalRepresentative.IdKind.choices,
        initial=LegalRepresentative.IdKind.PERSONAL_ID, widget=forms.RadioSelect,
    )
    representative_id_number = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế"), max_length=20,
        help_text=_("12 chữ số trên thẻ căn cước; hoặc mã số thuế 10 chữ số. Không cần gửi ảnh thẻ."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        names = ("full_name", "birth_date", "id_kind", "id_number")
        if all(f"representative_{name}" in cleaned for name in names):
            try:
                values = representative_clean(**{name: cleaned[f"representative_{name}"] for name in names})
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(f"representative_{name}", messages)
            else:
                cleaned.update({f"representative_{name}": value for name, value in values.items()})
        return cleaned

    def representative_values(self) -> dict:
        return {
            name: self.cleaned_data[f"representative_{name}"]
            for name in ("full_name", "birth_date", "id_kind", "id_number")
        }


class ShopApplicationForm(RepresentativeForm):
    name = forms.CharField(
        label=_("Tên cửa hàng"), max_length=128, validators=[validate_single_line]
    )
    producer_type = forms.ChoiceField(label=_("Loại hình"), choices=Partner.ProducerType.choices)
    legal_name = forms.CharField(
        label=_("Tên pháp lý"),
        max_length=255,
        validators=[validate_single_line],
        help_text=_("Tên ghi trên giấy chứng nhận đăng ký kinh doanh / hợp tác xã."),
    )
    registration_number = forms.CharField(
        label=_("Mã số thuế / số đăng ký kinh doanh"), max_length=32
    )
    phone = forms.CharField(
        label=_("Điện thoại di động"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    zalo_phone = forms.CharField(
        label=_("Số Zalo"),
        max_length=20,
        required=False,
        help_text=_("Để trống nếu trùng số điện thoại."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    commune_code = forms.TypedChoiceField(label=_("Xã/phường"), coerce=int, choices=())
    street_address = forms.CharField(label=_("Địa chỉ (ấp/khóm, đường, số nhà)"), max_length=255)
    description = forms.CharField(
        label=_("Giới thiệu cửa hàng"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    application_document_kind = forms.ChoiceField(
        label=_("Loại giấy tờ"),
        choices=[("", _("— Chọn loại giấy tờ —")), *Partner.DocumentKind.choices],
        error_messages={"required": _("Vui lòng chọn loại giấy tờ bạn tải lên.")},
    )
    application_document = DocumentUploadField(
        label=_("Ảnh hoặc PDF giấy chứng nhận"),
        help_text=_(
            "Giấy chứng nhận đăng ký hộ kinh doanh, doanh nghiệp, hợp tác xã, hoặc giấy chứng "
            "nhận OCOP. Không tải ảnh CCCD/CMND: ảnh giấy tờ tuỳ thân là dữ liệu cá nhân nhạy cảm "
            "(Nghị định 356/2025) nên chúng tôi không nhận và không lưu. Giấy tờ chỉ được giữ đến "
            "%(days)s ngày sau khi có kết quả xét duyệt, rồi tự động xoá."
        ),
        error_messages={"required": _("Vui lòng chọn ảnh hoặc tệp PDF giấy chứng nhận.")},
    )
    logo = ImageUploadField(label=_("Logo (không bắt buộc)"), required=False)
    helper_email = forms.EmailField(
        label=_("E-mail người hỗ trợ (tổ công nghệ số cộng đồng)"),
        required=False,
        help_text=_("Nếu một thành viên tổ công nghệ số cộng đồng giúp bạn quản lý cửa hàng."),
    )
    helper_consent = forms.BooleanField(
        label=_("Tôi, chủ cửa hàng, đồng ý để người hỗ trợ này quản lý cửa hàng thay tôi."),
        required=False,
    )
    helper_consent_note = forms.CharField(
        label=_("Ghi chú về sự đồng ý"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: đồng ý trực tiếp tại buổi hướng dẫn ở UBND xã ngày …"),
    )

    def __init__(self, *args, applicant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.fields["commune_code"].choices = _commune_choices(_("— Chọn xã/phường —"))
        field = self.fields["application_document"]
        field.help_text = field.help_text % {"days": settings.APPLICATION_DOCUMENT_RETENTION_DAYS}

    def clean_phone(self) -> str:
        return normalise_mobile(self.cleaned_data["phone"])

    def clean_zalo_phone(self) -> str:
        value = self.cleaned_data.get("zalo_phone", "")
        return normalise_mobile(value) if value.strip() else ""

    def clean_helper_email(self) -> str:
        """The helper's address as typed. No account is looked up here: the form would tell
        anyone whether an address is registered (ADR 0030). The helper joins when the
        programme approves the shop, or is invited then (shops/services.py:shop_approve)."""
        email = (self.cleaned_data.get("helper_email") or "").strip()
        if email and self.applicant is not None and email.casefold() == (self.applicant.email or "").casefold():
            raise ValidationError(
                _("Người hỗ trợ phải là người khác chủ cửa hàng."), code="self_helper"
            )
        return email

    def clean(self):
        cleaned = super().clean()  # the representative's fields too
        if cleaned.get("helper_email") and not cleaned.get("helper_consent"):
            self.add_error(
                "helper_consent",
                ValidationError(
                    _("Cần có sự đồng ý của chủ cửa hàng khi nêu tên người hỗ trợ."),
                    code="consent_required",
                ),
            )
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "producer_type": data["producer_type"],
            "legal_name": data["legal_name"],
            "registration_number": data["registration_number"],
            "phone": data["phone"],
            "zalo_phone": data["zalo_phone"],
            "commune_code": data["commune_code"],
            "street_address": data["street_address"],
            "description": data["description"],
            "application_document": data["application_document"],
            "application_document_kind": data["application_document_kind"],
            "logo": data.get("logo") or None,
            "helper_email": data["helper_email"],
            "helper_consent_note": data["helper_consent_note"] if data["helper_email"] else "",
            "representative": self.representative_values(),
        }


class ShopFilterForm(forms.Form):
    """Directory filters; an invalid value is dropped (the view says so), never a 500."""

    commune = forms.TypedChoiceField(
        label=_("Xã/phường"), coerce=int, required=False, empty_value=None
    )
    type = forms.ChoiceField(label=_("Loại hình"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _commune_choices(_("Tất cả xã/phường"))
        self.fields["type"].choices = [("", _("Tất cả loại hình")), *Partner.ProducerType.choices]

    def filters(self) -> dict:
        """The valid filters only: {'commune_code': int | None, 'producer_type': str | None}."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "commune_code": data.get("commune") or None,
            "producer_type": data.get("type") or None,
        }
