"""Production static files: fingerprinted, pre-compressed, cached for a year by WhiteNoise.

`collectstatic` runs in a child process with the production settings (the environment of
`make deploy-check`) into a temporary STATIC_ROOT; the collected tree is then served by
WhiteNoise's middleware in-process and the response headers checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    "SECRET_KEY": "ci-deploy-check-7f3a9c2e1b8d4f6a0c5e9b2d7a1f3c8e6b4d0a9f2c7e5b1d8a3f6c0e9b2d4a7f",
    "ALLOWED_HOSTS": "ocop.example.vn",
    "SITE_URL": "https://ocop.example.vn",
    "DATABASE_URL": "postgres://ocop@db.example.vn/ocop",
    "ELASTICSEARCH_URL": "https://search.example.vn:9200",
    "STRIPE_SECRET_KEY": "sk_live_dummy",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_dummy",
    "STRIPE_WEBHOOK_SECRET": "whsec_dummy",
    "REDIS_URL": "redis://cache.example.vn:6379/0",
    "EMAIL_URL": "smtp+tls://ocop@mail.example.vn:587",
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static-root")
    env = {**os.environ, **PRODUCTION_ENV, "STATIC_ROOT": str(root)}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


def test_collectstatic_fingerprints_and_compresses_the_theme(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in ("css/site.css", "css/brand.css", "js/enhance.js", "js/oscar-compat.js"):
        hashed = manifest[name]
        assert hashed != name and hashed.rsplit(".", 2)[-2].isalnum(), hashed
        assert (collected / hashed).is_file()
        assert (collected / f"{hashed}.gz").is_file(), f"{hashed} not pre-compressed"
    # THEME=camau: the province's brand.css wins over the base theme's.
    assert "Cà Mau" in (collected / manifest["css/brand.css"]).read_text(encoding="utf-8")


def test_whitenoise_serves_hashed_files_gzip_and_immutable(collected):
    from whitenoise.middleware import WhiteNoiseMiddleware

    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STATIC_ROOT=str(collected),
        STORAGES=storages,
        DEBUG=False,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        from django.templatetags.static import static

        assert static("css/site.css") == "/static/" + manifest["css/site.css"]
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        request = RequestFactory().get(
            "/static/" + manifest["css/site.css"], HTTP_ACCEPT_ENCODING="gzip, deflate, br"
        )
        response = middleware(request)
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "immutable" in response["Cache-Control"]
        assert "max-age=315360000" in response["Cache-Control"]
        # An unhashed name is still served, but only cached briefly.
        plain = middleware(RequestFactory().get("/static/css/site.css"))
        assert plain.status_code == 200
        assert "immutable" not in plain["Cache-Control"]
