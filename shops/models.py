"""Shops: an Oscar Partner extended with what a Vietnamese marketplace must disclose.

Decree 52/2013/NĐ-CP as amended by 85/2021/NĐ-CP: a shop page discloses the
seller's legal name, address, phone and tax or business-registration number.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner

from marketplace.core.addresses import commune_name
from marketplace.core.phones import validate_e164_mobile


class ShopQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Partner.Status.APPROVED)


class Partner(AbstractPartner):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        SUSPENDED = "suspended", _("Tạm ngưng")
        REJECTED = "rejected", _("Từ chối")

    class ProducerType(models.TextChoices):
        COMPANY = "company", _("Doanh nghiệp")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
        HOUSEHOLD = "household", _("Hộ kinh doanh")

    # Oscar's `code` is the unique AutoSlugField; it is the shop's URL slug.
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    producer_type = models.CharField(
        _("Loại hình"), max_length=24, choices=ProducerType.choices, default=ProducerType.HOUSEHOLD
    )
    legal_name = models.CharField(_("Tên pháp lý"), max_length=255, blank=True)
    registration_number = models.CharField(
        _("Mã số thuế / số đăng ký kinh doanh"), max_length=32, blank=True
    )
    phone = models.CharField(
        _("Điện thoại"), max_length=16, blank=True, validators=[validate_e164_mobile]
    )
    commune_code = models.PositiveIntegerField(_("Xã/phường"), null=True, blank=True, db_index=True)
    street_address = models.CharField(_("Địa chỉ (ấp/khóm, đường)"), max_length=255, blank=True)
    description = models.TextField(_("Giới thiệu"), blank=True)
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
        from marketplace.core.addresses import province_name

        parts = [self.street_address, self.commune_name, province_name()]
        return ", ".join(p for p in parts if p)


from oscar.apps.partner.models import *  # noqa: E402,F403 -- Oscar's remaining models
