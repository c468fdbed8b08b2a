"""The seller's products, photos, stock and CSV pages. Thin: writes go through catalogue.products
(and catalogue.product_import); the CSV file is read and written by csv_io.

Every queryset starts from `self.shop` (SellerShopMixin), so another shop's product or
photo id answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView, TemplateView, View

from catalogue import product_import, products, variants
from catalogue.models import Product, ProductImage
from catalogue.pricing import price_in_force_expression
from shops.models import StockRecord
from shops.seller.mixins import SellerShopMixin
from shops.seller.operations.selectors import low_stock_records

from . import csv_io
from .forms import (
    STOCK_REASONS,
    ImagesUploadForm,
    ImportForm,
    MergeForm,
    ProductCreateForm,
    ProductEditForm,
    StockSetForm,
    VariantForm,
)


def ocop_sent_back_message(count: int) -> str:
    """The seller's warning when a change sent verified OCOP certificates back to staff."""
    return ngettext(
        "Tên hoặc nhóm sản phẩm đã thay đổi so với lúc chứng nhận OCOP được xác minh: "
        "chứng nhận đã được gửi lại cho cán bộ xác minh và huy hiệu OCOP tạm ẩn đến khi "
        "được xác minh lại. Xem lý do trong mục Chứng nhận OCOP.",
        "Tên hoặc nhóm sản phẩm đã thay đổi so với lúc %(count)s chứng nhận OCOP được xác minh: "
        "các chứng nhận đã được gửi lại cho cán bộ xác minh và huy hiệu OCOP tạm ẩn đến khi "
        "được xác minh lại. Xem lý do trong mục Chứng nhận OCOP.",
        count,
    ) % {"count": count}


class ShopProductMixin(SellerShopMixin):
    """`self.product`: the product of the URL, looked up among the shop's own products."""

    product = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_object_or_404()  # another shop's id is a 404 whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_object_or_404(self):
        return self.get_product()

    def get_product(self) -> Product:
        if self.product is None:
            self.product = get_object_or_404(
                self.shop.products.select_related("shop"), pk=self.kwargs["product_pk"]
            )
        return self.product

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product"] = self.get_product()
        return context

    def products_url(self) -> str:
        return reverse("seller:products", kwargs={"shop_code": self.shop.code})

    def next_or(self, default: str) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return default


# --- products ----------------------------------------------------------------------


class ProductListView(SellerShopMixin, ListView):
    template_name = "seller/catalogue/product_list.html"
    context_object_name = "products"
    paginate_by = 20

    def get_queryset(self):
        record = StockRecord.objects.filter(partner=self.shop, product=OuterRef("pk")).order_by("pk")
        # A product with options: its options' lowest and highest price, their stock together.
        options = StockRecord.objects.filter(partner=self.shop, product__parent=OuterRef("pk")).order_by()
        options = options.values("product__parent")
        queryset = (
            self.shop.products.exclude(structure=Product.CHILD)
            .annotate(
                shop_price=Subquery(record.values("price")[:1]),
                # the price buyers pay now: a sale's while it runs (catalogue.pricing)
                shop_price_now=Subquery(record.annotate(now=price_in_force_expression()).values("now")[:1]),
                shop_stock=Subquery(record.values("num_in_stock")[:1]),
                shop_allocated=Subquery(record.values("num_allocated")[:1]),
                shop_sku=Subquery(record.values("partner_sku")[:1]),
                options_count=Subquery(options.annotate(n=Count("pk")).values("n")[:1]),
                options_price=Subquery(options.annotate(p=Min("price")).values("p")[:1]),
                options_price_max=Subquery(options.annotate(p=Max("price")).values("p")[:1]),
                options_stock=Subquery(options.annotate(n=Sum("num_in_stock")).values("n")[:1]),
            )
            .prefetch_related(
                Prefetch(
                    "images",
                    queryset=ProductImage.objects.order_by("display_order", "pk"),
                    to_attr="ordered_images",
                )
            )
            .order_by("-date_created", "-pk")
        )
        self.query = " ".join(self.request.GET.get("q", "").split())[:100]
        if self.query:
            queryset = queryset.filter(
                Q(title__icontains=self.query) | Q(stockrecords__partner_sku__iexact=self.query)
                | Q(children__stockrecords__partner_sku__iexact=self.query)
            ).distinct()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        return context


