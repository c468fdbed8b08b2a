"""Production settings refuse unsafe configuration: checked in a real interpreter."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from marketplace.settings.safety import production_problems

SAFE = {
    "SECRET_KEY": "k3v9-Qw7!pZr2@Lm8#Tx5$Hn4%Bc6^Dy1&Fg0*Js3(Ua7)Ve9_Wi2+Ok5=Pl8",
    "ALLOWED_HOSTS": "cho.ocop.camau.gov.vn",
    "SITE_URL": "https://cho.ocop.camau.gov.vn",
    "DATABASE_URL": "postgres://ocop:secret@db.internal:5432/ocop",
    "ELASTICSEARCH_URL": "https://search.internal:9200",
    "STRIPE_SECRET_KEY": "sk_live_abc",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_abc",
    "STRIPE_WEBHOOK_SECRET": "whsec_abc",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://ocop:secret@mail.internal:587",
}


def _boot_production(environ: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "ELASTICSEARCH_"))}
    env.pop("DATABASE_URL", None)
    env.update(environ)
    env["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.production"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_safe_configuration_has_no_problems():
    assert production_problems(SAFE) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production"}, "SECRET_KEY is too short"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": "*"}, "not '*'"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "SQLite"),
        ({"ELASTICSEARCH_URL": ""}, "ELASTICSEARCH_URL is not set"),
        ({"SITE_URL": ""}, "SITE_URL must be"),
        ({"SITE_URL": "http://127.0.0.1:8000"}, "SITE_URL must be"),
        ({"STRIPE_SECRET_KEY": ""}, "STRIPE_SECRET_KEY is not set"),
        ({"STRIPE_SECRET_KEY": "pk_live_wrong"}, "STRIPE_SECRET_KEY does not look like"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET is not set"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:8420"}, "emulator"),
    ],
)
def test_each_unsafe_value_is_named(change, complaint):
    problems = production_problems({**SAFE, **change})
    assert any(complaint in problem for problem in problems), problems


def test_production_refuses_to_start_with_development_defaults():
    result = _boot_production({})
    assert result.returncode != 0
    assert "Refusing to start with unsafe production settings" in result.stderr
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ELASTICSEARCH_URL", "STRIPE_SECRET_KEY"):
        assert name in result.stderr


def test_production_starts_with_real_settings():
    result = _boot_production(SAFE)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
