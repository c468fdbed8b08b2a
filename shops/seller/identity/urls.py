"""/seller/<shop_code>/representative/ (joins the `seller` namespace of shops/seller/urls.py)."""

from django.urls import path

from shops.seller.identity import views

urlpatterns = [
    path("", views.RepresentativeView.as_view(), name="representative"),
    path("verify/", views.ProviderStartView.as_view(), name="representative-verify"),
    path("verify/done/", views.ProviderCallbackView.as_view(), name="representative-verify-done"),
]