class ProductCreateView(SellerShopMixin, FormView):
    template_name = "seller/catalogue/product_form.html"
    form_class = ProductCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "shop": self.shop}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            product = products.product_create(
                shop=self.shop, actor=self.request.user, acting_as=self.capacity,
                title=data["title"], category=data["category"], price=data["price"],
                stock=data["stock"], description=data["description"], sku=data["sku"],
                traceability_url=data["traceability_url"], images=data["photos"],
                sale=form.sale_terms,
            )
        except IntegrityError:  # the same SKU saved a moment ago (double tap, two helpers)
            form.add_error("sku", _("Mã SKU này vừa được dùng cho một sản phẩm khác. Hãy kiểm tra lại."))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm sản phẩm “%(title)s”.") % {"title": product.title})
        return redirect("seller:products", shop_code=self.shop.code)


class ProductEditView(ShopProductMixin, FormView):
    template_name = "seller/catalogue/product_form.html"
    form_class = ProductEditForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "shop": self.shop, "product": self.get_product()}

    def get_initial(self):
        product = self.get_product()
        record = products.shop_stockrecord(shop=self.shop, product=product)
        category = product.categories.order_by("path").first()
        stock = record.num_in_stock if record and record.num_in_stock is not None else 0
        return {
            "title": product.title,
            "description": product.description,
            "category": category,
            "price": int(record.price) if record and record.price is not None else None,
            "stock": stock,
            "stock_seen": stock,
            "sku": record.partner_sku if record else "",
            "traceability_url": product.traceability_url,
            **ProductEditForm.sale_initial(record),
        }

    def get(self, request, *args, **kwargs):
        product = self.get_product()
        if product.is_child:  # an option is edited in its product's "Phân loại hàng"
            return redirect("seller:product-edit", shop_code=self.shop.code, product_pk=product.parent_id)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.get_product()
        context["images"] = list(product.images.order_by("display_order", "pk"))
        context["has_orders"] = products.product_has_orders(product)
        context["variants"] = variant_rows(product) if product.is_parent else []
        context.setdefault("variant_form", VariantForm(first_option=product.is_standalone, prefix="variant"))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        if self.get_product().is_child:
            raise Http404()
        product = products.product_update(
            product=self.get_product(), actor=self.request.user, acting_as=self.capacity,
            title=data["title"], category=data["category"], price=data.get("price"),
            description=data["description"], sku=data.get("sku", ""),
            traceability_url=data["traceability_url"],
            stock=data.get("stock"), stock_seen=data.get("stock_seen"), sale=form.sale_terms,
        )
        messages.success(self.request, _("Đã lưu sản phẩm “%(title)s”.") % {"title": product.title})
        if product.ocop_sent_back:
            messages.warning(self.request, ocop_sent_back_message(len(product.ocop_sent_back)))
        return redirect("seller:product-edit", shop_code=self.shop.code, product_pk=product.pk)

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except products.StockChanged as changed:
            # Nothing was saved: show the form again with the level now, to check and resend.
            data = request.POST.copy()
            data["stock_seen"] = str(changed.current)
            form = self.get_form_class()(data=data, files=request.FILES, **{
                k: v for k, v in self.get_form_kwargs().items() if k not in ("data", "files")
            })
            form.is_valid()
            form.add_error("stock", stock_changed_message(changed.current))
            return self.form_invalid(form)
        except products.StockAdjustmentRefused:
            form = self.get_form()
            form.is_valid()
            form.add_error("stock", _("Tồn kho không thể thấp hơn số đã giữ cho các đơn hàng đang xử lý."))
            return self.form_invalid(form)


def stock_changed_message(current: int) -> str:
    return _("Tồn kho vừa thay đổi thành %(level)s, vui lòng kiểm tra lại.") % {"level": current}


