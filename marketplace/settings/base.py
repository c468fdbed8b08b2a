"""Settings shared by every environment.

All machine-specific configuration comes from environment variables (see
docs/configuration.md); dev.py, test.py and production.py only choose defaults
and add the checks their environment needs.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403 -- Oscar's settings are the base we override

from marketplace.order.statuses import OrderStatus

from .env import env_bool, env_date, env_int, env_list, env_str, env_tasks

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Brand: another province rebrands by a theme folder and these settings ---
THEME = env_str("THEME", "camau")
PROVINCE_CODE = env_int("PROVINCE_CODE", 96)  # Cà Mau in the 2025 administrative list
MARKETPLACE_NAME = env_str("MARKETPLACE_NAME", "Chợ OCOP Cà Mau")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    # Our project apps come before Oscar's so their templates and static win.
    "marketplace.core",
    "marketplace.cms",
    "marketplace.config.MarketplaceShopConfig",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "marketplace.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shops.apps.PartnerConfig",
    "marketplace.config.MarketplaceBasketConfig",  # Oscar's basket, cheaper add (marketplace.checkout.basket_add)
    "marketplace.payment.apps.PaymentConfig",
    "marketplace.offer.apps.OfferConfig",
    "marketplace.order.apps.OrderConfig",
    "marketplace.complaints.apps.ComplaintsConfig",
    "marketplace.tax.apps.TaxConfig",
    "marketplace.ledger.apps.LedgerConfig",
    "marketplace.privacy.apps.PrivacyConfig",
    "marketplace.config.MarketplaceCustomerConfig",  # registration by e-mail confirmation
    "search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "shops.dashboard.oscar_lists.UsersDashboardConfig",  # Oscar's, no 500 on ?sort=actions
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "shops.dashboard.oscar_lists.CatalogueDashboardConfig",  # Oscar's, no 500 on ?sort=checkbox
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "shops.dashboard.partners_app.PartnersDashboardConfig",  # Oscar's, one-line shop names
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    # Oscar's own search modules import haystack; it stays installed but inert
    # (simple engine, no signal processor). Search runs on Elasticsearch: see
    # docs/decisions/0002-search-engine.md.
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",  # the database task backend: its table exists on every database
    # django-ninja's templates and static files: /api/v1/docs serves Swagger UI from here,
    # not from a CDN (marketplace/api/__init__.py).
    "ninja",
    "csp",  # Content-Security-Policy: the nonce template tag (settings below)
    "axes",  # sign-in lockout: its attempt table (settings below)
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketplace.core.csp.MarketplaceCSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "marketplace.core.ratelimit.FormRateLimitMiddleware",  # FORM_RATE_LIMITS below
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: the lockout page (AXES_*)
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

THEMES_DIR = BASE_DIR / "themes"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The brand theme overrides the base theme, which overrides Oscar and Wagtail.
        "DIRS": [THEMES_DIR / THEME / "templates", THEMES_DIR / "base" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "marketplace.core.context_processors.brand",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL through DATABASE_URL ---
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = (
    "marketplace.core.signin.LockoutBackend",  # django-axes first: refuses locked-out sign-ins
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"

# --- Language, time, money: Vietnamese first ---
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# VND has no minor unit: amounts are whole đồng, shown "1.250.000 ₫" in every
# UI language (see marketplace/core/money.py and docs/decisions/0003-money-in-vnd.md).
OSCAR_DEFAULT_CURRENCY = "VND"
# Offer discounts in whole đồng (marketplace/offer/models.py, ADR 0003).
OSCAR_OFFER_ROUNDING_FUNCTION = "marketplace.offer.models.round_vnd"
OSCAR_CURRENCY_FORMAT = {
    "VND": {"format": "#,##0 ¤", "locale": "vi_VN", "currency_digits": False},
}

# --- Static and media ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [THEMES_DIR / THEME / "static", THEMES_DIR / "base" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Cache and e-mail ---
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Chợ OCOP <no-reply@ocop.local>")
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work (django-tasks; docs/decisions/0012-background-tasks.md) ---
# TASKS_BACKEND=immediate runs each task at once in the process that enqueued it (dev, tests);
# TASKS_BACKEND=database stores it for `manage.py tasks_worker` (production's default).
TASKS = env_tasks("TASKS_BACKEND", "immediate")

# --- Search: Elasticsearch 8 in production, the embedded osmem-server otherwise ---
# Empty ELASTICSEARCH_URL means "start the embedded server" (marketplace/embedded).
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX = env_str("ELASTICSEARCH_INDEX", "products")
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 5)
ELASTICSEARCH_MAX_RETRIES = env_int("ELASTICSEARCH_MAX_RETRIES", 2)
# A cluster: several comma-separated URLs in ELASTICSEARCH_URL. Credentials: user:password in
# the URLs, or an API key; a private CA (Elasticsearch 8's own, self-signed) by its PEM file.
ELASTICSEARCH_API_KEY = env_str("ELASTICSEARCH_API_KEY", "")
ELASTICSEARCH_CA_CERTS = env_str("ELASTICSEARCH_CA_CERTS", "")

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# --- Stripe: real keys in production, the embedded localstripe otherwise ---
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Set by the embedded launcher to localstripe's URL; empty means api.stripe.com.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")

# --- Checkout and payments (docs/decisions/0009-purchases.md) ---
# The programme's account receives bank transfers for shops that set none (VietQR).
VIETQR_BANK_BIN = env_str("VIETQR_BANK_BIN", "")
VIETQR_ACCOUNT_NUMBER = env_str("VIETQR_ACCOUNT_NUMBER", "")
VIETQR_ACCOUNT_NAME = env_str("VIETQR_ACCOUNT_NAME", "")
# SePay's webhook (POST /payments/bank/webhook/) sends `Authorization: Apikey <this>`;
# empty refuses every call. dev/test use EMBEDDED_BANK_WEBHOOK_KEY (docs/decisions/0025).
EMBEDDED_BANK_WEBHOOK_KEY = "embedded-bank-webhook-key"
BANK_WEBHOOK_API_KEY = env_str("BANK_WEBHOOK_API_KEY", "")
# A card purchase not paid within this many minutes is cancelled and its stock released.
CHECKOUT_CARD_TIMEOUT_MINUTES = env_int("CHECKOUT_CARD_TIMEOUT_MINUTES", 30)
# The payment methods buyers may choose, in order.
CHECKOUT_PAYMENT_METHODS = ("cod", "bank_transfer", "card")
# Delivery fee of a shop that has not set its own options yet (whole đồng).
CHECKOUT_DEFAULT_SHIPPING_FEE = env_int("CHECKOUT_DEFAULT_SHIPPING_FEE", 30000)

# Sale prices (catalogue/pricing.py, docs/decisions/0043-sale-prices.md): the deepest cut a
# seller may set, in percent of the list price (Decree 81/2018 art. 7: at most 50 % outside
# the concentrated promotion programmes the State announces, when staff may raise it).
SALE_MAX_PERCENT_OFF = env_int("SALE_MAX_PERCENT_OFF", 50)
# Cash on delivery (COD) limits (docs/decisions/0019-cod-limits.md; marketplace/checkout/limits.py).
# Above them the buyer pays by transfer or card. 0 switches a limit off.
COD_MAX_QUANTITY_PER_PRODUCT = env_int("COD_MAX_QUANTITY_PER_PRODUCT", 10)
COD_MAX_PURCHASE_AMOUNT = env_int("COD_MAX_PURCHASE_AMOUNT", 5_000_000)  # whole đồng, shipping included
# COD purchases per recipient phone number per calendar day (Asia/Ho_Chi_Minh), guests and
# accounts alike.
COD_MAX_PURCHASES_PER_PHONE_PER_DAY = env_int("COD_MAX_PURCHASES_PER_PHONE_PER_DAY", 3)
# A signed-in buyer with this many delivered orders (and more delivered than returned) gets
# the trusted limits below; 0: nobody does.
COD_TRUSTED_MIN_DELIVERED_ORDERS = env_int("COD_TRUSTED_MIN_DELIVERED_ORDERS", 1)
COD_TRUSTED_MAX_QUANTITY_PER_PRODUCT = env_int("COD_TRUSTED_MAX_QUANTITY_PER_PRODUCT", 30)
COD_TRUSTED_MAX_PURCHASE_AMOUNT = env_int("COD_TRUSTED_MAX_PURCHASE_AMOUNT", 20_000_000)
COD_TRUSTED_MAX_PURCHASES_PER_PHONE_PER_DAY = env_int("COD_TRUSTED_MAX_PURCHASES_PER_PHONE_PER_DAY", 10)

# --- Oscar ---
OSCAR_SHOP_NAME = MARKETPLACE_NAME
OSCAR_SHOP_TAGLINE = _("Đặc sản và sản phẩm OCOP Cà Mau")
OSCAR_HOMEPAGE = "/"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_IMAGE_FOLDER = "images/products/%Y/%m/"
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line4", "country", "phone_number")
OSCAR_SEND_REGISTRATION_EMAIL = False
# A shop order's pipeline is declared once, in marketplace/order/statuses.py; its moves are
# marketplace/order/lifecycle.py (Oscar's dashboard reaches it through order/processing.py).
OSCAR_INITIAL_ORDER_STATUS = OrderStatus.INITIAL
OSCAR_INITIAL_LINE_STATUS = OrderStatus.INITIAL
OSCAR_ORDER_STATUS_PIPELINE = OrderStatus.STAFF_TRANSITIONS
# Lines move with their shop's part of the order, never one by one from Oscar's dashboard.
OSCAR_LINE_STATUS_PIPELINE = {}
OSCAR_ORDER_STATUS_CASCADE = {status: status for status in OrderStatus.TRANSITIONS}
# Days after the hand-over at which a parcel the buyer has not confirmed is taken as delivered
# (`manage.py orders_mark_delivered`, daily).
ORDER_AUTO_DELIVERED_DAYS = env_int("ORDER_AUTO_DELIVERED_DAYS", 7)
# Days in transit after which programme staff see a parcel as late (/dashboard/shops/fulfilment/)
# and the seller's order list marks it; below ORDER_AUTO_DELIVERED_DAYS, or nothing is ever late.
SHIPMENT_LATE_DAYS = env_int("SHIPMENT_LATE_DAYS", 5)
# Hours after placement at which a COD order its shop has not confirmed is cancelled and its
# stock released (`manage.py orders_release_unconfirmed`, hourly).
ORDER_UNCONFIRMED_RELEASE_HOURS = env_int("ORDER_UNCONFIRMED_RELEASE_HOURS", 48)
# Hours a buyer has to make a bank transfer (VietQR): after that an order still awaiting it,
# not yet handed to a carrier, is cancelled and its stock released (the same hourly command);
# a transfer arriving later goes to staff (/dashboard/bank-credits/). 0: never cancelled.
TRANSFER_PAYMENT_HOURS = env_int("TRANSFER_PAYMENT_HOURS", 24)
# Returns and complaints (marketplace/complaints/): days after delivery in which a buyer may
# open one, and days the shop has to answer before the case goes to programme staff
# (`manage.py complaints_escalate`, hourly).
COMPLAINT_WINDOW_DAYS = env_int("COMPLAINT_WINDOW_DAYS", 7)
COMPLAINT_ANSWER_DAYS = env_int("COMPLAINT_ANSWER_DAYS", 2)
# A new programme fee (marketplace/ledger/fees.py) applies at the earliest this many days after
# it is announced to the shops: the E-commerce Law 122/2025 asks for 20 days' notice of a fee
# change (docs/decisions/0034-published-rules.md). The law's minimum; more is allowed.
FEE_CHANGE_NOTICE_DAYS = env_int("FEE_CHANGE_NOTICE_DAYS", 20)
# Days a shop application's document is kept after the staff decision, then deleted
# (`manage.py shops_purge_application_documents`, daily; PDP Law 91/2025 storage limitation,
# docs/decisions/0031-files-read-and-written.md).
APPLICATION_DOCUMENT_RETENTION_DAYS = env_int("APPLICATION_DOCUMENT_RETENTION_DAYS", 30)

# Personal data (PDP Law 91/2025, Decree 356/2025; docs/decisions/0032-personal-data-rights.md):
# working days to answer a request (public holidays are the `privacy.Holiday` rows), how often
# one person may download their data, send a correction request, change a consent and try a
# password on the delete-account form, and the slug of the privacy policy's info page.
PRIVACY_ANSWER_WORKING_DAYS = env_int("PRIVACY_ANSWER_WORKING_DAYS", 2)
PRIVACY_EXPORT_RATE_LIMIT = env_str("PRIVACY_EXPORT_RATE_LIMIT", "5/hour")
PRIVACY_CORRECTION_RATE_LIMIT = env_str("PRIVACY_CORRECTION_RATE_LIMIT", "10/day")
PRIVACY_CONSENT_RATE_LIMIT = env_str("PRIVACY_CONSENT_RATE_LIMIT", "20/hour")
PRIVACY_DELETE_PASSWORD_RATE_LIMIT = env_str("PRIVACY_DELETE_PASSWORD_RATE_LIMIT", "5/hour")
PRIVACY_POLICY_SLUG = "chinh-sach-bao-ve-du-lieu-ca-nhan"
# Tax withheld for household and individual sellers (marketplace/tax/, Decree 117/2025):
# per payment route, whether the platform withholds. It always does on money it collects
# (card, transfer to the programme's account); on money the shop collects itself (COD through
# its carrier, a transfer into its own account) it does not by default — the reasons are in
# docs/decisions/0024-ledger-and-withholding.md.
TAX_WITHHOLD_ROUTES = {
    "card": True,
    "programme_transfer": True,
    "cod": env_bool("TAX_WITHHOLD_COD", False),
    "shop_transfer": env_bool("TAX_WITHHOLD_SHOP_TRANSFER", False),
}
# The organisation that withholds and files (return 01/CNKD-TMĐT): printed on schedule
# 01-1/BK-CNKD-TMĐT and the sellers' yearly withholding certificates (marketplace/tax/).
TAX_PLATFORM_NAME = env_str("TAX_PLATFORM_NAME", MARKETPLACE_NAME)
TAX_PLATFORM_TAX_CODE = env_str("TAX_PLATFORM_TAX_CODE", "")
TAX_PLATFORM_ADDRESS = env_str("TAX_PLATFORM_ADDRESS", "")
# The footer badge "Đã thông báo/Đã đăng ký Bộ Công Thương": the address of the site's record
# on online.gov.vn and the badge image the Ministry gives with it. Empty: no badge.
MOIT_REGISTRATION_URL = env_str("MOIT_REGISTRATION_URL", "")
MOIT_BADGE_IMAGE_URL = env_str("MOIT_BADGE_IMAGE_URL", "")
# Seller identity (E-commerce Law 122/2025 and its decree; docs/decisions/0033-seller-identity.md):
# the reported date by which every shop's legal representative must be verified; shops not
# verified are flagged to staff and reminded (`manage.py identity_reminders`, daily) this many
# days before the date (negative: after it).
SELLER_IDENTITY_DEADLINE = env_date("SELLER_IDENTITY_DEADLINE", "2027-01-01")
SELLER_IDENTITY_REMINDER_DAYS = (30, 7, 1, -1, -7, -30)
# The e-identification provider (a dotted path to a shops.identity.providers.IdentityProvider
# subclass); empty: VNeID is not connected and programme staff check documents.
SELLER_IDENTITY_PROVIDER = env_str("SELLER_IDENTITY_PROVIDER", "")
THUMBNAIL_DEBUG = False
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
THUMBNAIL_PRESERVE_FORMAT = False
THUMBNAIL_QUALITY = 75

# --- Wagtail ---
WAGTAIL_SITE_NAME = MARKETPLACE_NAME
# The public address: absolute links in e-mails, Wagtail, and the QR codes printed on packaging.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Public API (/api/v1/): requests per client IP and fixed window (marketplace.api.ratelimit).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/minute")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "webp": "webp"}
WAGTAILDOCS_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Demo data ---
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "ocop-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "PIL": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one INFO line per sign-in otherwise
    },
}
OSCAR_SLUG_FUNCTION = "marketplace.core.text.slugify_vi"


# --- Programme staff pages in Oscar's dashboard menu ---
# Oscar's access function knows only Oscar's own dashboard apps; ours lets programme staff see
# the pages below (marketplace/core/dashboard_nav.py) and asks Oscar's for the rest.
OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION = "marketplace.core.dashboard_nav.dashboard_access"
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
    {
        "label": _("Cửa hàng"),
        "icon": "fas fa-store",
        "children": [
            # shops/dashboard, /dashboard/shops/
            {"label": _("Duyệt và quản lý cửa hàng"), "url_name": "shops-dashboard:list"},
            # catalogue/dashboard, /dashboard/ocop/
            {"label": _("Chứng nhận OCOP"), "url_name": "ocop-dashboard:list"},
            # shops/dashboard, /dashboard/shops/fulfilment/
            {"label": _("Giao hàng của các cửa hàng"), "url_name": "shops-dashboard:fulfilment"},
        ],
    },
    {
        # catalogue/curation, /dashboard/curation/
        "label": _("Giới thiệu sản phẩm"),
        "icon": "fas fa-star",
        "children": [
            {"label": _("Sản phẩm nổi bật"), "url_name": "curation:featured"},
            {"label": _("Bộ sưu tập"), "url_name": "curation:collections"},
            {"label": _("Chờ kiểm duyệt"), "url_name": "curation:moderation"},
            {"label": _("Cửa hàng cần kiểm duyệt"), "url_name": "curation:shops"},
        ],
    },
    {
        # marketplace/payment/dashboard, /dashboard/payments/
        "label": _("Thanh toán đơn hàng"),
        "icon": "fas fa-money-bill-wave",
        "url_name": "payments-dashboard:list",
    },
    {
        # marketplace/payment/dashboard/bank_views.py, /dashboard/bank-credits/
        "label": _("Đối soát chuyển khoản"),
        "icon": "fas fa-university",
        "url_name": "bank-credits:list",
    },
    {
        # marketplace/complaints/dashboard, /dashboard/complaints/
        "label": _("Trả hàng và khiếu nại"),
        "icon": "fas fa-undo",
        "url_name": "complaints-dashboard:list",
    },
    {
        # marketplace/ledger/dashboard, /dashboard/settlement/
        "label": _("Đối soát và thanh toán"),
        "icon": "fas fa-hand-holding-usd",
        "url_name": "settlement-dashboard:summary",
    },
    {
        # marketplace/tax/dashboard, /dashboard/tax/
        "label": _("Thuế khấu trừ, nộp thay"),
        "icon": "fas fa-file-invoice-dollar",
        "url_name": "tax-dashboard:month",
    },
    {
        # marketplace/privacy/dashboard, /dashboard/privacy/
        "label": _("Yêu cầu về dữ liệu cá nhân"),
        "icon": "fas fa-user-shield",
        "url_name": "privacy-dashboard:list",
    },
    {
        # marketplace/reports, /dashboard/figures/
        "label": _("Số liệu chương trình"),
        "icon": "fas fa-chart-bar",
        "url_name": "reports-dashboard:figures",
    },
]

# Reviews (catalogue/reviews/): only signed-in buyers with a delivered line may review; no
# moderation queue (a review is published at once, staff can still hide it in /dashboard/).
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_MODERATE_REVIEWS = False

# Seconds an interactive search (pages, API) waits for the search server before the
# page answers from the database instead (search/fallback.py); no retry on a timeout.
SEARCH_REQUEST_TIMEOUT = env_int("SEARCH_REQUEST_TIMEOUT", 2)
# Seconds a process keeps the catalogue's words used to read joined and Telex-typed queries
# ("nuocmam", "nuwowcs mawms": search/vocabulary.py); 0 builds them again for each such query.
SEARCH_VOCABULARY_SECONDS = env_int("SEARCH_VOCABULARY_SECONDS", 600)

# Whole home, search and product pages for anonymous visitors, from the cache
# (marketplace/core/pagecache.py, docs/decisions/0017-anonymous-page-cache.md): seconds a
# stored page lives (0: off), and how often a worker re-reads the shown products' stock.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_CHECK_SECONDS = 1
# Blocks of buyer pages that do not depend on the visitor (photos, attributes, reviews, shop
# card, breadcrumb), cached under the catalogue version for every rendered page
# (marketplace/core/fragments.py, docs/decisions/0045-first-render-budget.md); 0: off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 600)


# --- Security headers: Content-Security-Policy (django-csp 4; marketplace/core/csp.py) ---
# docs/decisions/0011-content-security-policy.md. Scripts only from this origin (or with the
# request's nonce): no inline script, no event-handler attribute. Styles keep 'unsafe-inline'
# (style attributes in Oscar's templates and e-mail-like partials; a style cannot run code).
# Origins known at run time (Stripe on /checkout/, a CDN in MEDIA_URL/STATIC_URL) are added
# per request by the middleware.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],  # as X_FRAME_OPTIONS = "DENY"
    },
}
# Oscar's dashboard, Wagtail's admin and Django's admin ship inline scripts we do not own:
# programme staff only, they get 'unsafe-inline' scripts and nothing else more. No nonce here:
# a nonce in script-src makes browsers ignore 'unsafe-inline'.
CSP_STAFF_PATH_PREFIXES = ("/dashboard/", "/cms/", "/django-admin/")
# Wagtail's admin would otherwise fetch avatars from gravatar.com (a hash of each staff
# e-mail) and poll releases.wagtail.org: staff pages request nothing from other sites.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
STAFF_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "frame-ancestors": [SELF],  # Wagtail's live preview frames its own pages
    },
}

# --- Sign-in protection (django-axes; marketplace/core/signin.py; docs/decisions/0013-sign-in-and-form-abuse-limits.md) ---
# AXES_FAILURE_LIMIT wrong passwords for one e-mail from one address lock that pair out for
# SIGNIN_LOCKOUT_MINUTES; a successful sign-in clears the count. Attempts live in the database.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "marketplace.core.signin.username_of"
AXES_CLIENT_IP_CALLABLE = "marketplace.core.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "marketplace.core.signin.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no log of every successful sign-in (addresses, browsers)
AXES_VERBOSE = False

# --- Abuse limits of the public forms, POSTs per client address (marketplace/core/ratelimit.py) ---
# Generous: many phones share one carrier address (CGNAT). 429 with a page over the limit.
FORM_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "60/hour"),
    "register": env_str("RATE_LIMIT_REGISTER", "20/hour"),
    "password_reset": env_str("RATE_LIMIT_PASSWORD_RESET", "10/hour"),
    "shop_apply": env_str("RATE_LIMIT_SHOP_APPLY", "10/hour"),
    # Voucher codes typed at the basket (marketplace/checkout/voucher_views.py): codes are short.
    "voucher": env_str("RATE_LIMIT_VOUCHER", "30/hour"),
}

# --- Shop membership invitations (shops/invitations.py; docs/decisions/0030-shop-invitations-and-account-enumeration.md) ---
# An owner invites by e-mail; the invitee accepts within SHOP_INVITATION_DAYS. Invitations a
# shop and an owner may send per day (a fixed window, marketplace/core/ratelimit.py).
SHOP_INVITATION_DAYS = env_int("SHOP_INVITATION_DAYS", 7)
SHOP_INVITATION_LIMITS = {
    "shop": env_str("RATE_LIMIT_SHOP_INVITATIONS", "20/day"),
    "owner": env_str("RATE_LIMIT_OWNER_INVITATIONS", "30/day"),
}

# --- Registration by e-mail confirmation (marketplace/core/registration.py; ADR 0030) ---
# Registration answers the same for new and known addresses. Registration mails (a confirmation
# link, or "you already have an account") one client address may cause to one e-mail address,
# and in all: someone else's requests never use up the owner's mails.
REGISTRATION_MAILS_PER_ADDRESS = env_str("RATE_LIMIT_REGISTER_EMAIL", "3/day")
REGISTRATION_MAILS_PER_CLIENT = env_str("RATE_LIMIT_REGISTER_CLIENT_MAILS", "20/day")
# Links one signed-in account may have mailed to a new e-mail address (profile page).
EMAIL_CHANGE_MAILS_PER_ACCOUNT = env_str("RATE_LIMIT_EMAIL_CHANGE", "5/day")
