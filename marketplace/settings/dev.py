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
