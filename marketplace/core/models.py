"""The audit log: who did what, when, why, and on whose behalf."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What people read in histories; the stored `action` code stays stable for queries.
ACTION_LABELS = {
    "shop.applied": _("Gửi đơn mở cửa hàng"),
    "shop.approved": _("Duyệt cửa hàng"),
    "shop.rejected": _("Từ chối cửa hàng"),
    "shop.suspended": _("Tạm ngưng cửa hàng"),
    "shop.reinstated": _("Mở lại cửa hàng"),
    "shop.application_document_purged": _("Xoá giấy tờ đăng ký khi hết thời hạn lưu trữ"),
    "shop.member_added": _("Thêm thành viên"),
    "shop.member_revoked": _("Thu hồi quyền thành viên"),
    "shop.member_invited": _("Gửi lời mời thành viên"),
    "shop.invitation_accepted": _("Chấp nhận lời mời"),
    "shop.invitation_declined": _("Từ chối lời mời"),
    "shop.invitation_revoked": _("Thu hồi lời mời"),
    "account.confirmed": _("Kích hoạt tài khoản"),
    "account.email_changed": _("Đổi địa chỉ e-mail"),
    "product.created": _("Thêm sản phẩm"),
    "product.changed": _("Sửa sản phẩm"),
    "product.shown": _("Hiện/ẩn sản phẩm"),
    "product.deleted": _("Xoá sản phẩm"),
    "product.images_added": _("Thêm ảnh sản phẩm"),
    "product.images_reordered": _("Sắp xếp ảnh sản phẩm"),
    "product.main_image_set": _("Chọn ảnh chính"),
    "product.image_deleted": _("Xóa ảnh sản phẩm"),
    "product.variant_added": _("Thêm phân loại"),
    "product.variant_changed": _("Sửa phân loại"),
    "product.variant_deleted": _("Xoá phân loại"),
    "product.variant_hidden": _("Ẩn phân loại"),
    "product.variant_shown": _("Bán lại phân loại"),
    "product.merged": _("Gộp sản phẩm thành phân loại"),
    "voucher.created": _("Tạo mã giảm giá"),
    "voucher.ended": _("Kết thúc mã giảm giá"),
    "products.imported": _("Nhập sản phẩm từ CSV"),
    "stock.adjusted": _("Điều chỉnh tồn kho"),
    "order.lines_status_changed": _("Cập nhật trạng thái đơn"),
    "order.refund_due": _("Cần hoàn tiền cho người mua"),
    "shipping.option_created": _("Thêm phương thức giao hàng"),
    "shipping.option_changed": _("Sửa phương thức giao hàng"),
    "shipping.option_deleted": _("Xóa phương thức giao hàng"),
    "certificate.submitted": _("Gửi chứng nhận OCOP"),
    "certificate.verified": _("Xác minh chứng nhận OCOP"),
    "certificate.rejected": _("Từ chối chứng nhận OCOP"),
    "certificate.revoked": _("Thu hồi chứng nhận OCOP"),
    "certificate.reverification_required": _("Sản phẩm đổi tên hoặc nhóm: chứng nhận OCOP cần xác minh lại"),
    "review.created": _("Viết đánh giá sản phẩm"),
    "review.replied": _("Phản hồi đánh giá"),
    "product.featured": _("Đưa sản phẩm vào mục nổi bật"),
    "product.unfeatured": _("Bỏ sản phẩm khỏi mục nổi bật"),
    "product.moderation_approved": _("Duyệt sản phẩm"),
    "product.moderation_rejected": _("Không duyệt sản phẩm"),
    "collection.created": _("Tạo bộ sưu tập"),
    "collection.changed": _("Sửa bộ sưu tập"),
    "collection.products_set": _("Sắp xếp sản phẩm của bộ sưu tập"),
    "collection.deleted": _("Xóa bộ sưu tập"),
    "shop.moderation_on": _("Bật kiểm duyệt sản phẩm"),
    "shop.moderation_off": _("Tắt kiểm duyệt sản phẩm"),
    "purchase.placed": _("Đặt hàng"),
    "purchase.paid": _("Thanh toán thẻ thành công"),
    "purchase.cancelled": _("Hủy giao dịch mua"),
    "purchase.amount_mismatch": _("Số tiền thanh toán không khớp"),
    "order.paid": _("Ghi nhận đã thanh toán"),
    "purchase.transfer_paid": _("Nhận chuyển khoản cho giao dịch mua"),
    "bank_credit.paid": _("Giao dịch ngân hàng khớp đơn"),
    "bank_credit.review": _("Giao dịch ngân hàng chờ đối soát"),
    "bank_credit.outgoing": _("Ghi nhận tiền ra"),
    "bank_credit.matched": _("Đối soát: khớp giao dịch ngân hàng với đơn"),
    "bank_credit.closed": _("Đối soát: đóng giao dịch ngân hàng"),
    "bank_statement.imported": _("Nhập sao kê ngân hàng"),
    "order.refunded": _("Hoàn tiền"),
    "purchase.late_payment_refunded": _("Hoàn tiền thanh toán thẻ đến sau khi đã hủy"),
    "purchase.card_declined": _("Thẻ bị từ chối"),
    "purchase.stripe_refund_recorded": _("Ghi nhận khoản hoàn tiền làm trên Stripe"),
    "card_review.opened": _("Chuyển thanh toán thẻ cho cán bộ quyết định"),
    "card_review.refund_refused": _("Stripe từ chối hoàn tiền thanh toán đến sau"),
    "card_review.refunded": _("Hoàn tiền thanh toán thẻ theo quyết định của cán bộ"),
    "card_review.accepted": _("Cán bộ ghi nhận thanh toán thẻ"),
    "card_review.closed": _("Đóng trường hợp thanh toán thẻ"),
    "shop.bank_account_changed": _("Đổi tài khoản nhận chuyển khoản"),
    "shop.representative_added": _("Khai người đại diện theo pháp luật"),
    "shop.representative_changed": _("Sửa thông tin người đại diện"),
    "shop.representative_verified": _("Xác thực người đại diện"),
    "tax.profile_saved": _("Lưu hồ sơ thuế"),
    "complaint.opened": _("Gửi yêu cầu trả hàng/khiếu nại"),
    "complaint.accepted": _("Đồng ý nhận hàng trả"),
    "complaint.refunded": _("Hoàn tiền theo yêu cầu trả hàng/khiếu nại"),
    "complaint.refused": _("Từ chối yêu cầu trả hàng/khiếu nại"),
    "complaint.agreed": _("Người mua đồng ý với phản hồi"),
    "complaint.escalated": _("Chuyển khiếu nại cho Ban quản lý chương trình"),
    "complaint.refund_recorded": _("Ghi nhận đã hoàn tiền cho người mua"),
    "complaint.decided": _("Quyết định về khiếu nại"),
    "payout_run.created": _("Tạo đợt thanh toán cho cửa hàng"),
    "payout.paid": _("Đã chuyển tiền cho cửa hàng"),
    "payout.cancelled": _("Hủy khoản thanh toán cho cửa hàng"),
    "fee_rate.announced": _("Thông báo mức phí mới"),
    "privacy.consent_given": _("Đồng ý cho một mục đích dùng dữ liệu cá nhân"),
    "privacy.consent_withdrawn": _("Rút lại đồng ý dùng dữ liệu cá nhân"),
    "privacy.request_received": _("Gửi yêu cầu về dữ liệu cá nhân"),
    "privacy.request_in_progress": _("Nhận xử lý yêu cầu về dữ liệu cá nhân"),
    "privacy.request_done": _("Hoàn tất yêu cầu về dữ liệu cá nhân"),
    "privacy.request_refused": _("Từ chối yêu cầu về dữ liệu cá nhân"),
    "privacy.account_deleted": _("Xóa tài khoản theo yêu cầu của chủ tài khoản"),
}


class AuditEvent(models.Model):
    """One decision or change, kept for programme staff and shop owners to read.

    `actor` is the signed-in person; `acting_as` says in which capacity (a helper of the
    community digital-technology team acts on behalf of the shop). `shop` scopes the event
    so a shop owner can read its own history and nobody else's.
    """

    class Capacity(models.TextChoices):
        OWNER = "owner", _("Chủ cửa hàng")
        STAFF = "staff", _("Nhân viên cửa hàng")
        HELPER = "helper", _("Người hỗ trợ")
        PROGRAMME = "programme", _("Cán bộ chương trình")
        BUYER = "buyer", _("Người mua")
        SYSTEM = "system", _("Hệ thống")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who acted, once their account is deleted (`actor` is then NULL): a pseudonymous label
    # (marketplace/privacy/services.py:account_delete).
    actor_label = models.CharField(max_length=64, blank=True)
    acting_as = models.CharField(max_length=16, choices=Capacity.choices, default=Capacity.SYSTEM)
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["shop", "-created_at"])]
        verbose_name = _("Nhật ký")
        verbose_name_plural = _("Nhật ký")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class PendingRegistration(models.Model):
    """One registration attempt waiting for its mailed link (marketplace/core/registration.py).

    No account exists until a link is confirmed: confirming creates the account with THIS
    attempt's password and drops the address's other attempts, so whoever registered an
    address first cannot choose the password of its owner. Only the SHA-256 of the link's
    token is kept."""

    email = models.EmailField(max_length=254)
    password_hash = models.CharField(max_length=128)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d})"