class ProductHideView(ShopProductMixin, View):
    """POST: show a hidden product, hide a shown one."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        product = self.get_product()
        products.product_set_public(
            product=product, is_public=not product.is_public,
            actor=request.user, acting_as=self.capacity,
        )
        if product.is_public:
            messages.success(request, _("Sản phẩm “%(title)s” đã hiện lại trên cửa hàng.") % {"title": product.title})
        else:
            messages.success(request, _("Đã ẩn sản phẩm “%(title)s”: người mua không còn thấy.") % {"title": product.title})
        return HttpResponseRedirect(self.next_or(self.products_url()))


class ProductDeleteView(ShopProductMixin, TemplateView):
    """GET: confirm; POST: delete, or refuse when the product was ordered (offer hiding)."""

    template_name = "seller/catalogue/product_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_orders"] = products.product_has_orders(self.get_product())
        return context

    def post(self, request, *args, **kwargs):
        product = self.get_product()
        if product.is_child:
            return VariantRemoveView.remove(self, request, product)
        title = product.title
        try:
            products.product_delete(product=product, actor=request.user, acting_as=self.capacity)
        except products.ProductInOrders:
            messages.error(
                request,
                _("Không thể xoá “%(title)s” vì sản phẩm đã có trong đơn hàng hoặc có chứng nhận OCOP (cần giữ lịch sử). "
                  "Bạn có thể ẩn sản phẩm thay vì xoá.") % {"title": title},
            )
            return self.render_to_response(self.get_context_data(), status=409)
        messages.success(request, _("Đã xoá sản phẩm “%(title)s”.") % {"title": title})
        return HttpResponseRedirect(self.products_url())


# --- photos ------------------------------------------------------------------------


class ProductImagesView(ShopProductMixin, FormView):
    """Upload several photos; reorder them (position numbers or ↑/↓ buttons, no JS)."""

    template_name = "seller/catalogue/product_images.html"
    form_class = ImagesUploadForm

    def images(self) -> list[ProductImage]:
        return list(self.get_product().images.order_by("display_order", "pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["images"] = self.images()
        return context

    def url(self) -> str:
        return reverse(
            "seller:product-images",
            kwargs={"shop_code": self.shop.code, "product_pk": self.get_product().pk},
        )

    def post(self, request, *args, **kwargs):
        product = self.get_product()
        if "move" in request.POST:
            return self._move(request.POST["move"])
        if "reorder" in request.POST:
            return self._reorder()
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        products.product_images_add(
            product=product, files=form.cleaned_data["photos"],
            actor=request.user, acting_as=self.capacity,
        )
        messages.success(request, _("Đã thêm %(count)s ảnh.") % {"count": len(form.cleaned_data["photos"])})
        return HttpResponseRedirect(self.url())

    def _move(self, value: str):
        pk_text, _sep, direction = value.partition(":")
        ids = [image.pk for image in self.images()]
        try:
            index = ids.index(int(pk_text))
        except ValueError:
            return HttpResponseRedirect(self.url())  # not a photo of this product: nothing to do
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(ids):
            ids[index], ids[target] = ids[target], ids[index]
            products.product_image_reorder(
                product=self.get_product(), ordered_ids=ids,
                actor=self.request.user, acting_as=self.capacity,
            )
        return HttpResponseRedirect(self.url())

    def _reorder(self):
        positions = []
        for index, image in enumerate(self.images()):
            raw = self.request.POST.get(f"position-{image.pk}", "")
            try:
                position = int(raw)
            except ValueError:
                position = index + 1
            positions.append((position, index, image.pk))
        ordered = [pk for _position, _index, pk in sorted(positions)]
        products.product_image_reorder(
            product=self.get_product(), ordered_ids=ordered,
            actor=self.request.user, acting_as=self.capacity,
        )
        messages.success(self.request, _("Đã lưu thứ tự ảnh."))
        return HttpResponseRedirect(self.url())


class ProductImageMixin(ShopProductMixin):
    def get_object_or_404(self):
        return self.get_image()

    def get_image(self) -> ProductImage:
        return get_object_or_404(self.get_product().images.all(), pk=self.kwargs["image_pk"])

    def images_url(self) -> str:
        return reverse(
            "seller:product-images",
            kwargs={"shop_code": self.shop.code, "product_pk": self.get_product().pk},
        )


class ProductImageMainView(ProductImageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        products.product_image_set_main(image=self.get_image(), actor=request.user, acting_as=self.capacity)
        messages.success(request, _("Đã chọn ảnh chính."))
        return HttpResponseRedirect(self.images_url())


class ProductImageDeleteView(ProductImageMixin, TemplateView):
    """GET: the photo and a confirmation (deleting destroys the file); POST: delete it."""

    template_name = "seller/catalogue/product_image_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["image"] = self.get_image()
        return context

    def post(self, request, *args, **kwargs):
        products.product_image_delete(image=self.get_image(), actor=request.user, acting_as=self.capacity)
        messages.success(request, _("Đã xoá ảnh."))
        return HttpResponseRedirect(self.images_url())


# --- stock -------------------------------------------------------------------------


def _net_level():
    return Coalesce(F("num_in_stock"), Value(0)) - Coalesce(F("num_allocated"), Value(0))


class StockListView(SellerShopMixin, ListView):
    """Stock levels of the shop, lowest available stock first."""

    template_name = "seller/catalogue/stock_list.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        # `?low=1`: only the records the overview counts as low (its "Sắp hết hàng" tile).
        self.low_only = self.request.GET.get("low") == "1"
        records = low_stock_records(shop=self.shop) if self.low_only else StockRecord.objects.filter(partner=self.shop)
        return (
            records.filter(product__shop=self.shop)
            .select_related("product", "product__parent")
            .annotate(available=_net_level())
            .order_by("available", "product__title", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["low_only"] = self.low_only
        context["reasons"] = STOCK_REASONS
        return context


class StockAdjustView(ShopProductMixin, FormView):
    """The stock on hand typed as a count ("Số lượng hiện có"); the change is computed and
    logged by catalogue.products.stock_set, written only if the stock is still the level the
    form showed (else the seller is shown the new level)."""

    template_name = "seller/catalogue/stock_adjust.html"
    form_class = StockSetForm

    def get_record(self) -> StockRecord:
        if not hasattr(self, "record"):
            self.record = get_object_or_404(
                StockRecord.objects.select_related("product", "partner"),
                partner=self.shop, product=self.get_product(),
            )
        return self.record

    def get_initial(self):
        level = self.get_record().num_in_stock or 0
        return {"quantity": level, "expected": level}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.get_record()
        context["record"] = record
        context["reasons"] = STOCK_REASONS
        context["adjustments"] = record.adjustments.select_related("actor")[:10]
        context["next"] = self.next_or("")
        return context

    def form_invalid(self, form):
        # Back on the full page even when sent from the stock list's inline form.
        return self.render_to_response(self.get_context_data(form=form), status=200)

    def form_valid(self, form):
        record = self.get_record()
        data = form.cleaned_data
        try:
            adjustment = products.stock_set(
                stockrecord=record, quantity=data["quantity"], expected=data["expected"],
                reason=data["reason"], actor=self.request.user, acting_as=self.capacity,
            )
        except products.StockChanged as changed:
            record.num_in_stock = changed.current
            # The form again, now expecting the new level, with the seller's count kept.
            fresh = self.get_form_class()(data={**self.request.POST.dict(), "expected": changed.current})
            fresh.is_valid()
            fresh.add_error("quantity", stock_changed_message(changed.current))
            return self.form_invalid(fresh)
        except products.StockAdjustmentRefused:
            form.add_error(
                "quantity",
                _("Không thể đặt như vậy: tồn kho sẽ thấp hơn số đã giữ cho đơn hàng (%(allocated)s).")
                % {"allocated": record.num_allocated or 0},
            )
            return self.form_invalid(form)
        if adjustment is None:
            messages.info(self.request, _("Tồn kho “%(title)s” không đổi: %(level)s.") % {
                "title": record.product.title, "level": data["quantity"]})
        else:
            messages.success(
                self.request,
                _("Đã cập nhật tồn kho “%(title)s”: %(old)s → %(level)s.")
                % {"title": record.product.title, "old": adjustment.resulting_level - adjustment.delta,
                   "level": adjustment.resulting_level},
            )
        return HttpResponseRedirect(
            self.next_or(reverse("seller:stock", kwargs={"shop_code": self.shop.code}))
        )


# --- CSV ---------------------------------------------------------------------------


class ProductsExportView(SellerShopMixin, View):
    def get(self, request, *args, **kwargs):
        filename = f"san-pham-{self.shop.code}-{timezone.localdate():%Y%m%d}.csv"
        response = HttpResponse(csv_io.export_csv(self.shop), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ProductsImportView(SellerShopMixin, FormView):
    template_name = "seller/catalogue/products_import.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = csv_io.COLUMNS
        context["max_rows"] = csv_io.MAX_ROWS
        return context

    def form_valid(self, form):
        try:
            parsed = csv_io.parse_products_csv(self.shop, form.cleaned_data["file"])
        except csv_io.ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        if not parsed.ok:
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=parsed.errors), status=400
            )
        try:
            result = product_import.products_import(
                shop=self.shop, rows=parsed.rows, actor=self.request.user, acting_as=self.capacity
            )
        except product_import.ImportConflict as conflict:
            errors = [(line, "stock", message) for line, message in conflict.errors]
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=errors), status=409
            )
        if result.certificates_sent_back:
            messages.warning(self.request, ocop_sent_back_message(result.certificates_sent_back))
        return self.render_to_response(self.get_context_data(form=ImportForm(), result=result))


# --- options ("Phân loại hàng") ----------------------------------------------------------


def variant_rows(product: Product) -> list[dict]:
    """The options of `product` with their stock record (three queries whatever their number)."""
    rows = []
    for child in product.children.order_by("pk").prefetch_related("stockrecords", "images"):
        record = next(iter(child.stockrecords.all()), None)
        rows.append({"variant": child, "record": record, "images": list(child.images.all())})
    return rows


class VariantMixin(ShopProductMixin):
    """`self.variant`: an option of the URL's product, itself one of the shop's products."""

    def get_object_or_404(self):
        return self.get_variant()

    def get_variant(self) -> Product:
        if not hasattr(self, "variant"):
            self.variant = get_object_or_404(
                self.get_product().children.select_related("parent__shop"), pk=self.kwargs["variant_pk"]
            )
        return self.variant

    def edit_url(self) -> str:
        return reverse("seller:product-edit", kwargs={"shop_code": self.shop.code, "product_pk": self.get_product().pk})


def _put_errors(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


class VariantAddView(ProductEditView):
    """POST from the edit page's "Thêm phân loại": a standalone product becomes a product
    with options (its stock record becomes the first option, named by the seller). Bad
    input shows the edit page again with the messages on the option's form."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        product = self.get_product()
        if product.is_child:
            raise Http404()
        form = VariantForm(request.POST, request.FILES, first_option=product.is_standalone, prefix="variant")
        if form.is_valid():
            data = form.cleaned_data
            try:
                variants.variant_add(
                    product=product, actor=request.user, acting_as=self.capacity,
                    option=data["option"], price=data["price"], stock=data["stock"], sku=data["sku"],
                    images=data["photos"], first_option=data.get("first_option", ""),
                )
            except variants.VariantRefused as refused:
                _put_errors(form, refused.errors)
            except IntegrityError:  # the same SKU saved a moment ago
                form.add_error("sku", _("Mã SKU này vừa được dùng cho một sản phẩm khác. Hãy kiểm tra lại."))
            else:
                messages.success(request, _("Đã thêm phân loại “%(option)s”.") % {"option": data["option"]})
                return redirect("seller:product-edit", shop_code=self.shop.code, product_pk=product.pk)
        product_form = ProductEditForm(initial=self.get_initial(), shop=self.shop, product=product)
        return self.render_to_response(self.get_context_data(form=product_form, variant_form=form), status=400)


