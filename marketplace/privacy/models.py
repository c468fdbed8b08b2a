"""Personal-data rights (PDP Law 91/2025, Decree 356/2025; docs/decisions/0032-personal-data-rights.md).

- `PrivacyNotice`: a version of the privacy policy, effective from a date (staff edit it as a
  Wagtail snippet); consent events name the version the person was shown.
- `ConsentEvent`: append-only proof of consent given or withdrawn for one purpose; the
  current consent is the latest event per purpose (`selectors.consents_current`), never a
  stored flag.
- `Holiday`: public holidays (decided yearly by the government) that do not count as working
  days for the answer deadline.
- `PrivacyRequest`: the log of people's requests (export, deletion, withdrawal, correction)
  with the deadline the law sets, for programme staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyNotice(models.Model):
    version = models.CharField(_("Phiên bản"), max_length=20, unique=True)
    effective_on = models.DateField(_("Có hiệu lực từ ngày"), db_index=True)
    summary = models.TextField(_("Tóm tắt thay đổi"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("Phiên bản chính sách dữ liệu cá nhân")
        verbose_name_plural = _("Phiên bản chính sách dữ liệu cá nhân")

    def __str__(self):
        return f"{self.version} ({self.effective_on:%d/%m/%Y})"


class ConsentEvent(models.Model):
    """One act of giving or withdrawing consent. Never edited: a change is a new event.

    `subject_ref` ("user:<id>", or "purchase:<number>" for a guest's order) stays when the
    account is deleted and `user` becomes NULL: the proof is kept, pseudonymous (ADR 0032).
    """

    class Purpose(models.TextChoices):
        MARKETING_EMAIL = "marketing_email", _("Nhận e-mail giới thiệu sản phẩm, khuyến mại")
        SHARE_ADDRESS_WITH_SHOP = "share_address_with_shop", _(
            "Chia sẻ tên, số điện thoại, địa chỉ giao hàng với cửa hàng bán đơn hàng"
        )

    class Action(models.TextChoices):
        GIVEN = "given", _("Đồng ý")
        WITHDRAWN = "withdrawn", _("Rút lại đồng ý")

    class Source(models.TextChoices):
        PRIVACY_PAGE = "privacy_page", _("Trang dữ liệu cá nhân")
        CHECKOUT = "checkout", _("Bấm “Đặt hàng”")
        DEMO = "demo", _("Dữ liệu mẫu")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consent_events",
    )
    subject_ref = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(_("Mục đích"), max_length=32, choices=Purpose.choices)
    action = models.CharField(_("Hành động"), max_length=16, choices=Action.choices)
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("Phiên bản chính sách đã hiển thị"),
    )
    source = models.CharField(_("Cách ghi nhận"), max_length=16, choices=Source.choices)
    purchase = models.ForeignKey(
        "order.Purchase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("Lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]
        verbose_name = _("Ghi nhận đồng ý")
        verbose_name_plural = _("Ghi nhận đồng ý")

    def __str__(self):
        return f"{self.subject_ref} {self.purpose} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("consent events are append-only")
        super().save(*args, **kwargs)


class Holiday(models.Model):
    """A public holiday (Labour Code 2019 art. 112; Tết and the days moved around it are
    announced every year): not a working day for the answer deadline."""

    date = models.DateField(_("Ngày"), unique=True)
    name = models.CharField(_("Tên ngày nghỉ"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("Ngày nghỉ lễ")
        verbose_name_plural = _("Ngày nghỉ lễ")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class PrivacyRequest(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Tải dữ liệu")
        DELETION = "deletion", _("Xóa tài khoản")
        WITHDRAWAL = "withdrawal", _("Rút lại đồng ý")
        CORRECTION = "correction", _("Sửa dữ liệu")

    class State(models.TextChoices):
        RECEIVED = "received", _("Mới nhận")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        DONE = "done", _("Đã xong")
        REFUSED = "refused", _("Từ chối")

    OPEN = (State.RECEIVED, State.IN_PROGRESS)

    kind = models.CharField(_("Loại yêu cầu"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="privacy_requests",
    )
    subject_ref = models.CharField(_("Mã người yêu cầu"), max_length=64, db_index=True)
    details = models.TextField(_("Nội dung"), blank=True, max_length=2000)
    state = models.CharField(
        _("Trạng thái"), max_length=16, choices=State.choices, default=State.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("Nhận lúc"), db_index=True)
    due_at = models.DateTimeField(_("Hạn trả lời"))
    handled_at = models.DateTimeField(_("Xử lý lúc"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    note = models.TextField(_("Ghi chú xử lý"), blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("Yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("Yêu cầu về dữ liệu cá nhân")

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.subject_ref}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN
