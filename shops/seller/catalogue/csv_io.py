"""CSV export and import of a shop's products (sku, title, category, price, stock, public,
description, variant, and the optional sale columns sale_price, sale_starts, sale_ends:
"YYYY-MM-DD HH:MM", Vietnam time).

A product with options ("Phân loại hàng") is one row per option: `title` is the product's,
`variant` the option's name ("chai 500 ml"); rows with the same title and a `variant` make
one product with those options. Files without a `variant` column read as before.

Export is UTF-8 with a BOM so Excel on Windows shows Vietnamese correctly. Import reads
UTF-8 (with or without BOM) or Windows-1258, with a comma, semicolon or tab separator, and
validates every row before anything is written: one bad row and nothing is imported.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Category
from catalogue.pricing import SaleTerms, sale_errors, sale_terms
from catalogue.product_import import ImportRow
from catalogue.products import MAX_STOCK, SKU_MAX_LENGTH
from marketplace.core.spreadsheets import csv_bytes, unguard
from marketplace.core.text import fold, has_control_characters
from shops.models import Partner, StockRecord

from .forms import parse_vnd

COLUMNS = ["sku", "title", "category", "price", "stock", "public", "description", "variant",
           "sale_price", "sale_starts", "sale_ends"]
#: Optional: a file without them (an older export) leaves every product's sale as it is.
SALE_COLUMNS = ("sale_price", "sale_starts", "sale_ends")
MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")
REQUIRED_COLUMNS = {"sku", "title", "category", "price", "stock"}
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
TITLE_MAX_LENGTH = 255

TRUE_WORDS = {"1", "co", "có", "true", "yes", "x", "hien", "hiện", "công khai", "cong khai"}
FALSE_WORDS = {"0", "khong", "không", "false", "no", "an", "ẩn"}


# --- export ------------------------------------------------------------------------


def category_code(category: Category, by_path: dict[str, Category]) -> str:
    """The category's code ('thuc-pham/mat-ong'), else its slug path."""
    if category.code:
        return category.code
    steplen = Category.steplen
    return "/".join(
        by_path[category.path[:end]].slug
        for end in range(steplen, len(category.path) + 1, steplen)
        if category.path[:end] in by_path
    )


def export_rows(shop: Partner) -> Iterator[list[str]]:
    """The header, then one row per product of the shop (a constant number of queries)."""
    by_path = {c.path: c for c in Category.objects.all()}
    records = (
        StockRecord.objects.filter(partner=shop, product__shop=shop)
        .select_related("product", "product__parent")
        .prefetch_related(
            Prefetch("product__categories", queryset=Category.objects.order_by("path")),
            Prefetch("product__parent__categories", queryset=Category.objects.order_by("path")),
        )
        .order_by(Coalesce("product__parent__title", "product__title"), "product__parent_id", "pk")
    )
    yield COLUMNS
    for record in records:
        option = record.product
        # An option's row carries its product's title, group and description.
        product = option.parent if option.is_child and option.parent_id else option
        categories = list(product.categories.all())
        yield [
            record.partner_sku,
            product.title,
            category_code(categories[0], by_path) if categories else "",
            str(int(record.price)) if record.price is not None else "",
            str(record.num_in_stock or 0),
            "có" if option.is_public and product.is_public else "không",
            product.description or "",
            option.title if option.is_child else "",
            str(record.sale_price) if record.sale_price is not None else "",
            _moment_text(record.sale_starts_at),
            _moment_text(record.sale_ends_at),
        ]


