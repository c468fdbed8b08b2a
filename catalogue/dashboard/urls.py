"""Mounted at /dashboard/ocop/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from catalogue.dashboard import views

app_name = "ocop-dashboard"

urlpatterns = [
    path("", views.CertificateListView.as_view(), name="list"),
    path("<int:certificate_pk>/", views.CertificateDetailView.as_view(), name="detail"),
    path("<int:certificate_pk>/scan/", views.CertificateScanView.as_view(), name="scan"),
    path(
        "<int:certificate_pk>/<str:action>/",
        views.CertificateDecisionView.as_view(),
        name="decide",
    ),
]
