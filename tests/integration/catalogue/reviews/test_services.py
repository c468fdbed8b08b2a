"""Marketplace reviews: only buyers who received the product, verified purchase, escaped
text, the shop's single reply in /seller/, scoping and audit."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from catalogue.models import ReviewMeta
from marketplace.core.models import AuditEvent
from marketplace.order.statuses import OrderStatus
from shops.models import ShopMember
from shops.selectors import shop_rating
from tests.factories import make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")
Order = get_model("order", "Order")

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def buy(user, product, *, status=OrderStatus.DELIVERED):
    order = make_order([(product, 1)], status=status)
    Order.objects.filter(pk=order.pk).update(user=user)
    return order


def add_url(product):
    return reverse("catalogue:reviews-add", kwargs={"product_slug": product.slug, "product_pk": product.pk})


def list_url(product):
    return reverse("catalogue:reviews-list", kwargs={"product_slug": product.slug, "product_pk": product.pk})


def review_data(**overrides):
    data = {"score": "5", "title": "Mật ong thơm", "body": "Đóng gói cẩn thận, giao nhanh."}
    data.update(overrides)
    return data


@pytest.fixture
def shop():
    return make_shop("ong-u-minh", owner=make_user("owner@example.vn", first_name="Chủ"))


@pytest.fixture
def product(shop):
    return make_product(shop, "Mật ong U Minh")


@pytest.fixture
def buyer():
    return make_user("buyer@example.vn", first_name="Lan")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who may review ------------------------------------------------------------------


def test_buyer_with_a_delivered_line_reviews_as_verified_purchase(client, product, buyer):
    buy(buyer, product)
    client.force_login(buyer)
    assert client.get(add_url(product)).status_code == 200

    response = client.post(add_url(product), review_data())

    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    review = ProductReview.objects.get(product=product, user=buyer)
    assert review.status == ProductReview.APPROVED and review.score == 5
    assert review.meta.verified_purchase is True
    event = AuditEvent.objects.get(action="review.created")
    assert event.actor == buyer and event.acting_as == "buyer" and event.shop == product.shop
    product.refresh_from_db()
    assert product.rating == 5


def test_a_delivered_variant_line_counts_for_the_parent(client, shop, buyer):
    ProductClass = get_model("catalogue", "ProductClass")
    Product = get_model("catalogue", "Product")
    parent = Product.objects.create(
        title="Khô cá", shop=shop, structure=Product.PARENT,
        product_class=ProductClass.objects.get_or_create(name="Đặc sản")[0],
    )
    child = make_product(shop, "Khô cá 500 g")
    Product.objects.filter(pk=child.pk).update(parent=parent, structure=Product.CHILD, product_class=None)
    child.refresh_from_db()
    buy(buyer, child)
    client.force_login(buyer)
    client.post(add_url(parent), review_data())
    assert ProductReview.objects.filter(product=parent, user=buyer, meta__verified_purchase=True).exists()


@pytest.mark.parametrize("situation", ["no order", "pending", "handed_to_carrier", "cancelled", "other product"])
def test_buyers_who_did_not_receive_the_product_are_refused_with_a_message(client, shop, product, buyer, situation):
    if situation == "other product":
        buy(buyer, make_product(shop, "Tôm khô"))
    elif situation != "no order":
        buy(buyer, product, status=situation)
    client.force_login(buyer)

    for response in (client.get(add_url(product)), client.post(add_url(product), review_data())):
        assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
        assert "Chỉ người mua đã nhận được sản phẩm này mới có thể đánh giá." in messages_of(response)
    assert not ProductReview.objects.exists()


def test_the_refusal_message_is_shown_on_the_product_page(client, product, buyer):
    client.force_login(buyer)
    response = client.post(add_url(product), review_data(), follow=True)
    assert response.status_code == 200
    assert "Chỉ người mua đã nhận được sản phẩm này mới có thể đánh giá." in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_created(client, product):
    for response in (client.get(add_url(product)), client.post(add_url(product), review_data(name="A", email="a@x.vn"))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert any("đăng nhập" in m for m in messages_of(response))
    assert not ProductReview.objects.exists()


def test_a_buyer_reviews_once(client, product, buyer):
    buy(buyer, product)
    client.force_login(buyer)
    client.post(add_url(product), review_data())
    response = client.post(add_url(product), review_data(title="Lần hai"))
    assert "Bạn đã đánh giá sản phẩm này rồi." in messages_of(response)
    assert ProductReview.objects.filter(product=product).count() == 1


def test_bad_input_re_renders_the_form_in_vietnamese(client, product, buyer):
    buy(buyer, product)
    client.force_login(buyer)
    response = client.post(add_url(product), {"score": "0", "title": " ", "body": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"score", "body"}
    assert "Hãy viết nhận xét." in response.content.decode()
    assert not ProductReview.objects.exists()


def test_reviews_of_hidden_products_answer_404(client, product, buyer):
    buy(buyer, product)
    product.moderation_status = product.Moderation.PENDING
    product.save()
    client.force_login(buyer)
    assert client.get(add_url(product)).status_code == 404
    assert client.get(list_url(product)).status_code == 404


# --- display ---------------------------------------------------------------------------


def test_review_text_and_reply_are_escaped_and_verified_badge_shown(client, shop, product, buyer):
    buy(buyer, product)
    client.force_login(buyer)
    client.post(add_url(product), review_data(title=XSS, body=XSS))
    review = ProductReview.objects.get()
    ReviewMeta.objects.filter(review=review).update(seller_reply=XSS)

    for url in (list_url(product), review.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
        assert "Đã mua hàng" in html and "Phản hồi của cửa hàng" in html

    # The product page itself (wherever the reviews section is included) never echoes it raw.
    assert "<script>alert" not in client.get(product.get_absolute_url()).content.decode()

    # The product page's reviews section (catalogue/partials/product_reviews.html).
    from django.template.loader import render_to_string

    html = render_to_string(
        "catalogue/partials/product_reviews.html", {"product": product, "user": buyer}
    )
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "Đã mua hàng" in html


def test_review_detail_of_another_product_answers_404(client, shop, product, buyer):
    buy(buyer, product)
    client.force_login(buyer)
    client.post(add_url(product), review_data())
    review = ProductReview.objects.get()
    other = make_product(shop, "Tôm khô")
    url = reverse(
        "catalogue:reviews-detail", kwargs={"product_slug": other.slug, "product_pk": other.pk, "pk": review.pk}
    )
    assert client.get(url).status_code == 404


def test_shop_rating_counts_the_new_reviews(client, shop, product, buyer):
    buy(buyer, product)
    client.force_login(buyer)
    client.post(add_url(product), review_data(score="4"))
    rating = shop_rating(shop=shop)
    assert rating.count == 1 and rating.average == 4.0


# --- the shop's reply ----------------------------------------------------------------


def reviewed(product, email, score=4):
    user = make_user(email)
    review = ProductReview.objects.create(product=product, user=user, score=score, title="Ngon", body="Ngon lắm")
    ReviewMeta.objects.create(review=review, verified_purchase=True)
    return review


def reply_url(shop, review):
    return reverse("seller:review-reply", kwargs={"shop_code": shop.code, "review_pk": review.pk})


def test_the_shop_replies_once_and_a_second_reply_is_refused(client, shop, product):
    review = reviewed(product, "a@example.vn")
    owner = ShopMember.objects.get(shop=shop).user
    client.force_login(owner)

    response = client.post(reply_url(shop, review), {"text": "Cảm ơn anh/chị!"})
    assert response.status_code == 302
    meta = ReviewMeta.objects.get(review=review)
    assert meta.seller_reply == "Cảm ơn anh/chị!" and meta.seller_reply_by == owner and meta.seller_reply_at

    response = client.post(reply_url(shop, review), {"text": "Sửa lại"})
    assert response.status_code == 200
    assert "mỗi đánh giá chỉ được phản hồi một lần" in response.content.decode()
    assert ReviewMeta.objects.get(review=review).seller_reply == "Cảm ơn anh/chị!"
    assert AuditEvent.objects.filter(action="review.replied").count() == 1

    # The reply shows under the review for buyers.
    html = client.get(list_url(product)).content.decode()
    assert "Cảm ơn anh/chị!" in html


def test_an_empty_reply_re_renders_with_a_message(client, shop, product):
    review = reviewed(product, "a@example.vn")
    client.force_login(ShopMember.objects.get(shop=shop).user)
    response = client.post(reply_url(shop, review), {"text": "   "})
    assert response.status_code == 200
    assert "Hãy viết nội dung phản hồi." in response.content.decode()
    assert ReviewMeta.objects.get(review=review).seller_reply == ""


def test_a_review_without_meta_can_be_replied_to(client, shop, product):
    user = make_user("old@example.vn")
    review = ProductReview.objects.create(product=product, user=user, score=3, title="Cũ", body="Trước đây")
    client.force_login(ShopMember.objects.get(shop=shop).user)
    client.post(reply_url(shop, review), {"text": "Cảm ơn"})
    meta = ReviewMeta.objects.get(review=review)
    assert meta.seller_reply == "Cảm ơn" and meta.verified_purchase is False


def test_another_shops_review_answers_404(client, shop, product):
    other_shop = make_shop("kho-ca", owner=make_user("other@example.vn"))
    foreign = reviewed(make_product(other_shop, "Khô cá"), "a@example.vn")
    client.force_login(ShopMember.objects.get(shop=shop).user)
    assert client.get(reply_url(shop, foreign)).status_code == 404
    assert client.post(reply_url(shop, foreign), {"text": "Chen ngang"}).status_code == 404
    assert ReviewMeta.objects.get(review=foreign).seller_reply == ""
    html = client.get(reverse("seller:reviews", kwargs={"shop_code": shop.code})).content.decode()
    assert "Khô cá" not in html


def test_the_service_refuses_another_shops_review(shop, product):
    from catalogue.reviews.services import ReviewNotOfShop, review_reply

    other_shop = make_shop("kho-ca")
    foreign = reviewed(make_product(other_shop, "Khô cá"), "a@example.vn")
    with pytest.raises(ReviewNotOfShop):
        review_reply(shop=shop, review=foreign, actor=None, acting_as="owner", text="x")


def test_a_helper_member_replies_in_the_helper_capacity(client, shop, product):
    helper = make_user("helper@example.vn", first_name="Hỗ trợ")
    ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.HELPER)
    review = reviewed(product, "a@example.vn")
    client.force_login(helper)
    client.post(reply_url(shop, review), {"text": "Cảm ơn bạn"})
    assert ReviewMeta.objects.get(review=review).seller_reply_by == helper
    event = AuditEvent.objects.get(action="review.replied")
    assert event.actor == helper and event.acting_as == "helper" and event.shop == shop


def test_the_reviews_list_is_newest_first_and_costs_constant_queries(client, shop, product):
    owner = ShopMember.objects.get(shop=shop).user
    client.force_login(owner)
    url = reverse("seller:reviews", kwargs={"shop_code": shop.code})
    reviewed(product, "r1@example.vn")
    client.get(url)  # the first request of a session creates the basket
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(2, 8):
        r = reviewed(make_product(shop, f"Sản phẩm {n}"), f"r{n}@example.vn")
    ReviewMeta.objects.filter(review=r).update(seller_reply="Cảm ơn", seller_reply_by=owner)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few), '\n'.join(q['sql'][:150] for q in many.captured_queries)
    reviews = list(response.context["reviews"])
    assert reviews[0] == r and len(reviews) == 7
    assert "Cảm ơn" in response.content.decode()


def test_the_seller_nav_links_to_reviews(client, shop):
    client.force_login(ShopMember.objects.get(shop=shop).user)
    html = client.get(reverse("seller:overview", kwargs={"shop_code": shop.code})).content.decode()
    assert reverse("seller:reviews", kwargs={"shop_code": shop.code}) in html
