"""/seller/<shop_code>/tax/ (joins the `seller` namespace of shops/seller/urls.py)."""

from django.urls import path

from shops.seller.tax import views

urlpatterns = [
    path("", views.SellerTaxView.as_view(), name="tax"),
    path("certificate/<int:year>/", views.WithholdingCertificateView.as_view(), name="tax-certificate"),
    path("orders.csv", views.InvoicingExportView.as_view(), name="tax-orders-csv"),
]
