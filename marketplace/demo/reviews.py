"""The demo's reviews: every demo buyer who received a product reviews it, through the same
service as the review form (catalogue/reviews/services.py: only a received product, once), so
product cards show their stars next to "Đã bán N" (issue 21). Idempotent: a product already
reviewed by that buyer is skipped.
"""

from __future__ import annotations

from oscar.core.loading import get_model

from catalogue.reviews.services import can_review, review_create
from marketplace.order.statuses import OrderStatus

Line = get_model("order", "Line")

#: (score, title, text), used in turn.
DEMO_REVIEWS = [
    (5, "Hàng đúng như mô tả", "Đóng gói kỹ, giao nhanh, vị ngon đúng chất Cà Mau. Sẽ mua lại."),
    (4, "Ngon, giá hợp lý", "Sản phẩm thơm, hợp khẩu vị cả nhà. Giao hàng hơi chậm một chút."),
    (5, "Mua làm quà rất được", "Hộp đẹp, có tem OCOP và mã truy xuất, người nhận rất thích."),
    (3, "Tạm được", "Chất lượng ổn nhưng một gói bị móp vỏ khi nhận."),
]


def ensure_demo_reviews(result) -> None:
    """Reviews of the products demo buyers received (counted in `result.created["reviews"]`)."""
    lines = (
        Line.objects.filter(status=OrderStatus.DELIVERED, order__user__isnull=False, product__isnull=False)
        .select_related("order__user", "product__parent__shop", "product__shop")
        .order_by("order__number", "pk")
    )
    done = set()
    for n, line in enumerate(lines):
        user, product = line.order.user, line.product
        if product.is_child:  # an option's review is its product's (catalogue/reviews)
            product = product.parent
        if (user.pk, product.pk) in done or not can_review(user, product):
            continue
        done.add((user.pk, product.pk))
        score, title, body = DEMO_REVIEWS[n % len(DEMO_REVIEWS)]
        review_create(user=user, product=product, score=score, title=title, body=body)
        result.created["reviews"] += 1
