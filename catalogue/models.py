"""Catalogue fork: products belong to one shop; OCOP certificates.

OCOP rules follow Decision 148/QĐ-TTg (2023) as amended by Decision 1489/QĐ-TTg
(2025): a 100-point score, 3★ = 50–69, 4★ = 70–89, 5★ = 90–100; the province
certifies 3★ and 4★, the central council 5★; a certificate is valid 36 months.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct

from catalogue.attributes import attribute_texts, searchable_attribute_texts
from marketplace.core.text import fold

CERTIFICATE_VALIDITY_MONTHS = 36
STAR_SCORE_RANGES = {3: (50, 69), 4: (70, 89), 5: (90, 100)}


def today_local() -> datetime.date:
    """Today's date in the marketplace's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


class Product(AbstractProduct):
    class Moderation(models.TextChoices):
        APPROVED = "approved", _("Đã duyệt")
        PENDING = "pending", _("Chờ duyệt")
        REJECTED = "rejected", _("Không được duyệt")

    shop = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("Cửa hàng"),
    )
    traceability_url = models.URLField(_("Liên kết truy xuất nguồn gốc"), blank=True)
    # Programme curation: featured products lead the home page and rank higher in search.
    is_featured = models.BooleanField(_("Nổi bật"), default=False, db_index=True)
    # Shops under moderation (Partner.moderation_required) publish only what staff approved.
    moderation_status = models.CharField(
        _("Kiểm duyệt"), max_length=16, choices=Moderation.choices, default=Moderation.APPROVED,
        db_index=True,
    )
    moderation_reason = models.TextField(_("Lý do kiểm duyệt"), blank=True)
    # Lower-case title without diacritics (đ → d), with a parent's options' names and the
    # attribute values' text (catalogue/attributes.py): the database fallback of search matches
    # "mat ong" against it when the search server is down (search/fallback.py).
    search_text = models.TextField(blank=True, editable=False)

    def save(self, *args, **kwargs):
        # Oscar's save writes the attribute values (`self.attr.save()`, bulk: no signal) after
        # the row; only an `attr` that was read or set may change them.
        container = self.attr.__dict__
        attributes_touched = bool(container.get("_initialized") or container.get("_dirty"))
        update_fields = kwargs.get("update_fields")
        # A save of some other columns (the rating, the moderation status) leaves the text as
        # it is: no query for it. Changed attributes are followed after the save below.
        if update_fields is None or {"title", "search_text"} & set(update_fields):
            self.search_text = fold(self.searchable_text()).lower()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        if attributes_touched:
            search_text_refresh([self.pk])

    def searchable_text(self) -> str:
        """What the database fallback matches: the title, a parent's public options' names
        ("Mật ong U Minh Hạ chai 500 ml hộp quà", since only parents are listed), and the text
        of the attribute values of the product and of those options ("500 g", "U Minh")."""
        if not self.pk:
            return self.title or ""
        options = []
        if self.structure == self.PARENT:
            options = list(self.children.filter(is_public=True).order_by("pk").values_list("id", "title"))
        owners = [self.pk, *(child_id for child_id, _title in options)]
        return _searchable_text(self.title, options, attribute_texts(owners), self.pk)

    @property
    def option_name(self) -> str:
        """A variant's option ("chai 500 ml"): its own title (catalogue/variants.py)."""
        return self.title if self.structure == self.CHILD else ""

    def __str__(self):
        # Oscar's says only the option ("chai 500 ml") for a variant with a title of its own;
        # basket lines (Line.description) and lists read "Mật ong U Minh Hạ – chai 500 ml".
        if self.structure == self.CHILD and self.parent_id and self.title:
            return self.get_title()
        return super().__str__()

    def get_title(self):
        """A variant reads "Mật ong U Minh Hạ – chai 500 ml" in baskets, orders and seller
        lists (Oscar stores this in the order line); others their own title."""
        if self.structure == self.CHILD and self.parent_id:
            parent_title = self.parent.title
            return f"{parent_title} – {self.title}" if self.title else parent_title
        return self.title


