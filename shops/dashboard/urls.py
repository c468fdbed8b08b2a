"""Mounted at /dashboard/shops/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from shops.dashboard import views

app_name = "shops-dashboard"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="list"),
    # Before <slug>/: "fulfilment" is a reserved shop code (shops.services.RESERVED_CODES).
    path("fulfilment/", views.FulfilmentListView.as_view(), name="fulfilment"),
    path("<slug:shop_code>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("<slug:shop_code>/document/", views.ApplicationDocumentView.as_view(), name="document"),
    path(
        "<slug:shop_code>/representative/verify/",
        views.RepresentativeVerifyView.as_view(),
        name="representative-verify",
    ),
    path(
        "<slug:shop_code>/members/<int:member_pk>/revoke/",
        views.MemberRevokeView.as_view(),
        name="member-revoke",
    ),
    path(
        "<slug:shop_code>/<str:action>/",
        views.ApplicationDecisionView.as_view(),
        name="decide",
    ),
]
