"""Mounted at /dashboard/privacy/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from marketplace.privacy.dashboard import views

app_name = "privacy-dashboard"

urlpatterns = [
    path("", views.PrivacyRequestQueueView.as_view(), name="list"),
    path("<int:pk>/", views.PrivacyRequestDetailView.as_view(), name="detail"),
    path("<int:pk>/<str:action>/", views.PrivacyRequestDecisionView.as_view(), name="decide"),
]
