"""Mounted at /dashboard/payments/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from marketplace.payment.dashboard import views

app_name = "payments-dashboard"

urlpatterns = [
    path("", views.PaymentListView.as_view(), name="list"),
    path("card-review/", views.CardReviewListView.as_view(), name="card-review"),
    path("card-review/<int:pk>/<str:action>/", views.CardReviewDecisionView.as_view(),
         name="card-review-decide"),
    path("<str:order_number>/paid/", views.MarkTransferReceivedView.as_view(), name="mark-paid"),
    path("<str:order_number>/refund/", views.RefundView.as_view(), name="refund"),
]
