"""Shops: an Oscar Partner extended with what a Vietnamese marketplace must disclose.

Decree 52/2013/NĐ-CP as amended by 85/2021/NĐ-CP: a shop page discloses the
seller's legal name, address, phone and tax or business-registration number.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord

from marketplace.core.addresses import commune_name, province_name
from marketplace.core.identifiers import mask_identifier
from marketplace.core.phones import validate_e164_mobile
from marketplace.core.text import validate_single_line


class ShopQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Partner.Status.APPROVED)


class Partner(AbstractPartner):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        SUSPENDED = "suspended", _("Tạm ngưng")
        REJECTED = "rejected", _("Từ chối")

    class DocumentKind(models.TextChoices):
        """What an application's document may be. There is deliberately no ID-card choice:
        images of CCCD/CMND are sensitive personal data (Decree 356/2025) and are never kept."""

        HOUSEHOLD_REGISTRATION = "household_registration", _("Giấy chứng nhận đăng ký hộ kinh doanh")
        ENTERPRISE_REGISTRATION = "enterprise_registration", _("Giấy chứng nhận đăng ký doanh nghiệp")
        COOPERATIVE_REGISTRATION = "cooperative_registration", _("Giấy chứng nhận đăng ký hợp tác xã")
        OCOP_CERTIFICATE = "ocop_certificate", _("Giấy chứng nhận sản phẩm OCOP")

    class ProducerType(models.TextChoices):
        COMPANY = "company", _("Doanh nghiệp")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
        HOUSEHOLD = "household", _("Hộ kinh doanh")

    # Oscar's `code` is the unique AutoSlugField; it is the shop's URL slug.
    # Oscar's `name`, one line only: it goes into mail subjects (every ModelForm of a shop —
    # Oscar's dashboard, the admin — runs the validator; plain forms add it themselves).
    name = models.CharField(
        pgettext_lazy("Partner's name", "Name"), max_length=128, blank=True, db_index=True,
        validators=[validate_single_line],
    )
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    producer_type = models.CharField(
        _("Loại hình"), max_length=24, choices=ProducerType.choices, default=ProducerType.HOUSEHOLD
    )
    legal_name = models.CharField(
        _("Tên pháp lý"), max_length=255, blank=True, validators=[validate_single_line]
    )
    registration_number = models.CharField(
        _("Mã số thuế / số đăng ký kinh doanh"), max_length=32, blank=True
    )
    phone = models.CharField(
        _("Điện thoại"), max_length=16, blank=True, validators=[validate_e164_mobile]
    )
    commune_code = models.PositiveIntegerField(_("Xã/phường"), null=True, blank=True, db_index=True)
    street_address = models.CharField(_("Địa chỉ (ấp/khóm, đường)"), max_length=255, blank=True)
    zalo_phone = models.CharField(
        _("Zalo"), max_length=16, blank=True, validators=[validate_e164_mobile],
        help_text=_("Số Zalo để người mua liên hệ; để trống nếu trùng số điện thoại."),
    )
    # Sanitised with nh3 on the way in (marketplace.core.sanitize): sellers are not trusted.
    description = models.TextField(_("Giới thiệu"), blank=True)
    logo = models.ImageField(_("Logo"), upload_to="shops/logos/%Y/", blank=True)
    banner = models.ImageField(_("Ảnh bìa"), upload_to="shops/banners/%Y/", blank=True)
    # Kept only until the staff decision + APPLICATION_DOCUMENT_RETENTION_DAYS, then deleted by
    # `manage.py shops_purge_application_documents` (shops/retention.py, ADR 0031).
    application_document = models.FileField(
        _("Giấy tờ đăng ký"), upload_to="shops/applications/%Y/", blank=True,
        help_text=_("Ảnh hoặc PDF giấy chứng nhận đăng ký kinh doanh / hợp tác xã, hoặc giấy chứng nhận OCOP."),
    )
    application_document_kind = models.CharField(
        _("Loại giấy tờ"), max_length=32, choices=DocumentKind.choices, blank=True,
    )
    application_document_purged_at = models.DateTimeField(
        _("Giấy tờ đã xoá lúc"), null=True, blank=True,
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="shop_applications", verbose_name=_("Người đăng ký"),
    )
    status_reason = models.TextField(_("Lý do"), blank=True)
    # Where buyers paying by bank transfer send this shop's money (VietQR, NAPAS 247).
    # Blank: the programme's account from settings (VIETQR_*) receives it instead.
    bank_bin = models.CharField(_("Ngân hàng"), max_length=6, blank=True)
    bank_account_number = models.CharField(_("Số tài khoản"), max_length=19, blank=True)
    bank_account_name = models.CharField(_("Tên chủ tài khoản"), max_length=64, blank=True)
    # True: buyers' VietQR transfers go straight into the account above. False: buyers pay
    # the programme's account and the account above receives the shop's payouts
    # (marketplace/ledger/payouts.py); so does a shop paid by card.
    transfers_to_shop = models.BooleanField(
        _("Người mua chuyển khoản thẳng vào tài khoản này"), default=True,
    )
    # Set by programme staff: new and edited products wait for approval before going public.
    moderation_required = models.BooleanField(_("Kiểm duyệt sản phẩm trước khi đăng"), default=False)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    objects = ShopQuerySet.as_manager()

    class Meta(AbstractPartner.Meta):
        verbose_name = _("Cửa hàng")
        verbose_name_plural = _("Cửa hàng")

    @property
    def slug(self) -> str:
        return self.code

    @property
    def commune_name(self) -> str | None:
        return commune_name(self.commune_code)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("shops:detail", kwargs={"slug": self.code})

    @property
    def full_address(self) -> str:
        parts = [self.street_address, self.commune_name, province_name()]
        return ", ".join(p for p in parts if p)


class LegalRepresentative(models.Model):
    """Who answers for a shop: the person the platform identifies (E-commerce Law 122/2025 and
    its implementing decree: name, date of birth, personal ID or tax code; domestic
    individuals verified through VNeID). One current record per shop; every change is in the
    audit log (with the number masked). No image of an ID card is kept (Decree 356/2025).

    Never shown on public pages: the storefront discloses the shop's legal name and
    registration number, not this person's birth date or ID number.
    docs/decisions/0033-seller-identity.md.
    """

    class IdKind(models.TextChoices):
        PERSONAL_ID = "personal_id", _("Số định danh cá nhân (CCCD, 12 chữ số)")
        TAX_CODE = "tax_code", _("Mã số thuế")

    class Method(models.TextChoices):
        NONE = "", _("Chưa xác thực")
        VNEID = "vneid", _("Định danh điện tử VNeID")
        STAFF_DOCUMENTS = "staff_documents", _("Cán bộ đối chiếu giấy tờ")

    #: The fields whose change makes a verification void.
    IDENTITY_FIELDS = ("full_name", "birth_date", "id_kind", "id_number")

    shop = models.OneToOneField(
        "partner.Partner", on_delete=models.CASCADE, related_name="representative",
        verbose_name=_("Cửa hàng"),
    )
    full_name = models.CharField(_("Họ và tên"), max_length=128)
    birth_date = models.DateField(_("Ngày sinh"))
    id_kind = models.CharField(_("Loại giấy tờ"), max_length=16, choices=IdKind.choices)
    id_number = models.CharField(_("Số định danh / mã số thuế"), max_length=16)
    # Bumped by every change of the identity fields: staff verify the revision they read.
    revision = models.PositiveIntegerField(default=1)
    verification_method = models.CharField(
        _("Cách xác thực"), max_length=16, choices=Method.choices, blank=True, default=Method.NONE,
    )
    verified_at = models.DateTimeField(_("Xác thực lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("Người xác thực"),
    )
    verification_note = models.CharField(_("Ghi chú xác thực"), max_length=500, blank=True)
    # VNeID: the identity provider's transaction id, never the data it returned.
    provider_reference = models.CharField(_("Mã giao dịch xác thực"), max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Người đại diện theo pháp luật")
        verbose_name_plural = _("Người đại diện theo pháp luật")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(verification_method="", verified_at__isnull=True)
                    | (~models.Q(verification_method="") & models.Q(verified_at__isnull=False))
                ),
                name="representative_verified_has_a_time",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.shop})"

    @property
    def is_verified(self) -> bool:
        return bool(self.verification_method)

    @property
    def id_number_masked(self) -> str:
        return mask_identifier(self.id_number)


class IdentityReminder(models.Model):
    """A reminder to verify the shop's representative, sent once per shop, deadline and
    stage (days before the deadline; negative: after). shops/identity/reminders.py."""

    shop = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="identity_reminders")
    deadline = models.DateField()
    days_before = models.IntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "deadline", "days_before"], name="one_identity_reminder_per_stage"
            ),
        ]

    def __str__(self):
        return f"{self.shop} {self.deadline} {self.days_before:+d}"


class ShopMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ShopMember(models.Model):
    """Who may work in a shop's seller workspace, and as what.

    Helpers are members of the community digital-technology teams (tổ công nghệ số cộng
    đồng) who run a shop for a household seller who is not online; the owner grants and
    revokes their access, and everything they do is logged on the shop's behalf.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Chủ cửa hàng")
        STAFF = "staff", _("Nhân viên")
        HELPER = "helper", _("Người hỗ trợ (tổ công nghệ số)")

    shop = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships"
    )
    role = models.CharField(_("Vai trò"), max_length=16, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_note = models.TextField(
        _("Ghi nhận đồng ý của chủ cửa hàng"), blank=True,
        help_text=_("Khi người hỗ trợ được nêu trong đơn đăng ký: chủ cửa hàng đồng ý thế nào, khi nào."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShopMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Thành viên cửa hàng")
        verbose_name_plural = _("Thành viên cửa hàng")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "user"], condition=models.Q(revoked_at__isnull=True),
                name="one_active_membership_per_user_and_shop",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.shop}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ShopInvitation(models.Model):
    """An owner's invitation to work in the shop, sent to an e-mail address.

    Only the address the owner typed is kept: nothing says whether it has an account, so the
    owner's screen cannot tell who is registered. The invitee, signed in with that address,
    accepts (then `shops.membership.member_add` runs) or declines; the owner may revoke it
    while it waits. The link's token is never stored: `token_hash` is its SHA-256, the token
    itself an HMAC of the row's `nonce` under SECRET_KEY (shops/invitations.py). Every status
    change is a conditional UPDATE from `pending`; an invitation past `expires_at` counts as
    expired even before a visit writes it down (docs/decisions/0030-shop-invitations-and-account-enumeration.md).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        DECLINED = "declined", _("Đã từ chối")
        REVOKED = "revoked", _("Đã thu hồi")
        EXPIRED = "expired", _("Đã hết hạn")

    shop = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("E-mail người được mời"))
    role = models.CharField(_("Vai trò"), max_length=16, choices=ShopMember.Role.choices)
    consent_note = models.TextField(_("Ghi nhận đồng ý của chủ cửa hàng"), blank=True)
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        ShopMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Lời mời vào cửa hàng")
        verbose_name_plural = _("Lời mời vào cửa hàng")
        indexes = [models.Index(fields=["shop", "status"], name="shopinvitation_shop_status")]
        constraints = [
            # One waiting invitation per shop and address, whatever the letter case: two sends
            # at once cannot both pass the check in shops/invitations.py (the second is refused).
            models.UniqueConstraint(
                "shop", Lower("email"), condition=models.Q(status="pending"),
                name="one_pending_invitation_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()} – {self.shop}"

    def link_token(self) -> str:
        """The secret of the invitation's link: an HMAC of `nonce` under SECRET_KEY, derived
        rather than stored, so neither the table nor a queued mail task holds it."""
        return salted_hmac("shops.invitation.token", self.nonce, algorithm="sha256").hexdigest()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ShippingOption(models.Model):
    """A delivery option a shop offers; the buyer picks one per shop at checkout."""

    class Kind(models.TextChoices):
        FLAT = "flat", _("Phí cố định")
        FREE_ABOVE = "free_above", _("Miễn phí từ một mức đơn hàng")
        PICKUP = "pickup", _("Nhận tại cửa hàng")

    shop = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="shipping_options")
    name = models.CharField(_("Tên"), max_length=128)
    kind = models.CharField(_("Loại"), max_length=16, choices=Kind.choices, default=Kind.FLAT)
    fee = models.PositiveIntegerField(_("Phí (₫)"), default=0)
    free_above = models.PositiveIntegerField(_("Miễn phí khi đơn từ (₫)"), null=True, blank=True)
    is_active = models.BooleanField(_("Đang áp dụng"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["shop", "position", "pk"]
        verbose_name = _("Phương thức giao hàng")
        verbose_name_plural = _("Phương thức giao hàng")

    def __str__(self):
        return self.name

    def charge_for(self, basket_total: int) -> int:
        """Whole đồng charged for an order of this shop worth `basket_total`."""
        if self.kind == self.Kind.PICKUP:
            return 0
        if self.kind == self.Kind.FREE_ABOVE and self.free_above is not None and basket_total >= self.free_above:
            return 0
        return self.fee


class StockAdjustment(models.Model):
    """A change of stock made by hand in the seller workspace, with its reason."""

    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="adjustments"
    )
    delta = models.IntegerField(_("Thay đổi"))
    resulting_level = models.IntegerField(_("Tồn kho sau"))
    reason = models.CharField(_("Lý do"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Điều chỉnh tồn kho")
        verbose_name_plural = _("Điều chỉnh tồn kho")

    def __str__(self):
        return f"{self.delta:+d} → {self.resulting_level}"

    @property
    def previous_level(self) -> int:
        """The stock before the change (one conditional UPDATE: exactly after − delta)."""
        return self.resulting_level - self.delta


class InsufficientStock(Exception):
    """Raised by StockRecord.allocate when fewer units are free than asked for."""

    def __init__(self, stockrecord, quantity: int):
        super().__init__(f"stock record {stockrecord.pk}: {quantity} asked, not enough free")
        self.stockrecord = stockrecord
        self.quantity = quantity


class StockRecord(AbstractStockRecord):
    """Oscar's stock record whose allocation refuses to oversell.

    Oscar's `allocate()` adds to `num_allocated` unconditionally. Here it is one
    conditional UPDATE: it only matches while `num_in_stock - num_allocated` still covers
    the quantity, so two buyers racing for the last unit cannot both get it, on any
    database, without a lock held across the request.

    A sale (`sale_price` from `sale_starts_at` until `sale_ends_at`) is in force or not at
    the moment it is asked (catalogue/pricing.py, docs/decisions/0043-sale-prices.md): no job
    starts or ends it.
    """

    sale_price = models.PositiveBigIntegerField(
        _("Giá khuyến mãi"), null=True, blank=True,
        help_text=_("Đồng, thấp hơn giá bán; áp dụng từ lúc bắt đầu đến lúc kết thúc."),
    )
    sale_starts_at = models.DateTimeField(_("Khuyến mãi từ"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("Khuyến mãi đến"), null=True, blank=True)

    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sale_price__isnull=True) | models.Q(sale_price__gt=0),
                name="stockrecord_sale_price_positive",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(sale_starts_at__isnull=True) | models.Q(sale_ends_at__isnull=True)
                    | models.Q(sale_ends_at__gt=F("sale_starts_at"))
                ),
                name="stockrecord_sale_ends_after_start",
            ),
        ]

    def allocate(self, quantity):
        if not self.can_track_allocations:
            return
        self.pre_save_signal()
        allocated = Coalesce(F("num_allocated"), 0)
        updated = (
            type(self).objects.filter(pk=self.pk)
            .alias(free=F("num_in_stock") - allocated)
            .filter(free__gte=quantity)
            .update(num_allocated=allocated + quantity)
        )
        self.refresh_from_db(fields=["num_allocated", "num_in_stock"])
        if not updated:
            raise InsufficientStock(self, quantity)
        self.post_save_signal()

    allocate.alters_data = True


from oscar.apps.partner.models import *  # noqa: E402,F403 -- Oscar's remaining models
