from django.urls import path

from shops import views

app_name = "shops"

urlpatterns = [
    path("", views.ShopListView.as_view(), name="list"),
    # Before <slug>/: "apply" is a reserved shop code (shops.services.RESERVED_CODES).
    path("apply/", views.ShopApplyView.as_view(), name="apply"),
    path("apply/done/", views.ShopApplyDoneView.as_view(), name="apply-done"),
    path("<slug:slug>/", views.ShopDetailView.as_view(), name="detail"),
]
