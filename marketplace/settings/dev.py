"""Local development: `make run`. SQLite, embedded search and Stripe emulator."""

import warnings

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = ALLOWED_HOSTS + ["[::1]", "0.0.0.0"]  # noqa: F405
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405 -- SQLite file and media live here

# Serve static files straight from the app and theme folders: no collectstatic in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

# An illustrative programme account so the VietQR flow works out of the box (not a real account).
VIETQR_BANK_BIN = VIETQR_BANK_BIN or "970436"  # noqa: F405 -- Vietcombank
VIETQR_ACCOUNT_NUMBER = VIETQR_ACCOUNT_NUMBER or "0011009999999"  # noqa: F405
VIETQR_ACCOUNT_NAME = VIETQR_ACCOUNT_NAME or "CHO OCOP CA MAU DEMO"  # noqa: F405
BANK_WEBHOOK_API_KEY = BANK_WEBHOOK_API_KEY or EMBEDDED_BANK_WEBHOOK_KEY  # noqa: F405
