"""/seller/<shop_code>/products/: the shop's products, photos, stock and CSV (namespace `seller`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ProductListView.as_view(), name="products"),
    path("new/", views.ProductCreateView.as_view(), name="product-create"),
    path("<int:product_pk>/", views.ProductEditView.as_view(), name="product-edit"),
    path("<int:product_pk>/visibility/", views.ProductHideView.as_view(), name="product-hide"),
    path("<int:product_pk>/delete/", views.ProductDeleteView.as_view(), name="product-delete"),
    path("<int:product_pk>/images/", views.ProductImagesView.as_view(), name="product-images"),
    path(
        "<int:product_pk>/images/<int:image_pk>/main/",
        views.ProductImageMainView.as_view(), name="product-image-main",
    ),
    path(
        "<int:product_pk>/images/<int:image_pk>/delete/",
        views.ProductImageDeleteView.as_view(), name="product-image-delete",
    ),
    path("<int:product_pk>/variants/", views.VariantAddView.as_view(), name="variant-add"),
    path(
        "<int:product_pk>/variants/<int:variant_pk>/",
        views.VariantEditView.as_view(), name="variant-edit",
    ),
    path(
        "<int:product_pk>/variants/<int:variant_pk>/remove/",
        views.VariantRemoveView.as_view(), name="variant-remove",
    ),
    path("merge/", views.ProductsMergeView.as_view(), name="products-merge"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("<int:product_pk>/stock/", views.StockAdjustView.as_view(), name="stock-adjust"),
    path("export.csv", views.ProductsExportView.as_view(), name="products-export"),
    path("import/", views.ProductsImportView.as_view(), name="products-import"),
]
