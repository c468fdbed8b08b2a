"""Who may review a product, writing a review, and the shop's reply to it.

Only a signed-in buyer who has RECEIVED the product (an order line of theirs for it, or for
one of its variants, whose status is "delivered" in the seller pipeline) may review it,
once. Such a review is marked as a verified purchase (`catalogue.ReviewMeta`). The shop
replies once to a review of its products (`review_reply`, from the seller workspace).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalogue.models import Product, ReviewMeta
from catalogue.selectors import product_is_public
from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.order.statuses import OrderStatus
from shops.models import Partner

ProductReview = get_model("reviews", "ProductReview")
Line = get_model("order", "Line")


REPLY_MAX_LENGTH = 2000


class ReviewRefused(Refused):
    """The user may not review this product; the message says why (Vietnamese)."""


class ReviewReplyError(Refused):
    """The reply was refused; the message says why (Vietnamese)."""


class ReviewNotOfShop(LookupError):
    """The review is not of one of the shop's products (the seller's view answers 404)."""


def reviewable_product_or_404(product_pk: int) -> Product:
    """A product buyers can see (public, approved, of an approved shop), else Http404."""
    product = (
        Product.objects.select_related("shop", "parent__shop")
        .filter(pk=product_pk, is_public=True)
        .first()
    )
    if product is None or not product_is_public(product):
        raise Http404("No such product")
    return product


def has_received(user, product: Product) -> bool:
    """The user has an order line for the product (or a variant of it) that was delivered."""
    return (
        Line.objects.filter(order__user=user, status=OrderStatus.DELIVERED)
        .filter(Q(product=product) | Q(product__parent=product))
        .exists()
    )


def review_refusal(user, product: Product) -> str:
    """Why `user` may not review `product`, or "" if they may (an option: its product)."""
    if product.is_child and product.parent_id:
        product = product.parent
    if not getattr(user, "is_authenticated", False):
        return _("Hãy đăng nhập để viết đánh giá.")
    if ProductReview.objects.filter(product=product, user=user).exists():
        return _("Bạn đã đánh giá sản phẩm này rồi.")
    if not has_received(user, product):
        return _("Chỉ người mua đã nhận được sản phẩm này mới có thể đánh giá.")
    return ""


def can_review(user, product: Product) -> bool:
    return not review_refusal(user, product)


def review_create(*, user, product: Product, score: int, title: str, body: str):
    """Publish the buyer's review, marked as a verified purchase. Raises ReviewRefused.
    A review of an option (a variant) is a review of its product: reviews live on the parent."""
    if product.is_child and product.parent_id:
        product = product.parent
    refusal = review_refusal(user, product)
    if refusal:
        raise ReviewRefused(refusal)
    shop = product.parent.shop if product.is_child else product.shop
    try:
        with transaction.atomic():
            review = ProductReview(
                product=product, user=user, score=score, title=title.strip(), body=body.strip()
            )
            review.save()
            ReviewMeta.objects.create(review=review, verified_purchase=True)
            audit_record(
                action="review.created", actor=user, acting_as=AuditEvent.Capacity.BUYER,
                shop=shop, target=review, data={"product": product.pk, "score": score},
            )
    except IntegrityError:
        # (product, user) is unique: a double submit lost the race to the first one.
        raise ReviewRefused(_("Bạn đã đánh giá sản phẩm này rồi.")) from None
    return review


# --- the shop's reply -------------------------------------------------------------------


def _review_shop_id(review) -> int | None:
    product = review.product
    return product.parent.shop_id if product.is_child else product.shop_id


def review_reply(*, shop: Partner, review, actor, acting_as: str, text: str) -> ReviewMeta:
    """Publish the shop's reply under `review`. Only one reply, ever.

    The write is a conditional UPDATE (`seller_reply == ""`): two replies sent at the same
    time (two members, a double tap) cannot both land. Refuses (ReviewNotOfShop) a review of
    another shop's product and (ReviewReplyError) an empty or second reply.
    """
    if _review_shop_id(review) != shop.pk:
        raise ReviewNotOfShop("Not a review of this shop's products")
    text = (text or "").strip()
    if not text:
        raise ReviewReplyError(_("Hãy viết nội dung phản hồi."))
    if len(text) > REPLY_MAX_LENGTH:
        raise ReviewReplyError(_("Phản hồi dài tối đa %(n)s ký tự.") % {"n": REPLY_MAX_LENGTH})
    with transaction.atomic():
        # Reviews written before ReviewMeta existed (or by staff in the dashboard) have none.
        meta, _created = ReviewMeta.objects.get_or_create(review=review)
        replied = ReviewMeta.objects.filter(pk=meta.pk, seller_reply="").update(
            seller_reply=text, seller_reply_at=timezone.now(), seller_reply_by=actor
        )
        if not replied:
            raise ReviewReplyError(
                _("Cửa hàng đã phản hồi đánh giá này; mỗi đánh giá chỉ được phản hồi một lần.")
            )
        audit_record(
            action="review.replied", actor=actor, acting_as=acting_as, shop=shop, target=review,
            data={"product": review.product_id, "reply": text[:200]},
        )
    meta.refresh_from_db()
    return meta
