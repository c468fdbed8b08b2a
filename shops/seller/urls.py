"""/seller/: the seller workspace. Every URL below `<shop_code>/` is scoped to that shop."""

from django.urls import include, path

from shops.seller import views

app_name = "seller"

urlpatterns = [
    path("", views.WorkspaceHomeView.as_view(), name="home"),
    # Before the shop-scoped patterns: the invitee is not a member yet.
    path("invitation/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("<slug:shop_code>/", include("shops.seller.operations.urls")),
    path("<slug:shop_code>/products/", include("shops.seller.catalogue.urls")),
    path("<slug:shop_code>/reviews/", include("shops.seller.reviews.urls")),
    path("<slug:shop_code>/figures/", include("shops.seller.figures.urls")),
    path("<slug:shop_code>/complaints/", include("shops.seller.complaints.urls")),
    path("<slug:shop_code>/tax/", include("shops.seller.tax.urls")),
    path("<slug:shop_code>/money/", include("shops.seller.money.urls")),
    path("<slug:shop_code>/vouchers/", include("shops.seller.vouchers.urls")),
    path("<slug:shop_code>/representative/", include("shops.seller.identity.urls")),
]
