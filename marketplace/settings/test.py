"""The test suite: fast hasher, local-memory cache, immediate tasks (bakerydemo's recipe)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SEARCH_VOCABULARY_SECONDS = 0  # each test's own catalogue: never the words of an earlier one
API_RATE_LIMIT = "100000/minute"  # the suite calls the API from one address; tests lower it
FORM_RATE_LIMITS = {scope: "100000/minute" for scope in FORM_RATE_LIMITS}  # noqa: F405 -- likewise
SHOP_INVITATION_LIMITS = {scope: "100000/day" for scope in SHOP_INVITATION_LIMITS}  # noqa: F405
REGISTRATION_MAILS_PER_ADDRESS = "100000/day"  # tests/security/test_account_enumeration.py lowers it
REGISTRATION_MAILS_PER_CLIENT = "100000/day"  # likewise
EMAIL_CHANGE_MAILS_PER_ACCOUNT = "100000/day"  # tests/integration/core/test_email_change.py lowers it
# The suite places many COD purchases for one recipient (tests.factories.ADDRESS); the tests of
# the per-phone limit (tests/integration/checkout/test_cod_limits.py) set it.
COD_MAX_PURCHASES_PER_PHONE_PER_DAY = 0
COD_TRUSTED_MAX_PURCHASES_PER_PHONE_PER_DAY = 0
# Tests render every page; tests/integration/core/test_page_cache.py turns the cache on.
PAGE_CACHE_SECONDS = 0
# Likewise the cached fragments (tests/integration/catalogue/test_first_render.py turns them on).
FRAGMENT_CACHE_SECONDS = 0

# An illustrative programme account so the VietQR flow works out of the box (not a real account).
VIETQR_BANK_BIN = VIETQR_BANK_BIN or "970436"  # noqa: F405 -- Vietcombank
VIETQR_ACCOUNT_NUMBER = VIETQR_ACCOUNT_NUMBER or "0011009999999"  # noqa: F405
VIETQR_ACCOUNT_NAME = VIETQR_ACCOUNT_NAME or "CHO OCOP CA MAU DEMO"  # noqa: F405
BANK_WEBHOOK_API_KEY = BANK_WEBHOOK_API_KEY or EMBEDDED_BANK_WEBHOOK_KEY  # noqa: F405
