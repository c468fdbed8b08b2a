"""Mounted at /dashboard/figures/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from marketplace.reports import views

app_name = "reports-dashboard"

urlpatterns = [
    path("", views.FiguresView.as_view(), name="figures"),
]
