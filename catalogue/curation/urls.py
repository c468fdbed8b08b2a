"""Mounted at /dashboard/curation/ (marketplace/urls.py), before Oscar's dashboard."""

from django.urls import path

from catalogue.curation import views

app_name = "curation"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("featured/", views.FeaturedListView.as_view(), name="featured"),
    path("products/<int:product_pk>/feature/", views.ProductFeatureView.as_view(), name="feature"),
    path("collections/", views.CollectionListView.as_view(), name="collections"),
    path("collections/new/", views.CollectionFormView.as_view(), name="collection-create"),
    path(
        "collections/<int:collection_pk>/",
        views.CollectionFormView.as_view(),
        name="collection-edit",
    ),
    path(
        "collections/<int:collection_pk>/delete/",
        views.CollectionDeleteView.as_view(),
        name="collection-delete",
    ),
    path("moderation/", views.ModerationQueueView.as_view(), name="moderation"),
    path(
        "moderation/<int:product_pk>/<str:action>/",
        views.ModerationDecisionView.as_view(),
        name="moderation-decide",
    ),
    path("shops/", views.ShopModerationListView.as_view(), name="shops"),
    path(
        "shops/<slug:shop_code>/moderation/",
        views.ShopModerationToggleView.as_view(),
        name="shop-moderation",
    ),
]
