"""Forms of the seller's product pages: Vietnamese messages, whole đồng, the shop's own objects."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category, Product
from catalogue.pricing import SaleTerms, sale_errors, sale_terms
from catalogue.products import MAX_PRICE, MAX_STOCK, SKU_MAX_LENGTH
from marketplace.core.text import validate_single_line
from marketplace.core.uploads import (
    MAX_FILES,
    TOO_MANY_FILES_MESSAGE,
    MultipleImageInput,
    MultipleImageUploadField,
)
from shops.models import Partner, StockRecord

_CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)$", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}([. ][0-9]{3})+")


def parse_vnd(text) -> int:
    """'250000', '250.000', '250.000 ₫', '250 000đ' -> 250000; anything else is a ValidationError.

    VND has no minor unit: '12,5' or '12.50' is refused with a message saying so (in
    Vietnamese the comma is the decimal separator, the dot groups thousands).
    """
    value = str(text or "").strip().replace("\u00a0", " ")
    value = _CURRENCY.sub("", value).strip()
    if not value:
        raise ValidationError(_("Nhập giá bán (số đồng)."), code="required")
    if value.startswith("-"):
        raise ValidationError(_("Giá không được âm."), code="negative")
    if value.startswith("+"):
        value = value[1:]
    if _DIGITS.fullmatch(value):
        amount = int(value)
    elif _GROUPED.fullmatch(value):
        amount = int(re.sub(r"[. ]", "", value))
    elif re.fullmatch(r"[0-9. ]*[,.][0-9]*", value) and re.search(r"[0-9]", value):
        raise ValidationError(
            _("Giá là số đồng nguyên, không có phần lẻ (ví dụ 250000 hoặc 250.000)."),
            code="fraction",
        )
    else:
        raise ValidationError(
            _("Giá không hợp lệ: chỉ nhập chữ số, ví dụ 250000 hoặc 250.000."), code="invalid"
        )
    if amount > MAX_PRICE:
        raise ValidationError(_("Giá quá lớn."), code="too_large")
    return amount


class VndField(forms.Field):
    """A price in whole đồng typed the way Vietnamese sellers write it; cleans to an int."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": "32"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if len(str(value)) > 32:
            raise ValidationError(_("Giá không hợp lệ."), code="invalid")
        return parse_vnd(value)


class CategoryChoiceField(forms.ModelChoiceField):
    """The OCOP groups and sub-groups as an indented tree (one query)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.order_by("path"), **kwargs)

    def label_from_instance(self, obj):
        return "\u2003" * (obj.depth - 1) + ("– " if obj.depth > 1 else "") + obj.name


def _sku_field():
    return forms.CharField(
        label=_("Mã sản phẩm (SKU)"), max_length=SKU_MAX_LENGTH, required=False,
        help_text=_("Để trống để hệ thống tự tạo từ tên sản phẩm."),
    )


#: reasons offered under the stock field (a datalist: any other reason may be typed)
STOCK_REASONS = (_("Nhập hàng mới"), _("Kiểm kho"), _("Hàng hỏng, hết hạn"), _("Bán ngoài sàn"))


def _count_widget():
    # A plain text box with the digit keypad: every Android keyboard types it (no sign needed).
    return forms.TextInput(attrs={
        "inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", "maxlength": "10",
    })


#: How datetime-local inputs send a moment (the browser's own); typed by hand, the others.
SALE_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _moment_field(label):
    """A moment entered and shown in the marketplace's time zone (Asia/Ho_Chi_Minh)."""
    return forms.DateTimeField(
        label=label, required=False, input_formats=SALE_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Nhập ngày giờ, ví dụ 12/12/2026 00:00.")},
    )


class SaleFieldsForm(forms.Form):
    """The "Giá khuyến mãi" group: a sale price, when it starts and when it ends.

    A form piece for any form that prices one stock record (the product form today, a
    variant's form tomorrow): put it among the bases and it checks the terms against the
    form's list price (`sale_list_price()`, by default the cleaned `price`) with
    catalogue.pricing.sale_errors; `sale_terms` is what to save (NO_SALE: no sale)."""

    sale_field_names = ("sale_price", "sale_starts_at", "sale_ends_at")

    sale_price = VndField(
        label=_("Giá khuyến mãi (₫)"), required=False,
        help_text=_("Thấp hơn giá bán. Để trống cả ba ô nếu không khuyến mãi."),
    )
    sale_starts_at = _moment_field(_("Bắt đầu (giờ Việt Nam)"))
    sale_ends_at = _moment_field(_("Kết thúc (giờ Việt Nam)"))

    def sale_list_price(self) -> int | None:
        return self.cleaned_data.get("price")

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in self.sale_field_names):
            return data
        # a sale's boundaries are whole minutes, as the inputs give them (the search index
        # keeps milliseconds)
        starts, ends = (
            data.get(name).replace(second=0, microsecond=0) if data.get(name) else None
            for name in ("sale_starts_at", "sale_ends_at")
        )
        terms = SaleTerms(data.get("sale_price"), starts, ends)
        if "price" in self.errors:
            return data
        for name, message in sale_errors(self.sale_list_price(), terms).items():
            self.add_error(name, message)
        if not self.errors:
            self.sale_terms = terms
        return data

    @staticmethod
    def sale_initial(record) -> dict:
        """Initial values of the group from a stock record (times in Vietnam time)."""
        terms = sale_terms(record)
        return {
            "sale_price": terms.price,
            "sale_starts_at": timezone.localtime(terms.starts_at) if terms.starts_at else None,
            "sale_ends_at": timezone.localtime(terms.ends_at) if terms.ends_at else None,
        }


