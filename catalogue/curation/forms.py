"""Forms of programme curation (staff only)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import Collection
from catalogue.selectors import product_list_public
from marketplace.core.staff import DecisionForm
from marketplace.core.text import slugify_vi

MAX_COLLECTION_PRODUCTS = 200
_LEADING_ID = re.compile(r"^\s*#?(\d+)\b")


class CollectionForm(forms.Form):
    """A collection and its products, one product id per line in display order.

    A line may carry the title after the id ("123 — Mật ong U Minh"); only the id counts.
    Every id must be a product buyers can see.
    """

    name = forms.CharField(label=gettext_lazy("Tên"), max_length=128)
    slug = forms.CharField(
        label=gettext_lazy("Đường dẫn"),
        max_length=128,
        required=False,
        help_text=gettext_lazy("Để trống để tạo từ tên."),
    )
    description = forms.CharField(
        label=gettext_lazy("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Hiện trên trang chủ"), required=False, initial=True
    )
    products = forms.CharField(
        label=gettext_lazy("Sản phẩm (mỗi dòng một mã sản phẩm, theo thứ tự hiển thị)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Ví dụ: “123 — Mật ong U Minh”. Chỉ số ở đầu dòng được dùng; "
            "dòng đầu tiên hiện trước. Tìm mã sản phẩm bằng ô tìm kiếm bên dưới."
        ),
    )

    def __init__(self, *args, collection: Collection | None = None, **kwargs):
        self.collection = collection
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Vui lòng nhập tên bộ sưu tập."))
        return name

    def clean_slug(self) -> str:
        raw = self.cleaned_data.get("slug", "").strip()
        if not raw:
            return ""
        slug = slugify_vi(raw)[:128]
        if not slug:
            raise forms.ValidationError(_("Đường dẫn chỉ gồm chữ, số và dấu gạch ngang."))
        taken = Collection.objects.filter(slug=slug)
        if self.collection is not None:
            taken = taken.exclude(pk=self.collection.pk)
        if taken.exists():
            raise forms.ValidationError(_("Đường dẫn này đã được dùng cho bộ sưu tập khác."))
        return slug

    def clean_products(self) -> list[int]:
        ids: list[int] = []
        errors: list[str] = []
        for number, line in enumerate(self.cleaned_data.get("products", "").splitlines(), start=1):
            if not line.strip():
                continue
            match = _LEADING_ID.match(line)
            if not match:
                errors.append(
                    _("Dòng %(n)s: cần bắt đầu bằng mã sản phẩm (một số).") % {"n": number}
                )
                continue
            pk = int(match.group(1))
            if pk in ids:
                errors.append(
                    _("Dòng %(n)s: sản phẩm %(pk)s đã có ở dòng trên.") % {"n": number, "pk": pk}
                )
                continue
            ids.append(pk)
        if len(ids) > MAX_COLLECTION_PRODUCTS:
            errors.append(
                _("Một bộ sưu tập có tối đa %(max)s sản phẩm.") % {"max": MAX_COLLECTION_PRODUCTS}
            )
        if ids and not errors:
            public = set(product_list_public().filter(pk__in=ids).values_list("pk", flat=True))
            for pk in ids:
                if pk not in public:
                    errors.append(
                        _("Sản phẩm %(pk)s không tồn tại hoặc người mua không xem được.")
                        % {"pk": pk}
                    )
        if errors:
            raise forms.ValidationError(errors)
        return ids


class ProductSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Tìm sản phẩm theo tên hoặc mã"), required=False, max_length=200
    )


class RejectForm(DecisionForm):
    """The reason a product is not approved: required, the seller is told."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reason_required", True)
        super().__init__(*args, **kwargs)


def products_initial(items) -> str:
    """The textarea's text for the collection's current items."""
    return "\n".join(
        f"{item.product_id} — {item.product.title}"
        + (f" ({item.product.shop.name})" if item.product.shop_id else "")
        for item in items
    )
