"""Writes of the seller's reviews pages: the shop replies once to a review."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import ReviewMeta
from marketplace.core.audit import audit_record
from shops.models import Partner

REPLY_MAX_LENGTH = 2000


class ReviewReplyError(Exception):
    """The reply was refused; the message says why (Vietnamese)."""


def _review_shop_id(review) -> int | None:
    product = review.product
    return product.parent.shop_id if product.is_child else product.shop_id


def review_reply(*, shop: Partner, review, actor, acting_as: str, text: str) -> ReviewMeta:
    """Publish the shop's reply under `review`. Only one reply, ever.

    The write is a conditional UPDATE (`seller_reply == ""`): two replies sent at the same
    time (two members, a double tap) cannot both land. Refuses (Http404) a review of
    another shop's product and (ReviewReplyError) an empty or second reply.
    """
    if _review_shop_id(review) != shop.pk:
        raise Http404("Not a review of this shop's products")
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
            raise ReviewReplyError(_("Cửa hàng đã phản hồi đánh giá này; mỗi đánh giá chỉ được phản hồi một lần."))
        audit_record(
            action="review.replied", actor=actor, acting_as=acting_as, shop=shop, target=review,
            data={"product": review.product_id, "reply": text[:200]},
        )
    meta.refresh_from_db()
    return meta