class ProductForm(SaleFieldsForm, forms.Form):
    """Create or edit a product of `shop`. No field names another shop's object."""

    title = forms.CharField(
        label=_("Tên sản phẩm"), max_length=255, validators=[validate_single_line]
    )
    category = CategoryChoiceField(
        label=_("Nhóm sản phẩm (OCOP)"), empty_label=_("— Chọn nhóm —"),
        error_messages={
            "required": _("Chọn nhóm sản phẩm."),
            "invalid_choice": _("Nhóm sản phẩm không tồn tại."),
        },
    )
    price = VndField(
        label=_("Giá bán (₫)"), help_text=_("Số đồng nguyên, ví dụ 250.000."),
        error_messages={"required": _("Nhập giá bán (số đồng).")},
    )
    stock = forms.IntegerField(
        label=_("Số lượng hiện có"), min_value=0, max_value=MAX_STOCK, widget=_count_widget(),
        error_messages={
            "required": _("Nhập số lượng tồn kho."),
            "invalid": _("Tồn kho là một số nguyên."),
            "min_value": _("Tồn kho không được âm."),
            "max_value": _("Tồn kho quá lớn."),
        },
    )
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Có thể dùng đoạn văn, danh sách, chữ đậm; mã lệnh và kiểu dáng sẽ bị bỏ."),
    )
    sku = _sku_field()
    traceability_url = forms.URLField(
        label=_("Liên kết truy xuất nguồn gốc"), required=False, assume_scheme="https",
        help_text=_("Trang truy xuất (mã QR) của sản phẩm, nếu có."),
        error_messages={"invalid": _("Nhập một địa chỉ web hợp lệ (https://…).")},
    )

    def __init__(self, *args, shop: Partner, product: Product | None = None, **kwargs):
        self.shop = shop
        self.product = product
        super().__init__(*args, **kwargs)
        if product is not None and product.is_parent:
            # A product with options is priced and stocked per option ("Phân loại hàng").
            # Its sales too: each option has its own (VariantForm).
            for name in ("price", "stock", "sku", "stock_seen", *self.sale_field_names):
                self.fields.pop(name, None)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError(_("Nhập tên sản phẩm."))
        return title

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        if not sku:
            return sku
        taken = StockRecord.objects.filter(partner=self.shop, partner_sku=sku)
        if self.product is not None:
            taken = taken.exclude(product=self.product)
        if taken.exists():
            raise ValidationError(_("Mã SKU này đã dùng cho một sản phẩm khác của cửa hàng."))
        return sku


class PhotoPickerMixin:
    """Two inputs for the same photos: "Chọn ảnh" (the gallery, several at once) and "Chụp ảnh"
    (`capture`: the phone opens its camera). `photos` cleans to both, gallery first; every
    file is still checked by its content (marketplace.core.uploads)."""

    def clean(self):
        data = super().clean()
        photos = list(data.get("photos") or []) + list(data.get("camera") or [])
        if len(photos) > MAX_FILES:
            # On the field, so the picker shows it next to the photos (a form-wide error would
            # be lost on the photos page, which has no other place for it).
            self.add_error("photos", ValidationError(TOO_MANY_FILES_MESSAGE, params={"limit": MAX_FILES}))
            return data
        if self.photos_required and not photos and not self.errors:
            self.add_error("photos", _("Chọn ít nhất một ảnh."))
        data["photos"] = photos
        return data


def _gallery_field(label, **kwargs):
    # image/*: on phones the picker offers every photo app; the content is checked on upload.
    return MultipleImageUploadField(
        label=label, required=False, widget=MultipleImageInput(attrs={"accept": "image/*"}), **kwargs
    )


