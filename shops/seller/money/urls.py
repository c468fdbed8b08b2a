"""/seller/<shop_code>/money/ (joins the `seller` namespace of shops/seller/urls.py)."""

from django.urls import path

from shops.seller.money import views

urlpatterns = [
    path("", views.ShopMoneyView.as_view(), name="money"),
]
