"""Payment fork: Oscar's sources and transactions, plus the Stripe events we processed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StripeEvent(models.Model):
    """A Stripe webhook event applied once: its id is unique, inserted in the same
    transaction as the changes it causes, so a replay finds it and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=64)
    payment_intent = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Sự kiện Stripe")
        verbose_name_plural = _("Sự kiện Stripe")

    def __str__(self):
        return f"{self.type} {self.event_id}"


class CardPaymentReview(models.Model):
    """A card payment staff must decide on, or one the webhook already settled outside the
    normal path (a late success refunded automatically): the "card payments needing a
    decision" queue at /dashboard/payments/card-review/.

    `key` names what it is about ("intent:<PaymentIntent id>" for a success, "refund:<refund
    id>" for a refund made in Stripe's Dashboard we could not attribute) and is unique, so
    two deliveries of one event open one case. Status changes are conditional UPDATEs; the
    `REFUNDING` state is the claim taken before Stripe is asked to refund (given back if
    Stripe refuses), so two refunds of one case cannot both reach Stripe.
    """

    class Reason(models.TextChoices):
        AMOUNT_MISMATCH = "amount_mismatch", _("Số tiền hoặc loại tiền khác với giao dịch")
        LATE_SUCCESS = "late_success", _("Thanh toán thành công sau khi giao dịch đã hủy")
        REFUND_UNATTRIBUTED = "refund_unattributed", _("Khoản hoàn trên Stripe chưa gán được cho đơn")
        STRIPE_ERROR = "stripe_error", _("Stripe từ chối yêu cầu")

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ quyết định")
        REFUNDING = "refunding", _("Đang hoàn tiền")
        REFUNDED = "refunded", _("Đã hoàn tiền")
        ACCEPTED = "accepted", _("Đã ghi nhận thanh toán")
        CLOSED = "closed", _("Đã đóng")

    key = models.CharField(max_length=100, unique=True)
    purchase = models.ForeignKey(
        "order.Purchase", on_delete=models.PROTECT, related_name="card_reviews", null=True, blank=True,
    )
    payment_intent = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.CharField(_("Lý do"), max_length=32, choices=Reason.choices)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    amount_expected = models.BigIntegerField(_("Số tiền phải thu (₫)"), default=0)
    amount_received = models.BigIntegerField(_("Số tiền Stripe báo (₫)"), default=0)
    currency = models.CharField(max_length=8, blank=True)
    detail = models.CharField(_("Chi tiết"), max_length=500, blank=True)
    refund_id = models.CharField(max_length=64, blank=True)
    decision_reason = models.CharField(_("Lý do quyết định"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Thanh toán thẻ cần quyết định")
        verbose_name_plural = _("Thanh toán thẻ cần quyết định")

    def __str__(self):
        return self.key


class StripeRefund(models.Model):
    """Every refund of a PaymentIntent we know by its Stripe id: the ones this app made (their
    metadata says `origin=ocop`) and the ones made in Stripe's Dashboard that `charge.refunded`
    attributed to shop orders. The unique id is what keeps a refund from being counted twice."""

    class Origin(models.TextChoices):
        APP = "app", _("Hoàn từ hệ thống")
        STRIPE_DASHBOARD = "stripe_dashboard", _("Hoàn trên Stripe")

    refund_id = models.CharField(max_length=64, unique=True)
    payment_intent = models.CharField(max_length=64, db_index=True)
    purchase = models.ForeignKey(
        "order.Purchase", on_delete=models.PROTECT, related_name="stripe_refunds", null=True, blank=True,
    )
    amount = models.BigIntegerField(default=0)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    attributed = models.JSONField(default=dict, blank=True)  # {order number: đồng}
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("Khoản hoàn Stripe")
        verbose_name_plural = _("Khoản hoàn Stripe")

    def __str__(self):
        return self.refund_id


from oscar.apps.payment.models import *  # noqa: F403,E402
