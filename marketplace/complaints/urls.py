"""The buyer's complaint pages (mounted at the root by marketplace/urls.py, before Oscar's
account and checkout URLs): signed in, or behind the signed purchase link."""

from django.urls import path

from marketplace.complaints import views

app_name = "complaints"

GUEST = "checkout/purchases/<str:number>/<str:token>/orders/<str:order_number>/complaint/"

urlpatterns = [
    path("accounts/orders/<str:order_number>/complaint/", views.AccountComplaintView.as_view(),
         name="buyer"),
    path("accounts/orders/<str:order_number>/complaint/photos/<int:photo_pk>/",
         views.AccountPhotoView.as_view(), name="buyer-photo"),
    path(GUEST, views.GuestComplaintView.as_view(), name="guest"),
    path(GUEST + "photos/<int:photo_pk>/", views.GuestPhotoView.as_view(), name="guest-photo"),
]
