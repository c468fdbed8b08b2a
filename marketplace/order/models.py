"""Order fork: one checkout is a Purchase made of one Oscar Order per shop.

A buyer pays once (the purchase: one card charge, one receipt); each shop sees,
ships, is paid for and refunds its own order. See docs/decisions/0009-purchases.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractOrder

from marketplace.order.statuses import OrderStatus


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Thanh toán khi nhận hàng (COD)")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản ngân hàng (VietQR)")
    CARD = "card", _("Thẻ ngân hàng / thẻ quốc tế")


class Purchase(models.Model):
    """What the buyer submitted in one checkout: the payment and the receipt."""

    class Status(models.TextChoices):
        # Card: orders exist and hold their stock, the payment is not confirmed yet.
        AWAITING_PAYMENT = "awaiting_payment", _("Chờ thanh toán")
        # COD / bank transfer: the orders went to the shops.
        PLACED = "placed", _("Đã đặt hàng")
        PAID = "paid", _("Đã thanh toán")
        CANCELLED = "cancelled", _("Đã hủy")

    number = models.CharField(_("Mã giao dịch"), max_length=32, unique=True, null=True)
    basket = models.ForeignKey(
        "basket.Basket", on_delete=models.PROTECT, related_name="purchases",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="purchases",
    )
    email = models.EmailField(_("E-mail"))
    payment_method = models.CharField(
        _("Hình thức thanh toán"), max_length=16, choices=PaymentMethod.choices
    )
    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=Status.choices, db_index=True
    )
    status_reason = models.CharField(_("Lý do"), max_length=255, blank=True)
    currency = models.CharField(max_length=3, default="VND")
    total = models.PositiveBigIntegerField(_("Tổng tiền (₫)"))
    shipping_total = models.PositiveBigIntegerField(_("Phí giao hàng (₫)"), default=0)
    stripe_payment_intent = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Giao dịch mua")
        verbose_name_plural = _("Giao dịch mua")
        constraints = [
            # The database's own guard against a double submit: one live purchase per basket.
            models.UniqueConstraint(
                fields=["basket"], condition=~models.Q(status="cancelled"),
                name="one_live_purchase_per_basket",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_card(self) -> bool:
        return self.payment_method == PaymentMethod.CARD


class Order(AbstractOrder):
    """Oscar's order, now one shop's part of a purchase, with its payment state."""

    class PaymentStatus(models.TextChoices):
        COD_DUE = "cod_due", _("Thu tiền khi giao")
        AWAITING_TRANSFER = "awaiting_transfer", _("Chờ chuyển khoản")
        AWAITING_CARD = "awaiting_card", _("Chờ thanh toán thẻ")
        PAID = "paid", _("Đã thanh toán")
        PARTIALLY_REFUNDED = "partially_refunded", _("Đã hoàn một phần")
        REFUNDED = "refunded", _("Đã hoàn tiền")
        VOID = "void", _("Không thu")  # cancelled before any money moved

    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
        verbose_name=_("Giao dịch mua"),
    )
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, null=True, blank=True,
        related_name="orders", verbose_name=_("Cửa hàng"),
    )
    payment_method = models.CharField(
        _("Hình thức thanh toán"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    payment_status = models.CharField(
        _("Thanh toán"), max_length=20, choices=PaymentStatus.choices, blank=True, db_index=True
    )
    amount_paid = models.PositiveBigIntegerField(_("Đã thu (₫)"), default=0)
    amount_refunded = models.PositiveBigIntegerField(_("Đã hoàn (₫)"), default=0)
    paid_at = models.DateTimeField(null=True, blank=True)

    @property
    def status_label(self) -> str:
        return str(OrderStatus.label(self.status))

    @property
    def is_cancelled(self) -> bool:
        return self.status == OrderStatus.CANCELLED

    @property
    def total_vnd(self) -> int:
        return int(self.total_incl_tax)

    @property
    def refundable(self) -> int:
        return max(self.amount_paid - self.amount_refunded, 0)


from oscar.apps.order.models import *  # noqa: F403,E402
