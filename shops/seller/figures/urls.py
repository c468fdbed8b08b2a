"""/seller/<shop_code>/figures/ (joins the `seller` namespace of shops/seller/urls.py)."""

from django.urls import path

from shops.seller.figures import views

urlpatterns = [
    path("", views.ShopFiguresView.as_view(), name="figures"),
]