def _moment_text(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _parse_moment(text: str):
    """A moment written in Vietnam time ("2026-12-12 00:00"), aware; None when blank."""
    text = text.strip()
    if not text:
        return None
    for pattern in MOMENT_FORMATS:
        try:
            moment = datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return timezone.make_aware(moment.replace(second=0))
    raise ValidationError(_("Ngày giờ không hợp lệ: viết dạng 2026-12-12 00:00 (giờ Việt Nam)."))


def _parse_sale(values: dict, price: int | None, row_errors: list) -> SaleTerms | None:
    """The row's sale terms; None when the file has no sale column (unchanged)."""
    if not any(name in values for name in SALE_COLUMNS):
        return None
    sale_price = starts = ends = None
    failed = False
    if values.get("sale_price", ""):
        try:
            sale_price = parse_vnd(values["sale_price"])
        except ValidationError as error:
            row_errors.append(("sale_price", " ".join(error.messages)))
            failed = True
    for column in ("sale_starts", "sale_ends"):
        try:
            moment = _parse_moment(values.get(column, ""))
        except ValidationError as error:
            row_errors.append((column, " ".join(error.messages)))
            failed = True
            continue
        if column == "sale_starts":
            starts = moment
        else:
            ends = moment
    if failed:
        return None
    terms = SaleTerms(sale_price, starts, ends)
    if price is not None:
        column_of = {"sale_price": "sale_price", "sale_starts_at": "sale_starts", "sale_ends_at": "sale_ends"}
        row_errors.extend((column_of[name], message) for name, message in sale_errors(price, terms).items())
    return terms


def export_csv(shop: Partner) -> bytes:
    """Cells that a spreadsheet would run (`=…`, or `a;=2+2` split on `;`) get an apostrophe
    (marketplace.core.spreadsheets.guard), which the import takes off again."""
    rows = export_rows(shop)
    return csv_bytes(next(rows), rows)


# --- import ------------------------------------------------------------------------


@dataclass
class ParseResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValueError):
    """The file as a whole cannot be read (size, encoding, header, row count)."""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Không đọc được tệp: hãy lưu tệp dạng “CSV UTF-8”."))


def _reader(text: str) -> csv.reader:
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def category_lookup() -> dict[str, Category]:
    """Every way a seller may name a category: code, slug path, full name (folded case)."""
    categories = list(Category.objects.order_by("path"))
    by_path = {c.path: c for c in categories}
    lookup: dict[str, Category] = {}
    for category in categories:
        names = [category.code or "", category_code(category, by_path)]
        chain = [
            by_path[category.path[:end]].name
            for end in range(Category.steplen, len(category.path) + 1, Category.steplen)
            if category.path[:end] in by_path
        ]
        names.append(" > ".join(chain))
        for name in names:
            if name:
                lookup.setdefault(name.strip().lower(), category)
    return lookup


_KEEP = object()  # a blank `public` cell: new products are shown, existing ones keep their state


def _parse_public(value: str):
    word = value.strip().lower()
    if word == "":
        return _KEEP
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _parse_stock(value: str) -> int:
    text = value.strip()
    if re.fullmatch(r"-[0-9]+", text):
        raise ValidationError(_("Tồn kho không được âm."))
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", text):  # 1.000 written the Vietnamese way
        text = text.replace(".", "")
    if not re.fullmatch(r"[0-9]+", text):
        raise ValidationError(_("Tồn kho phải là số nguyên không âm."))
    stock = int(text)
    if stock > MAX_STOCK:
        raise ValidationError(_("Tồn kho quá lớn."))
    return stock


