"""/seller/<shop_code>/vouchers/ (joins the `seller` namespace of shops/seller/urls.py)."""

from django.urls import path

from shops.seller.vouchers import views

urlpatterns = [
    path("", views.VoucherListView.as_view(), name="vouchers"),
    path("new/", views.VoucherCreateView.as_view(), name="voucher-create"),
    path("<int:voucher_pk>/end/", views.VoucherEndView.as_view(), name="voucher-end"),
]
