"""Order fork: one checkout is a Purchase made of one Oscar Order per shop.

A buyer pays once (the purchase: one card charge, one receipt); each shop sees,
ships, is paid for and refunds its own order. See docs/decisions/0009-purchases.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
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
    # Empty for a guest who gave no e-mail (phone first, docs/decisions/0038-guest-phone-first.md).
    email = models.EmailField(_("E-mail"), blank=True)
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
    class TransferPayee(models.TextChoices):
        PROGRAMME = "programme", _("Tài khoản của chương trình")
        SHOP = "shop", _("Tài khoản của cửa hàng")

    # For a bank transfer: whose account the buyer was told to pay, fixed when the order is
    # placed (marketplace/payment/transfer.py:payee_of_order), so a shop changing its bank
    # settings later cannot move money already on its way — nor who owes whom in the ledger.
    transfer_payee = models.CharField(
        _("Người nhận chuyển khoản"), max_length=16, choices=TransferPayee.choices, blank=True
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


class Shipment(models.Model):
    """One parcel of a shop order, handed to a carrier (or delivered by the shop itself).

    The parcel's data — carrier, tracking code, the cash the carrier collects, the fee the
    shop paid — and where it stands. Each move is also written as Oscar's `ShippingEvent` on
    the order (marketplace/order/shipments.py), so Oscar's dashboard shows the history.
    docs/decisions/0020-shipments.md.
    """

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("Đang giao")
        DELIVERED = "delivered", _("Đã giao")
        FAILED = "failed", _("Giao không thành công")
        RETURNED = "returned", _("Đã hoàn về cửa hàng")

    class FailureReason(models.TextChoices):
        REFUSED = "refused", _("Người mua từ chối nhận hàng")
        UNREACHABLE = "unreachable", _("Không liên lạc được người mua")
        WRONG_ADDRESS = "wrong_address", _("Sai hoặc thiếu địa chỉ")
        DAMAGED = "damaged", _("Hàng hư hỏng khi vận chuyển")
        OTHER = "other", _("Lý do khác")

    class ConfirmedBy(models.TextChoices):
        SHOP = "shop", _("Cửa hàng")
        BUYER = "buyer", _("Người mua")
        AUTOMATIC = "automatic", _("Tự động sau thời hạn")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("Đơn hàng")
    )
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="shipments",
        verbose_name=_("Cửa hàng"),
    )
    lines = models.ManyToManyField("order.Line", related_name="shipments", verbose_name=_("Sản phẩm"))
    carrier = models.CharField(_("Đơn vị vận chuyển"), max_length=32)
    tracking_code = models.CharField(_("Mã vận đơn"), max_length=64, blank=True)
    cod_amount = models.PositiveBigIntegerField(_("Tiền thu hộ (₫)"), default=0)
    shipping_fee = models.PositiveBigIntegerField(_("Phí vận chuyển cửa hàng trả (₫)"), default=0)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.IN_TRANSIT,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("Số lần giao"), default=1)
    failure_reason = models.CharField(
        _("Lý do giao không thành công"), max_length=16, choices=FailureReason.choices, blank=True
    )
    failure_note = models.CharField(_("Ghi chú"), max_length=500, blank=True)
    delivery_confirmed_by = models.CharField(
        _("Xác nhận đã giao bởi"), max_length=16, choices=ConfirmedBy.choices, blank=True
    )
    handed_at = models.DateTimeField(_("Giao cho vận chuyển lúc"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("Đã giao lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("Giao không thành công lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("Hoàn về lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["handed_at", "pk"]
        verbose_name = _("Kiện hàng")
        verbose_name_plural = _("Kiện hàng")
        constraints = [
            # A carrier issues each tracking code once: a code a shop types twice is a mistake.
            # Per shop: a shop's own delivery or pickup note may match another shop's, and a
            # refusal must not tell one shop what another has recorded.
            models.UniqueConstraint(
                fields=["shop", "carrier", "tracking_code"], condition=~models.Q(tracking_code=""),
                name="one_shipment_per_shop_tracking_code",
            ),
        ]

    def __str__(self):
        return f"{self.order.number} – {self.carrier} {self.tracking_code}".strip()


from oscar.apps.order.models import *  # noqa: F403,E402