class VariantEditView(VariantMixin, FormView):
    """One option: its name, price, stock (written through stock_set), SKU and photo."""

    template_name = "seller/catalogue/variant_form.html"

    def get_form(self, form_class=None):
        return VariantForm(**self.get_form_kwargs())

    def get_initial(self):
        variant = self.get_variant()
        record = variant.stockrecords.order_by("pk").first()
        stock = record.num_in_stock if record and record.num_in_stock is not None else 0
        return {
            "option": variant.title, "price": int(record.price) if record and record.price is not None else None,
            "stock": stock, "stock_seen": stock, "sku": record.partner_sku if record else "",
            **VariantForm.sale_initial(record),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["variant"] = self.get_variant()
        context["variant_images"] = list(self.get_variant().images.order_by("display_order", "pk"))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            variants.variant_update(
                variant=self.get_variant(), actor=self.request.user, acting_as=self.capacity,
                option=data["option"], price=data["price"], sku=data["sku"], stock=data["stock"],
                stock_seen=data.get("stock_seen"), images=data["photos"], sale=form.sale_terms,
            )
        except variants.VariantRefused as refused:
            _put_errors(form, refused.errors)
            return self.form_invalid(form)
        except products.StockChanged as changed:
            fresh = VariantForm(data={**self.request.POST.dict(), "stock_seen": changed.current})
            fresh.is_valid()
            fresh.add_error("stock", stock_changed_message(changed.current))
            return self.form_invalid(fresh)
        except products.StockAdjustmentRefused:
            form.add_error("stock", _("Tồn kho không thể thấp hơn số đã giữ cho các đơn hàng đang xử lý."))
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error("sku", _("Mã SKU này vừa được dùng cho một sản phẩm khác. Hãy kiểm tra lại."))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu phân loại “%(option)s”.") % {"option": data["option"]})
        return HttpResponseRedirect(self.edit_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class VariantRemoveView(VariantMixin, View):
    """POST: delete an option nobody ordered, hide one that was ordered; "show" offers a
    hidden one again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        variant = self.get_variant()
        if request.POST.get("show") and not variant.is_public:
            variants.variant_show(variant=variant, actor=request.user, acting_as=self.capacity)
            messages.success(request, _("Đã mở bán lại phân loại “%(option)s”.") % {"option": variant.title})
            return HttpResponseRedirect(self.edit_url())
        return self.remove(request, variant)

    def remove(self, request, variant):
        edit = reverse("seller:product-edit", kwargs={"shop_code": self.shop.code, "product_pk": variant.parent_id})
        try:
            outcome = variants.variant_remove(variant=variant, actor=request.user, acting_as=self.capacity)
        except variants.VariantRefused as refused:
            messages.error(request, " ".join(refused.errors.values()))
            return HttpResponseRedirect(edit)
        if outcome == "deleted":
            messages.success(request, _("Đã xoá phân loại “%(option)s”.") % {"option": variant.title})
        else:
            messages.success(request, _(
                "Phân loại “%(option)s” đã có trong đơn hàng nên được ẩn (không xoá) để giữ lịch sử đơn."
            ) % {"option": variant.title})
        return HttpResponseRedirect(edit)


class ProductsMergeView(SellerShopMixin, FormView):
    """"Gộp thành một sản phẩm nhiều phân loại": choose the shop's products and the shared
    name; each product becomes one option (catalogue.variants.products_merge)."""

    template_name = "seller/catalogue/products_merge.html"
    form_class = MergeForm

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "shop": self.shop}
        if self.request.method == "GET" and self.request.GET.getlist("products"):
            kwargs["initial"] = {"products": self.request.GET.getlist("products")}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        title = form.data.get("title", "") if form.is_bound else ""
        context["option_rows"] = [
            {"product": product, "name": f"option-{product.pk}",
             "value": (self.request.POST.get(f"option-{product.pk}") or
                       (variants.option_suggest(title=product.title, shared=title) if title else ""))}
            for product in form.fields["products"].queryset
        ]
        return context

    def form_valid(self, form):
        chosen = list(form.cleaned_data["products"])
        options = {product.pk: self.request.POST.get(f"option-{product.pk}", "") for product in chosen}
        try:
            result = variants.products_merge(
                shop=self.shop, product_ids=[product.pk for product in chosen], title=form.cleaned_data["title"],
                options=options, actor=self.request.user, acting_as=self.capacity,
            )
        except variants.VariantRefused as refused:
            _put_errors(form, refused.errors)
            return self.form_invalid(form)
        messages.success(self.request, ngettext(
            "Đã gộp %(count)s sản phẩm thành “%(title)s” với %(count)s phân loại.",
            "Đã gộp %(count)s sản phẩm thành “%(title)s” với %(count)s phân loại.",
            len(chosen),
        ) % {"count": len(chosen), "title": result.parent.title})
        if result.certificates_sent_back:
            messages.warning(self.request, ocop_sent_back_message(result.certificates_sent_back))
        return redirect("seller:product-edit", shop_code=self.shop.code, product_pk=result.parent.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
