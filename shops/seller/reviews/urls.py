"""/seller/<shop_code>/reviews/…: reviews of the shop's products and the shop's replies.

No app_name: these patterns join the `seller` namespace of shops/seller/urls.py.
"""

from django.urls import path

from shops.seller.reviews import views

urlpatterns = [
    path("", views.ReviewListView.as_view(), name="reviews"),
    path("<int:review_pk>/reply/", views.ReviewReplyView.as_view(), name="review-reply"),
]
