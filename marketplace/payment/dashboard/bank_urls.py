"""Mounted at /dashboard/bank-credits/ (marketplace/urls.py): the reconciliation queue."""

from django.urls import path

from marketplace.payment.dashboard import bank_views

app_name = "bank-credits"

urlpatterns = [
    path("", bank_views.BankCreditListView.as_view(), name="list"),
    path("import/", bank_views.StatementImportView.as_view(), name="import"),
    path("<int:pk>/match/", bank_views.BankCreditMatchView.as_view(), name="match"),
    path("<int:pk>/close/", bank_views.BankCreditCloseView.as_view(), name="close"),
]
