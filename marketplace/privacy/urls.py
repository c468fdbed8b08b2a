"""A signed-in person's data (mounted at /accounts/privacy/ by marketplace/urls.py, before
Oscar's account URLs)."""

from django.urls import path

from marketplace.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.PrivacyPageView.as_view(), name="page"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("consent/", views.ConsentView.as_view(), name="consent"),
    path("correction/", views.CorrectionView.as_view(), name="correction"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request"),
    path("delete/", views.DeleteAccountView.as_view(), name="delete"),
]
