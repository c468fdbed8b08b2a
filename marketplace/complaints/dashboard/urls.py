"""Mounted at /dashboard/complaints/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from marketplace.complaints.dashboard import views

app_name = "complaints-dashboard"

urlpatterns = [
    path("", views.ComplaintQueueView.as_view(), name="list"),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="detail"),
    path("<int:pk>/photos/<int:photo_pk>/", views.ComplaintPhotoView.as_view(), name="photo"),
    path("<int:pk>/refund/", views.ComplaintRefundView.as_view(), name="refund"),
    path("<int:pk>/<str:action>/", views.ComplaintDecisionView.as_view(), name="decide"),
]
