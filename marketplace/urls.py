from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401 -- kept for later language prefixes
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace.api import api
from marketplace.core import health
from marketplace.payment import views as payment_views

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("payments/stripe/webhook/", payment_views.stripe_webhook, name="stripe-webhook"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("shops/", include("shops.urls")),
    path("seller/", include("shops.seller.urls")),
    path("dashboard/shops/", include("shops.dashboard.urls")),
    path("dashboard/ocop/", include("catalogue.dashboard.urls")),
    path("dashboard/curation/", include("catalogue.curation.urls")),
    path("dashboard/payments/", include("marketplace.payment.dashboard.urls")),
    path("dashboard/figures/", include("marketplace.reports.urls")),
    # Oscar: catalogue, basket, checkout, accounts, search, dashboard (its `/` redirect removed).
    path("", include(apps.get_app_config("oscar").urls[0])),
    # Wagtail serves `/` and every other page.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    path("", include(wagtail_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
