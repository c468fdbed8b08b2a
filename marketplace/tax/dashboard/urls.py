"""Mounted at /dashboard/tax/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from marketplace.tax.dashboard import views

app_name = "tax-dashboard"

urlpatterns = [
    path("", views.TaxMonthView.as_view(), name="month"),
    path("withholding.csv", views.WithholdingCsvView.as_view(), name="csv"),
    path("withholding.xlsx", views.WithholdingXlsxView.as_view(), name="xlsx"),
    path("shops/<int:pk>/", views.TaxProfileStaffView.as_view(), name="profile"),
]