def _searchable_text(
    title: str, options: list[tuple[int, str]], texts: dict[int, list[str]], pk: int
) -> str:
    """The text of product `pk` from its title, its public options (id, name) and the
    attribute texts by product id (catalogue.attributes.attribute_texts), not folded yet."""
    parts = [title or "", *(name for _child_id, name in options if name)]
    owners = [pk, *(child_id for child_id, _name in options)]
    return " ".join(parts + searchable_attribute_texts(owners, texts))


def search_text_refresh(product_ids) -> None:
    """Write again the `search_text` of these products and of the parents of those that are
    options (an option's name and attribute values are in its parent's), in bulk: one query
    for the products, one for the parents' public options, one or two for the attribute values,
    and one UPDATE for the rows whose text changed (`bulk_update`: no signal)."""
    ids = {int(pk) for pk in product_ids if pk is not None}
    if not ids:
        return
    parents_of_options = Product.objects.filter(pk__in=ids, parent__isnull=False).values("parent_id")
    products = list(
        Product.objects.filter(models.Q(pk__in=ids) | models.Q(pk__in=parents_of_options))
        .only("pk", "title", "structure", "search_text").order_by("pk")
    )
    options: dict[int, list[tuple[int, str]]] = {}
    parent_ids = [product.pk for product in products if product.structure == Product.PARENT]
    if parent_ids:
        for child_id, parent_id, title in (
            Product.objects.filter(parent_id__in=parent_ids, is_public=True).order_by("pk")
            .values_list("id", "parent_id", "title")
        ):
            options.setdefault(parent_id, []).append((child_id, title))
    texts = attribute_texts([
        *(product.pk for product in products),
        *(child_id for children in options.values() for child_id, _title in children),
    ])
    changed = []
    for product in products:
        text = fold(_searchable_text(product.title, options.get(product.pk, []), texts, product.pk)).lower()
        if text != product.search_text:
            product.search_text = text
            changed.append(product)
    if changed:
        Product.objects.bulk_update(changed, ["search_text"], batch_size=1000)


def product_category_id(product_id: int) -> int | None:
    """The product's category (its OCOP product group; sellers put a product in one)."""
    return (
        Product.categories.through.objects.filter(product_id=product_id)
        .order_by("category__path", "pk")
        .values_list("category_id", flat=True)
        .first()
    )


class CertificateQuerySet(models.QuerySet):
    def valid(self, on: datetime.date | None = None):
        """Verified, unrevoked and unexpired on the given local date (today by default)."""
        day = on or today_local()
        return self.filter(
            status=OcopCertificate.Status.VERIFIED, issued_on__lte=day, expires_on__gte=day
        )


class OcopCertificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác minh")
        VERIFIED = "verified", _("Đã xác minh")
        REJECTED = "rejected", _("Bị từ chối")
        REVOKED = "revoked", _("Đã thu hồi")

    class IssuingBody(models.TextChoices):
        PROVINCE = "province", _("UBND tỉnh")
        CENTRAL = "central", _("Hội đồng OCOP Trung ương")

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="ocop_certificates"
    )
    stars = models.PositiveSmallIntegerField(_("Số sao"), choices=[(3, "3★"), (4, "4★"), (5, "5★")])
    score = models.PositiveSmallIntegerField(_("Điểm"))
    decision_number = models.CharField(_("Số quyết định"), max_length=64)
    issuing_body = models.CharField(_("Cơ quan cấp"), max_length=16, choices=IssuingBody.choices)
    issued_on = models.DateField(_("Ngày cấp"))
    expires_on = models.DateField(_("Ngày hết hạn"), blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    scan = models.FileField(_("Bản scan"), upload_to="ocop/certificates/%Y/", blank=True)
    decision_reason = models.TextField(_("Lý do"), blank=True)
    decided_at = models.DateTimeField(_("Thời điểm quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The product as staff verified it (catalogue/certificates.py): a material change of its
    # title or product group afterwards sends the certificate back to staff, with the reason
    # the seller and staff read. Filled at verification; a verified certificate saved without
    # it (demo data, imports) takes the product as it is then.
    verified_title = models.CharField(_("Tên sản phẩm khi xác minh"), max_length=255, blank=True)
    verified_category = models.ForeignKey(
        "catalogue.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("Nhóm sản phẩm khi xác minh"),
    )
    reverification_reason = models.TextField(_("Lý do cần xác minh lại"), blank=True)
    # The expiry date the holder was last warned about: the daily warning job sends one
    # e-mail per certificate and expiry date, however often it runs.
    expiry_warning_sent_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("Chứng nhận OCOP")
        verbose_name_plural = _("Chứng nhận OCOP")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__in=[3, 4, 5]), name="ocop_stars_3_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=50, score__lte=100), name="ocop_score_50_to_100"
            ),
        ]

    def __str__(self):
        return f"OCOP {self.stars}★ – {self.product}"

    def save(self, *args, **kwargs):
        if self.issued_on and not self.expires_on:
            self.expires_on = add_months(self.issued_on, CERTIFICATE_VALIDITY_MONTHS)
        if self.status == self.Status.VERIFIED and not self.verified_title and self.product_id:
            self.take_product_snapshot()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "verified_title", "verified_category"}
        super().save(*args, **kwargs)

    def take_product_snapshot(self) -> None:
        """Record the product as it is now as the product verified (title, product group)."""
        self.verified_title = self.product.title
        self.verified_category_id = product_category_id(self.product_id)

    def clean(self):
        errors = {}
        if self.stars in STAR_SCORE_RANGES and self.score is not None:
            low, high = STAR_SCORE_RANGES[self.stars]
            if not low <= self.score <= high:
                errors["score"] = _("Hạng %(stars)s sao cần điểm từ %(low)s đến %(high)s.") % {
                    "stars": self.stars, "low": low, "high": high,
                }
        expected_body = self.IssuingBody.CENTRAL if self.stars == 5 else self.IssuingBody.PROVINCE
        if self.stars and self.issuing_body and self.issuing_body != expected_body:
            errors["issuing_body"] = _(
                "Hạng 5 sao do Hội đồng Trung ương công nhận; 3–4 sao do UBND tỉnh."
            )
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = _("Ngày hết hạn phải sau ngày cấp.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or today_local()
        return (
            self.status == self.Status.VERIFIED and self.issued_on <= day <= self.expires_on
        )

    @property
    def is_valid(self) -> bool:
        return self.is_valid_on()

    @property
    def display_status(self) -> str:
        """valid / expired / not_yet_valid / revoked / pending / rejected, from today's local date."""
        if self.status == self.Status.VERIFIED:
            today = today_local()
            if today < self.issued_on:
                return "not_yet_valid"
            return "valid" if today <= self.expires_on else "expired"
        return self.status


class Collection(models.Model):
    """A named, ordered selection of products curated by programme staff
    ("OCOP 4 sao", "Quà Tết Cà Mau"), shown by the home page and campaigns."""

    name = models.CharField(_("Tên"), max_length=128)
    slug = models.SlugField(_("Đường dẫn"), max_length=128, unique=True)
    description = models.TextField(_("Mô tả"), blank=True)
    is_active = models.BooleanField(_("Đang dùng"), default=True)
    products = models.ManyToManyField(
        "catalogue.Product", through="CollectionItem", related_name="collections", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Bộ sưu tập")
        verbose_name_plural = _("Bộ sưu tập")

    def __str__(self):
        return self.name


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "product"], name="product_once_per_collection")
        ]

    def __str__(self):
        return f"{self.collection} #{self.position}: {self.product_id}"


class ReviewMeta(models.Model):
    """What the marketplace adds to an Oscar review: verified purchase, the seller's reply."""

    review = models.OneToOneField("reviews.ProductReview", on_delete=models.CASCADE, related_name="meta")
    verified_purchase = models.BooleanField(_("Đã mua hàng"), default=False)
    seller_reply = models.TextField(_("Phản hồi của cửa hàng"), blank=True)
    seller_reply_at = models.DateTimeField(null=True, blank=True)
    seller_reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Thông tin đánh giá")
        verbose_name_plural = _("Thông tin đánh giá")

    def __str__(self):
        return f"review {self.review_id}"


from oscar.apps.catalogue.models import *  # noqa: E402,F403 -- Oscar's remaining models
