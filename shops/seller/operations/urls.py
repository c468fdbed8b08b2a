"""/seller/<shop_code>/…: the operations side of the seller workspace.

No app_name: these patterns join the `seller` namespace of shops/seller/urls.py.
"""

from django.urls import path

from shops.seller.operations import views

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/<str:order_number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:order_number>/status/", views.OrderStatusView.as_view(), name="order-status"),
    path("orders/<str:order_number>/ship/", views.OrderShipView.as_view(), name="order-ship"),
    path(
        "orders/<str:order_number>/shipments/<int:shipment_pk>/",
        views.ShipmentOutcomeView.as_view(), name="shipment-outcome",
    ),
    path("orders/<str:order_number>/paid/", views.OrderMarkPaidView.as_view(), name="order-paid"),
    path("orders/<str:order_number>/refund/", views.OrderRefundView.as_view(), name="order-refund"),
    path("payment/", views.PaymentSettingsView.as_view(), name="payment-settings"),
    path("shipping/", views.ShippingListView.as_view(), name="shipping"),
    path("shipping/new/", views.ShippingCreateView.as_view(), name="shipping-create"),
    path("shipping/<int:option_pk>/", views.ShippingEditView.as_view(), name="shipping-edit"),
    path("shipping/<int:option_pk>/delete/", views.ShippingDeleteView.as_view(), name="shipping-delete"),
    path("certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("certificates/new/", views.CertificateCreateView.as_view(), name="certificate-create"),
    path(
        "certificates/<int:certificate_pk>/", views.CertificateDetailView.as_view(),
        name="certificate-detail",
    ),
    path(
        "certificates/<int:certificate_pk>/scan/", views.CertificateScanView.as_view(),
        name="certificate-scan",
    ),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/add/", views.MemberAddView.as_view(), name="member-add"),
    path(
        "members/invitations/<int:invitation_pk>/revoke/", views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("members/<int:member_pk>/revoke/", views.MemberRevokeView.as_view(), name="member-revoke"),
    path("history/", views.HistoryView.as_view(), name="history"),
]
