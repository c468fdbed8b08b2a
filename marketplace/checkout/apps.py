import oscar.apps.checkout.apps as oscar_checkout
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(oscar_checkout.CheckoutConfig):
    name = "marketplace.checkout"

    def ready(self):
        super().ready()
        self.purchase_view = get_class("checkout.views", "PurchaseView")
        self.pay_view = get_class("checkout.views", "PayView")
        self.communes_view = get_class("checkout.views", "communes_json")
        self.vietqr_png_view = get_class("checkout.views", "purchase_vietqr_png")
        self.payment_status_view = get_class("checkout.views", "purchase_payment_status")
        # "Đã nhận hàng" from the signed purchase page: the order's own view (order/views.py).
        self.order_received_view = get_class("order.views", "PurchaseOrderReceivedView")

    def get_urls(self):
        urls = super().get_urls()
        urls += [
            path("purchases/<str:number>/<str:token>/", self.purchase_view.as_view(), name="purchase"),
            path(
                "purchases/<str:number>/<str:token>/orders/<str:order_number>/received/",
                self.order_received_view.as_view(), name="purchase-order-received",
            ),
            # The bank transfer of a purchase: its QR to save, its status for the page to poll.
            path("purchases/<str:number>/<str:token>/vietqr.png", self.vietqr_png_view,
                 name="purchase-vietqr"),
            path("purchases/<str:number>/<str:token>/payment/", self.payment_status_view,
                 name="purchase-payment-status"),
            path("pay/<str:number>/<str:token>/", self.pay_view.as_view(), name="pay"),
            path("communes/", self.communes_view, name="communes"),
        ]
        return self.post_process_urls(urls)
