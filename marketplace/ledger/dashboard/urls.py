"""Mounted at /dashboard/settlement/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from marketplace.ledger.dashboard import views

app_name = "settlement-dashboard"

urlpatterns = [
    path("", views.SettlementView.as_view(), name="summary"),
    path("runs/", views.RunCreateView.as_view(), name="run-create"),
    path("fees/", views.FeeRatesView.as_view(), name="fees"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run"),
    path("runs/<int:pk>/bank-batch.csv", views.RunBankBatchView.as_view(), name="run-batch"),
    path("payouts/<int:pk>/", views.PayoutDetailView.as_view(), name="payout"),
    path("payouts/<int:pk>/paid/", views.PayoutMarkPaidView.as_view(), name="payout-paid"),
    path("payouts/<int:pk>/<str:action>/", views.PayoutDecisionView.as_view(), name="payout-decide"),
]