def _camera_field():
    return MultipleImageUploadField(
        label=_("Chụp ảnh"), required=False,
        widget=MultipleImageInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class ProductCreateForm(PhotoPickerMixin, ProductForm):
    photos_required = False
    photos = _gallery_field(_("Chọn ảnh"), help_text=_("Chọn một hoặc nhiều ảnh; ảnh đầu tiên là ảnh chính."))
    camera = _camera_field()


class ProductEditForm(ProductForm):
    # The stock level shown when the page was rendered: `stock` is written only if the level
    # is still this one (catalogue.products.stock_set), so a hand-over meanwhile is not undone.
    stock_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImagesUploadForm(PhotoPickerMixin, forms.Form):
    photos_required = True
    photos = _gallery_field(_("Chọn ảnh"))
    camera = _camera_field()


class StockSetForm(forms.Form):
    """The stock on hand as counted (never a signed change): the service computes the change.

    `expected` is the level shown when the form was rendered; the service writes only if the
    stock is still that level (catalogue.products.stock_set)."""

    quantity = forms.IntegerField(
        label=_("Số lượng hiện có"), min_value=0, max_value=MAX_STOCK, widget=_count_widget(),
        help_text=_("Số hàng đang có trong kho, kể cả hàng đã giữ cho đơn."),
        error_messages={
            "required": _("Nhập số lượng hiện có, ví dụ 25."),
            "invalid": _("Nhập một số nguyên không âm, ví dụ 25."),
            "min_value": _("Số lượng không được âm."),
            "max_value": _("Số lượng quá lớn."),
        },
    )
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Lý do"), max_length=255,
        widget=forms.TextInput(attrs={"list": "stock-reasons", "autocomplete": "off"}),
        error_messages={"required": _("Ghi lý do, ví dụ: nhập hàng mới, hàng hỏng, kiểm kho.")},
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise ValidationError(_("Ghi lý do, ví dụ: nhập hàng mới, hàng hỏng, kiểm kho."))
        return reason


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Chọn tệp CSV để nhập."), "empty": _("Tệp đang trống.")},
    )


class VariantForm(PhotoPickerMixin, SaleFieldsForm, forms.Form):
    """One option of a product ("Phân loại hàng"): its name, price, stock, SKU and photo.
    The rules across options (unique names and SKUs) are checked by catalogue.variants,
    whose messages the view puts on these fields."""

    photos_required = False
    option = forms.CharField(
        label=_("Tên phân loại"), max_length=80, validators=[validate_single_line],
        help_text=_("Ví dụ: chai 500 ml, hộp quà, 1 kg."),
        error_messages={"required": _("Nhập tên phân loại, ví dụ “chai 500 ml”.")},
    )
    price = VndField(
        label=_("Giá bán (₫)"), error_messages={"required": _("Nhập giá bán (số đồng) cho phân loại này.")},
    )
    stock = forms.IntegerField(
        label=_("Số lượng hiện có"), min_value=0, max_value=MAX_STOCK, widget=_count_widget(),
        error_messages={
            "required": _("Nhập số lượng tồn kho cho phân loại này."),
            "invalid": _("Tồn kho là một số nguyên."),
            "min_value": _("Tồn kho không được âm."),
            "max_value": _("Tồn kho quá lớn."),
        },
    )
    sku = _sku_field()
    photos = _gallery_field(_("Ảnh của phân loại"), help_text=_("Không bắt buộc: ảnh riêng của phân loại này."))
    camera = _camera_field()
    stock_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, first_option: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if first_option:
            # A standalone product's current price and stock become its first option.
            self.fields["first_option"] = forms.CharField(
                label=_("Tên phân loại hiện có"), max_length=80, validators=[validate_single_line],
                help_text=_("Giá và tồn kho hiện tại của sản phẩm thuộc phân loại này, ví dụ “chai 250 ml”."),
                error_messages={"required": _(
                    "Đặt tên cho phân loại hiện có của sản phẩm (giá và tồn kho hiện tại), ví dụ “chai 250 ml”."
                )},
            )
            self.order_fields(["first_option"])


class MergeForm(forms.Form):
    """"Gộp thành một sản phẩm nhiều phân loại": the shop's standalone products to merge and
    the shared name. `products` offers only the shop's own standalone products."""

    products = forms.ModelMultipleChoiceField(
        queryset=Product.objects.none(), widget=forms.CheckboxSelectMultiple,
        label=_("Sản phẩm gộp lại"),
        error_messages={
            "required": _("Chọn ít nhất hai sản phẩm để gộp."),
            "invalid_choice": _("Chỉ gộp được sản phẩm của cửa hàng mình."),
            "invalid_pk_value": _("Chỉ gộp được sản phẩm của cửa hàng mình."),
        },
    )
    title = forms.CharField(
        label=_("Tên chung của sản phẩm"), max_length=255, validators=[validate_single_line],
        help_text=_("Ví dụ: Mật ong U Minh Hạ. Phần còn lại của mỗi tên trở thành tên phân loại."),
        error_messages={"required": _("Nhập tên chung của sản phẩm.")},
    )

    def __init__(self, *args, shop: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = shop.products.filter(structure=Product.STANDALONE).order_by("title")

    def clean_products(self):
        chosen = self.cleaned_data["products"]
        if len(chosen) < 2:
            raise ValidationError(_("Chọn ít nhất hai sản phẩm để gộp."))
        return chosen
