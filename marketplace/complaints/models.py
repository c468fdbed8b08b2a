"""Returns and complaints after delivery: one case per shop order, its photos and its thread.

A buyer (signed in, or a guest through the signed purchase link) opens a case within
COMPLAINT_WINDOW_DAYS of delivery; the shop answers within COMPLAINT_ANSWER_DAYS (accept the
return with instructions, refund part or all, or refuse with a reason); a case the shop left
unanswered or the buyer disputes goes to programme staff, who close it with a decision.
The moves are in marketplace/complaints/services.py; docs/decisions/0021-complaints.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Complaint(models.Model):
    """A buyer's request about one delivered shop order: a return, a refund or a complaint."""

    class Kind(models.TextChoices):
        RETURN_REFUND = "return_refund", _("Trả hàng và hoàn tiền")
        REFUND_ONLY = "refund_only", _("Chỉ hoàn tiền (không trả hàng)")
        COMPLAINT = "complaint", _("Khiếu nại (không yêu cầu hoàn tiền)")

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("Hàng bị hư hỏng")
        WRONG_ITEM = "wrong_item", _("Giao sai hàng")
        MISSING = "missing", _("Thiếu hàng")
        NOT_AS_DESCRIBED = "not_as_described", _("Hàng không giống mô tả")
        EXPIRED = "expired", _("Hàng hết hạn sử dụng")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ cửa hàng phản hồi")
        ACCEPTED = "accepted", _("Cửa hàng đồng ý nhận hàng trả")
        REFUNDED = "refunded", _("Cửa hàng đã hoàn tiền")
        REFUSED = "refused", _("Cửa hàng từ chối")
        ESCALATED = "escalated", _("Chờ Ban quản lý chương trình xử lý")
        CLOSED = "closed", _("Đã đóng")

    class Escalation(models.TextChoices):
        DEADLINE = "deadline", _("Cửa hàng không phản hồi đúng hạn")
        DISPUTED = "disputed", _("Người mua không đồng ý với phản hồi của cửa hàng")

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Người mua đồng ý với phản hồi của cửa hàng")
        REFUNDED = "refunded", _("Ban quản lý quyết định hoàn tiền")
        REJECTED = "rejected", _("Ban quản lý bác yêu cầu")
        CLOSED = "closed", _("Ban quản lý đóng yêu cầu")

    #: the statuses of a case still being handled
    LIVE = (Status.OPEN, Status.ACCEPTED, Status.REFUNDED, Status.REFUSED, Status.ESCALATED)
    #: the shop's answers the buyer may agree with or dispute
    ANSWERED = (Status.ACCEPTED, Status.REFUNDED, Status.REFUSED)

    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("Đơn hàng"),
    )
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("Cửa hàng"),
    )
    # The buyer: their account, or the guest's e-mail and phone from the purchase.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="complaints", verbose_name=_("Người mua"),
    )
    contact_email = models.EmailField(_("E-mail người mua"), blank=True)
    contact_phone = models.CharField(_("Điện thoại người mua"), max_length=32, blank=True)

    kind = models.CharField(_("Loại yêu cầu"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("Lý do"), max_length=20, choices=Reason.choices)
    message = models.TextField(_("Mô tả"), max_length=2000)
    requested_amount = models.PositiveBigIntegerField(_("Số tiền yêu cầu hoàn (₫)"), default=0)

    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    delivered_at = models.DateTimeField(_("Đã giao lúc"))
    shop_answer_due = models.DateTimeField(_("Hạn cửa hàng phản hồi"), db_index=True)

    # The shop's answer.
    answer_note = models.TextField(_("Phản hồi của cửa hàng"), blank=True)
    answered_at = models.DateTimeField(_("Cửa hàng phản hồi lúc"), null=True, blank=True)
    # Money agreed for the buyer: given back by Stripe (card), or owed by the shop until it
    # records that it handed the money back (COD, transfer).
    refund_amount = models.PositiveBigIntegerField(_("Số tiền hoàn (₫)"), default=0)
    refund_owed = models.PositiveBigIntegerField(_("Còn phải hoàn (₫)"), default=0)

    escalated_at = models.DateTimeField(_("Chuyển Ban quản lý lúc"), null=True, blank=True)
    escalation = models.CharField(
        _("Lý do chuyển"), max_length=16, choices=Escalation.choices, blank=True
    )
    outcome = models.CharField(_("Kết quả"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("Lý do quyết định"), blank=True)
    closed_at = models.DateTimeField(_("Đóng lúc"), null=True, blank=True)

    created_at = models.DateTimeField(_("Gửi lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Yêu cầu trả hàng/khiếu nại")
        verbose_name_plural = _("Yêu cầu trả hàng/khiếu nại")
        constraints = [
            # The database's own guard against a double submit: one live case per shop order.
            models.UniqueConstraint(
                fields=["order"], condition=~models.Q(status="closed"),
                name="one_live_complaint_per_order",
            ),
        ]
        indexes = [models.Index(fields=["shop", "status"])]

    def __str__(self):
        return f"KN{self.pk} – {self.order.number}" if self.pk else "KN"

    @property
    def reference(self) -> str:
        return f"KN{self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def asks_refund(self) -> bool:
        return self.kind != self.Kind.COMPLAINT


class ComplaintPhoto(models.Model):
    """A photo the buyer attached (at most three), re-encoded by marketplace/core/uploads.py.

    Private: it may show a buyer's home; served only to the buyer, the shop and programme
    staff through their views (marketplace/core/media.py refuses complaints/ at /media/)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("Ảnh"), upload_to="complaints/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Ảnh khiếu nại")
        verbose_name_plural = _("Ảnh khiếu nại")

    def __str__(self):
        return self.image.name


class ComplaintEvent(models.Model):
    """One step of a case, as both sides read it in its thread (the audit log has it too)."""

    class Author(models.TextChoices):
        BUYER = "buyer", _("Người mua")
        SHOP = "shop", _("Cửa hàng")
        PROGRAMME = "programme", _("Ban quản lý chương trình")
        SYSTEM = "system", _("Hệ thống")

    class Action(models.TextChoices):
        OPENED = "opened", _("Gửi yêu cầu")
        ACCEPTED = "accepted", _("Đồng ý nhận hàng trả")
        REFUNDED = "refunded", _("Hoàn tiền")
        REFUSED = "refused", _("Từ chối")
        AGREED = "agreed", _("Đồng ý với phản hồi")
        DISPUTED = "disputed", _("Không đồng ý")
        ESCALATED = "escalated", _("Chuyển Ban quản lý")
        REFUND_RECORDED = "refund_recorded", _("Ghi nhận đã hoàn tiền")
        DECIDED = "decided", _("Quyết định")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    author = models.CharField(max_length=16, choices=Author.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    text = models.TextField(blank=True)
    amount = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Diễn biến khiếu nại")
        verbose_name_plural = _("Diễn biến khiếu nại")

    def __str__(self):
        return f"{self.complaint_id} {self.action}"
