"""/seller/<shop_code>/complaints/…: the shop's return and complaint cases.

No app_name: these patterns join the `seller` namespace of shops/seller/urls.py.
"""

from django.urls import path

from shops.seller.complaints import views

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="complaints"),
    path("<int:complaint_pk>/", views.ComplaintDetailView.as_view(), name="complaint-detail"),
    path(
        "<int:complaint_pk>/refund-recorded/", views.ComplaintRefundRecordView.as_view(),
        name="complaint-refund-recorded",
    ),
    path(
        "<int:complaint_pk>/photos/<int:photo_pk>/", views.ComplaintPhotoView.as_view(),
        name="complaint-photo",
    ),
]
