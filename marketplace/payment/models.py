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


class BankStatementFormat(models.Model):
    """How one bank's internet-banking export lays out its columns, mapped once by staff.

    `columns` maps our fields (reference, date, content, and amount — signed — or credit
    with an optional debit) to the header text of the bank's file; the header row is found
    by its content (exports start with a few lines about the account). `gateway` and
    `account_number` are
    written on every credit imported with it, so a credit SePay already sent and the same
    line of a statement share one dedupe key.
    """

    name = models.CharField(_("Tên mẫu"), max_length=100, unique=True)
    gateway = models.CharField(_("Ngân hàng"), max_length=100)
    account_number = models.CharField(_("Số tài khoản"), max_length=32)
    columns = models.JSONField(_("Cột"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Mẫu sao kê ngân hàng")
        verbose_name_plural = _("Mẫu sao kê ngân hàng")

    def __str__(self):
        return self.name


class BankCredit(models.Model):
    """A movement on a bank account the platform watches: from SePay's webhook or a statement.

    Kept whatever happens to it: matched and paid, or waiting for staff (the reconciliation
    queue), closed by staff with a reason, or an outgoing transfer (recorded, never matched).
    Two keys make a credit arrive once: SePay's transaction id, and the bank's own
    reference per bank and account (the same transfer seen by the webhook and a statement).
    """

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("SePay")
        STATEMENT = "statement", _("Sao kê")

    class Status(models.TextChoices):
        REVIEW = "review", _("Chờ đối soát")
        PAID = "paid", _("Đã ghi nhận thanh toán")
        MATCHED = "matched", _("Đã khớp thủ công")
        CLOSED = "closed", _("Đã đóng")
        OUTGOING = "outgoing", _("Tiền ra")

    class Problem(models.TextChoices):
        NONE = "", _("—")
        NO_CODE = "no_code", _("Nội dung không có mã đơn")
        UNKNOWN_CODE = "unknown_code", _("Mã không khớp đơn nào")
        AMBIGUOUS = "ambiguous", _("Nội dung khớp nhiều đơn")
        UNDERPAID = "underpaid", _("Chuyển thiếu")
        OVERPAID = "overpaid", _("Chuyển thừa")
        NOT_AWAITED = "not_awaited", _("Đơn không còn chờ chuyển khoản")
        WRONG_ACCOUNT = "wrong_account", _("Chuyển vào tài khoản khác")

    source = models.CharField(_("Nguồn"), max_length=16, choices=Source.choices)
    sepay_id = models.BigIntegerField(_("Mã SePay"), null=True, blank=True, unique=True)
    gateway = models.CharField(_("Ngân hàng"), max_length=100)
    account_number = models.CharField(_("Số tài khoản"), max_length=32)
    sub_account = models.CharField(_("Tài khoản phụ"), max_length=64, blank=True)
    reference_code = models.CharField(_("Mã tham chiếu ngân hàng"), max_length=128)
    transaction_at = models.DateTimeField(_("Thời điểm giao dịch"), null=True, blank=True)
    transfer_type = models.CharField(_("Loại"), max_length=3)  # "in" / "out"
    amount = models.PositiveBigIntegerField(_("Số tiền (₫)"))
    accumulated = models.BigIntegerField(_("Số dư sau giao dịch"), null=True, blank=True)
    code = models.CharField(_("Mã thanh toán"), max_length=255, blank=True)
    content = models.TextField(_("Nội dung chuyển khoản"), blank=True)
    description = models.TextField(_("Mô tả"), blank=True)
    status = models.CharField(_("Trạng thái"), max_length=16, choices=Status.choices, db_index=True)
    problem = models.CharField(
        _("Vấn đề"), max_length=16, choices=Problem.choices, blank=True, default=""
    )
    expected_amount = models.PositiveBigIntegerField(_("Số tiền cần thu (₫)"), null=True, blank=True)
    purchase = models.ForeignKey(
        "order.Purchase", on_delete=models.PROTECT, null=True, blank=True,
        related_name="bank_credits", verbose_name=_("Giao dịch mua"),
    )
    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True,
        related_name="bank_credits", verbose_name=_("Đơn hàng"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("Ghi chú xử lý"), blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Giao dịch ngân hàng")
        verbose_name_plural = _("Giao dịch ngân hàng")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "account_number", "reference_code"],
                condition=~models.Q(reference_code=""),
                name="one_bank_credit_per_reference",
            ),
        ]

    def __str__(self):
        return f"{self.gateway} {self.reference_code or self.sepay_id}: {self.amount}"

    @property
    def target_number(self) -> str:
        if self.order_id:
            return self.order.number
        return self.purchase.number if self.purchase_id else ""


from oscar.apps.payment.models import *  # noqa: F403,E402
