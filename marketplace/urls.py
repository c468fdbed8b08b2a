from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401 -- kept for later language prefixes
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace.api import api
from marketplace.checkout import voucher_views
from marketplace.cms import views as cms_views
from marketplace.core import accounts, health
from marketplace.order import views as order_views
from marketplace.payment import views as payment_views

# Django's admin writes rows directly, past the audited services: superusers only. Programme
# staff work in /dashboard/ and /cms/ (docs/decisions/0010-programme-staff-role.md).
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    # Wagtail's home page, for anonymous visitors from the page cache (marketplace/cms/views.py);
    # first, as the most requested page (it matches only `/`).
    path("", cms_views.home, name="home"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("payments/stripe/webhook/", payment_views.stripe_webhook, name="stripe-webhook"),
    path("payments/bank/webhook/", payment_views.bank_webhook, name="bank-webhook"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("shops/", include("shops.urls")),
    path("seller/", include("shops.seller.urls")),
    path("dashboard/shops/", include("shops.dashboard.urls")),
    path("dashboard/ocop/", include("catalogue.dashboard.urls")),
    path("dashboard/curation/", include("catalogue.curation.urls")),
    path("dashboard/payments/", include("marketplace.payment.dashboard.urls")),
    path("dashboard/bank-credits/", include("marketplace.payment.dashboard.bank_urls")),
    path("dashboard/figures/", include("marketplace.reports.urls")),
    path("dashboard/complaints/", include("marketplace.complaints.dashboard.urls")),
    path("dashboard/tax/", include("marketplace.tax.dashboard.urls")),
    path("dashboard/settlement/", include("marketplace.ledger.dashboard.urls")),
    path("dashboard/privacy/", include("marketplace.privacy.dashboard.urls")),
    # A signed-in person's data: download, consents, correction, deleting the account.
    path("accounts/privacy/", include("marketplace.privacy.urls")),
    # Two of Oscar's account views made safe: sign-out by POST only, order lines without a 500.
    path("accounts/logout/", accounts.LogoutView.as_view()),
    # Registration answers "check your inbox"; the mail's link confirms (marketplace/core/registration.py).
    path("accounts/register/sent/", accounts.RegistrationSentView.as_view(), name="registration-sent"),
    path(
        "accounts/confirm/<str:uidb64>/<str:token>/", accounts.AccountConfirmView.as_view(),
        name="account-confirm",
    ),
    path(
        "accounts/orders/<str:order_number>/<int:line_id>/",
        login_required(accounts.OrderLineView.as_view()),
    ),
    # The buyer's "Đã nhận hàng" on their shop order (beside Oscar's order page, not forking
    # Oscar's customer app for one POST view).
    path(
        "accounts/orders/<str:order_number>/received/",
        order_views.OrderReceivedView.as_view(), name="order-received",
    ),
    # Returns and complaints of a buyer's order: signed in, or behind the signed purchase link.
    path("", include("marketplace.complaints.urls")),
    # Vouchers at the basket, per shop (marketplace/checkout/vouchers.py).
    path("basket/vouchers/apply/", voucher_views.voucher_apply, name="basket-voucher-apply"),
    path("basket/vouchers/<int:pk>/remove/", voucher_views.voucher_remove, name="basket-voucher-remove"),
    # Oscar: catalogue, basket, checkout, accounts, search, dashboard (its `/` redirect removed).
    path("", include(apps.get_app_config("oscar").urls[0])),
    # Wagtail serves `/` and every other page.
    path("", include(wagtail_urls)),
]

if settings.DEBUG:
    from marketplace.core.media import media_urlpatterns

    # Pictures only, with nosniff; private documents never (marketplace/core/media.py).
    urlpatterns = media_urlpatterns() + urlpatterns