def parse_products_csv(shop: Partner, uploaded) -> ParseResult:
    """Validate every row of the uploaded CSV; never writes anything.

    Raises ImportFileError when the file as a whole is unusable; row problems are
    collected in `errors` with their line number (the header is line 1).
    """
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ImportFileError(_("Tệp quá lớn: tối đa 2 MB."))
    data = uploaded.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("Tệp quá lớn: tối đa 2 MB."))
    if not data.strip():
        raise ImportFileError(_("Tệp đang trống."))
    try:
        lines = list(_reader(_decode(data)))
    except csv.Error as exc:
        raise ImportFileError(_("Tệp CSV không hợp lệ: %(error)s") % {"error": exc}) from exc
    header = [cell.strip().lstrip("\ufeff").lower() for cell in lines[0]] if lines else []
    missing = [name for name in COLUMNS if name in REQUIRED_COLUMNS and name not in header]
    if missing:
        raise ImportFileError(
            _("Thiếu cột: %(missing)s. Dòng đầu tiên phải là: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ",".join(COLUMNS)}
        )
    body = [(number, cells) for number, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("Tệp có quá nhiều dòng: tối đa %(max)s sản phẩm một lần.") % {"max": MAX_ROWS})
    if not body:
        raise ImportFileError(_("Tệp không có dòng sản phẩm nào."))

    result = ParseResult()
    categories = category_lookup()
    skus = {
        unguard(cells[header.index("sku")].strip())
        for _n, cells in body
        if len(cells) > header.index("sku")
    } - {""}
    own = {
        record.partner_sku: record
        for record in StockRecord.objects.filter(partner=shop, partner_sku__in=skus, product__shop=shop)
    }
    # A SKU of another shop is refused: the seller probably copied someone else's file.
    foreign = set(
        StockRecord.objects.filter(partner_sku__in=skus - set(own))
        .exclude(partner=shop)
        .values_list("partner_sku", flat=True)
    )
    # The shop's SKU on a product that is not the shop's own (should never exist): refuse too.
    foreign |= set(
        StockRecord.objects.filter(partner=shop, partner_sku__in=skus - set(own)).values_list(
            "partner_sku", flat=True
        )
    )
    seen: dict[str, int] = {}
    seen_variants: dict[tuple[str, str], int] = {}

    for number, cells in body:
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        row_errors: list[tuple[str, str]] = []

        sku = unguard(values.get("sku", ""))
        if len(sku) > SKU_MAX_LENGTH:
            row_errors.append(("sku", _("Mã SKU dài quá %(max)s ký tự.") % {"max": SKU_MAX_LENGTH}))
        elif sku in foreign:
            row_errors.append(("sku", _("Mã SKU “%(sku)s” thuộc cửa hàng khác, không được dùng.") % {"sku": sku}))
        elif sku and sku in seen:
            row_errors.append(("sku", _("Mã SKU “%(sku)s” trùng với dòng %(line)s.") % {"sku": sku, "line": seen[sku]}))
        if sku:
            seen.setdefault(sku, number)

        title = " ".join(unguard(values.get("title", "")).split())
        if not title:
            row_errors.append(("title", _("Thiếu tên sản phẩm.")))
        elif has_control_characters(title):
            row_errors.append(("title", _("Tên sản phẩm không được chứa ký tự điều khiển ẩn.")))
        elif len(title) > TITLE_MAX_LENGTH:
            row_errors.append(("title", _("Tên sản phẩm dài quá %(max)s ký tự.") % {"max": TITLE_MAX_LENGTH}))

        category = categories.get(values.get("category", "").lower())
        if not values.get("category"):
            row_errors.append(("category", _("Thiếu nhóm sản phẩm (mã nhóm, ví dụ thuc-pham/mat-ong).")))
        elif category is None:
            row_errors.append(("category", _("Không có nhóm sản phẩm “%(code)s”.") % {"code": values["category"]}))

        price = None
        try:
            price = parse_vnd(values.get("price", ""))
        except ValidationError as error:
            row_errors.append(("price", " ".join(error.messages)))

        stock = None
        if not values.get("stock"):
            row_errors.append(("stock", _("Thiếu số lượng tồn kho.")))
        else:
            try:
                stock = _parse_stock(values["stock"])
            except ValidationError as error:
                row_errors.append(("stock", " ".join(error.messages)))

        sale = _parse_sale(values, price, row_errors)

        is_public = _parse_public(values.get("public", ""))
        if is_public is None:
            row_errors.append(("public", _("Cột public chỉ nhận “có” hoặc “không”.")))

        variant = " ".join(unguard(values.get("variant", "")).split())
        if len(variant) > 80:
            row_errors.append(("variant", _("Tên phân loại dài quá 80 ký tự.")))
        elif variant and title:
            key = (fold(title).lower(), fold(variant).lower())
            if key in seen_variants:
                row_errors.append(("variant", _("Phân loại “%(variant)s” trùng với dòng %(line)s.")
                                   % {"variant": variant, "line": seen_variants[key]}))
            seen_variants.setdefault(key, number)

        record = own.get(sku) if sku else None
        if record is not None and stock is not None and stock < (record.num_allocated or 0):
            row_errors.append(("stock", _("Tồn kho %(stock)s thấp hơn số đã giữ cho đơn hàng (%(allocated)s).")
                               % {"stock": stock, "allocated": record.num_allocated}))
        if record is not None and sale is None and price is not None:
            # no sale columns: the record's sale stays, and must still be a lawful cut of the new price
            for _name, message in sale_errors(price, sale_terms(record)).items():
                row_errors.append(("price", _("Giá mới không hợp với khuyến mãi đang có: %(reason)s")
                                   % {"reason": message}))

        if row_errors:
            result.errors.extend((number, column, message) for column, message in row_errors)
            continue
        result.rows.append(ImportRow(
            line=number, sku=sku, title=title, category=category, price=price, stock=stock,
            is_public=None if is_public is _KEEP else is_public, description=unguard(values["description"]) if "description" in values else None,
            stockrecord=record, sale=sale, variant=variant,
        ))
    return result


