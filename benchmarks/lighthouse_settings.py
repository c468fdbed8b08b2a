"""Settings for `benchmarks/lighthouse.sh`: the development stack served like production.

DEBUG off, static files collected with WhiteNoise's compressed manifest storage (hashed names,
gzip, immutable cache headers) as in marketplace/settings/production.py, and the media folder
(demo photos, WebP thumbnails made on first request) served by WhiteNoise too, since Django
serves media only in DEBUG. Everything lives in LIGHTHOUSE_WORKDIR, a throw-away folder.
"""

import os
from pathlib import Path

from marketplace.settings.dev import *  # noqa: F403

_WORKDIR = Path(os.environ["LIGHTHOUSE_WORKDIR"])

DEBUG = False
STATIC_ROOT = _WORKDIR / "static"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = True  # thumbnails appear under media/ after the server started
WHITENOISE_ROOT = _WORKDIR / "public"  # public/media/... is served at /media/...
MEDIA_ROOT = WHITENOISE_ROOT / "media"
