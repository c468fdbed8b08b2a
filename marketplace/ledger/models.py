"""The money the platform holds and owes each shop, as append-only double entries.

Every entry moves a whole number of đồng from one account to another (debit → credit), so
an entry is balanced by construction: there is no row shape that could leave money
unbalanced, and the database refuses a non-positive amount, an entry from an account to
itself, and any UPDATE of a written entry (a trigger). A balance is a sum of entries,
never a stored counter. docs/decisions/0024-ledger-and-withholding.md.

Accounts (those marked * are per shop):
- programme_cash: money in the programme's bank account and Stripe balance (an asset);
- shop_pending*: what the platform owes the shop for orders not yet delivered and past
  the return window — or, when negative, fees and tax the shop owes on money it collected;
- shop_payable*: owed and payable now (released per order by `ledger_release`);
- payout_pending*: set aside in a payout run, not yet confirmed paid by the bank;
- shop_collected* / shop_sales*: money the shop collected itself (COD through its carrier,
  a transfer into its own account), recorded for its statement; the platform owes none of it;
- fee_income: the programme's fee; vat_withheld / pit_withheld: tax withheld for the state;
- programme_promotions: what vouchers cost the programme. A discounted sale is booked at its
  price before vouchers: every voucher's discount is credited to the shop from this account
  (`voucher`), and the part of it the shop pays for its own vouchers is debited back
  (`shop_voucher`), so programme_promotions keeps only the programme's vouchers and the
  shop's statement shows its own voucher as a line (docs/decisions/0044-shop-vouchers.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import format_basis_points


class Account(models.TextChoices):
    PROGRAMME_CASH = "programme_cash", _("Tiền chương trình đang giữ")
    SHOP_PENDING = "shop_pending", _("Chờ đối soát")
    SHOP_PAYABLE = "shop_payable", _("Có thể thanh toán")
    PAYOUT_PENDING = "payout_pending", _("Đang chuyển cho cửa hàng")
    SHOP_COLLECTED = "shop_collected", _("Cửa hàng tự thu")
    SHOP_SALES = "shop_sales", _("Doanh thu cửa hàng tự thu")
    FEE_INCOME = "fee_income", _("Phí chương trình")
    VAT_WITHHELD = "vat_withheld", _("Thuế GTGT đã khấu trừ")
    PIT_WITHHELD = "pit_withheld", _("Thuế TNCN đã khấu trừ")
    PROGRAMME_PROMOTIONS = "programme_promotions", _("Khuyến mãi của chương trình")


# What the platform owes a shop: credits to these minus debits from them.
OWED_ACCOUNTS = (Account.SHOP_PENDING, Account.SHOP_PAYABLE, Account.PAYOUT_PENDING)


class Kind(models.TextChoices):
    SALE = "sale", _("Tiền hàng chương trình thu hộ")
    SALE_SELF = "sale_self", _("Tiền hàng cửa hàng tự thu")
    FEE = "fee", _("Phí chương trình")
    VAT = "vat", _("Khấu trừ thuế GTGT")
    PIT = "pit", _("Khấu trừ thuế TNCN")
    REFUND = "refund", _("Hoàn tiền cho người mua")
    REFUND_SELF = "refund_self", _("Cửa hàng tự hoàn tiền")
    FEE_BACK = "fee_back", _("Hoàn phí chương trình")
    VAT_BACK = "vat_back", _("Bù trừ thuế GTGT")
    PIT_BACK = "pit_back", _("Bù trừ thuế TNCN")
    RELEASE = "release", _("Qua thời hạn đổi trả")
    PAYOUT = "payout", _("Đưa vào đợt thanh toán")
    PAYOUT_PAID = "payout_paid", _("Đã chuyển khoản cho cửa hàng")
    PAYOUT_CANCELLED = "payout_cancelled", _("Hủy khoản thanh toán")
    VOUCHER = "voucher", _("Phần giảm bằng mã giảm giá (tính vào tiền hàng)")
    SHOP_VOUCHER = "shop_voucher", _("Mã giảm giá của shop")
    VOUCHER_BACK = "voucher_back", _("Hoàn phần giảm bằng mã giảm giá")
    SHOP_VOUCHER_BACK = "shop_voucher_back", _("Hoàn mã giảm giá của shop")


class Entry(models.Model):
    """One movement of `amount` đồng from `debit` to `credit`, caused by `kind` on `order`
    (or `payout`). `booked_at` is when it counts (a release counts from the end of the
    return window even when the job posts it later); `key` makes a posting happen once."""

    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="ledger_entries",
        verbose_name=_("Cửa hàng"),
    )
    kind = models.CharField(_("Loại"), max_length=20, choices=Kind.choices)
    debit = models.CharField(_("Ghi nợ"), max_length=20, choices=Account.choices)
    credit = models.CharField(_("Ghi có"), max_length=20, choices=Account.choices)
    amount = models.PositiveBigIntegerField(_("Số tiền (₫)"))
    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True,
        related_name="ledger_entries", verbose_name=_("Đơn hàng"),
    )
    payout = models.ForeignKey(
        "ledger.Payout", on_delete=models.PROTECT, null=True, blank=True,
        related_name="entries", verbose_name=_("Khoản thanh toán"),
    )
    route = models.CharField(_("Cách thu tiền"), max_length=24, blank=True)
    reference = models.CharField(_("Tham chiếu"), max_length=255, blank=True)
    memo = models.CharField(_("Diễn giải"), max_length=255, blank=True)
    key = models.CharField(max_length=96, unique=True, null=True, blank=True)
    booked_at = models.DateTimeField(_("Thời điểm ghi sổ"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booked_at", "pk"]
        indexes = [
            models.Index(fields=["shop", "booked_at"], name="ledger_entry_shop_booked"),
            models.Index(fields=["kind", "booked_at"], name="ledger_entry_kind_booked"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_entry_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(debit=models.F("credit")), name="ledger_entry_two_accounts"
            ),
        ]
        verbose_name = _("Bút toán")
        verbose_name_plural = _("Bút toán")

    def __str__(self):
        return f"{self.kind} {self.amount} {self.debit}→{self.credit}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ledger entries are append-only; post a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only; post a correcting entry instead.")


class FeeRate(models.Model):
    """The programme's fee on a sale, in basis points of the line's price, for a product
    category (blank: every category) from a date on. No row: no fee (the default, 0 %).

    New rates are announced through `marketplace.ledger.fees.fee_rate_announce` (at least
    FEE_CHANGE_NOTICE_DAYS ahead, every open shop told); rows without `announced_at` predate
    that rule. The public fee page renders these rows (docs/decisions/0034-published-rules.md)."""

    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("Danh mục"),
    )
    valid_from = models.DateField(_("Áp dụng từ ngày"))
    basis_points = models.PositiveIntegerField(_("Phí (phần vạn)"))
    note = models.CharField(_("Ghi chú"), max_length=255, blank=True)
    announced_at = models.DateTimeField(_("Ngày thông báo"), null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("Người thông báo"),
    )

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "valid_from"], name="one_fee_rate_per_category_and_date"),
            models.CheckConstraint(condition=models.Q(basis_points__lte=10000), name="fee_rate_at_most_100_percent"),
        ]
        verbose_name = _("Phí chương trình")
        verbose_name_plural = _("Phí chương trình")

    def __str__(self):
        return f"{self.category or '*'} {self.valid_from}: {self.basis_points}"

    @property
    def percent(self) -> str:
        return format_basis_points(self.basis_points)


class FeeChangeNotice(models.Model):
    """A shop was told (by e-mail to its owners) about an announced fee rate: one row per
    rate and shop, claimed before the mail is sent, so re-running the notices tells nobody
    twice."""

    rate = models.ForeignKey(FeeRate, on_delete=models.CASCADE, related_name="notices",
                             verbose_name=_("Phí chương trình"))
    shop = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("Cửa hàng"))
    sent_at = models.DateTimeField(_("Đã gửi lúc"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rate", "shop"], name="one_fee_notice_per_rate_and_shop"),
        ]
        verbose_name = _("Thông báo thay đổi phí")
        verbose_name_plural = _("Thông báo thay đổi phí")

    def __str__(self):
        return f"{self.rate_id} → {self.shop_id}"


class PayoutRun(models.Model):
    """Staff pay what is owed as of a date: one payout per shop owed money."""

    as_of = models.DateTimeField(_("Tính đến"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("Người tạo"),
    )
    note = models.CharField(_("Ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Đợt thanh toán")
        verbose_name_plural = _("Đợt thanh toán")

    def __str__(self):
        return f"#{self.pk} {self.as_of:%Y-%m-%d}"


class Payout(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ chuyển khoản")
        PAID = "paid", _("Đã chuyển")
        CANCELLED = "cancelled", _("Đã hủy")

    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payouts")
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="payouts", verbose_name=_("Cửa hàng")
    )
    amount = models.PositiveBigIntegerField(_("Số tiền (₫)"))
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # The account it is paid into, copied when the run is made (the shop may change it later).
    bank_bin = models.CharField(_("Ngân hàng"), max_length=6, blank=True)
    bank_account_number = models.CharField(_("Số tài khoản"), max_length=19, blank=True)
    bank_account_name = models.CharField(_("Tên chủ tài khoản"), max_length=64, blank=True)
    bank_reference = models.CharField(_("Mã giao dịch ngân hàng"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("Chuyển lúc"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("Người xác nhận"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run_id", "shop_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive"),
            # Two staff making a run at once cannot set a shop's money aside twice.
            models.UniqueConstraint(
                fields=["shop"], condition=models.Q(status="pending"), name="one_pending_payout_per_shop"
            ),
        ]
        verbose_name = _("Khoản thanh toán cho cửa hàng")
        verbose_name_plural = _("Khoản thanh toán cho cửa hàng")

    def __str__(self):
        return f"{self.shop} {self.amount}"
