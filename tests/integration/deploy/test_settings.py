"""Production settings as deployed: deploy/ocop.env boots, `check --deploy` is clean, every
variable the code reads is documented, and the services are wired as docs/deploy.md says.

Each boot is a real interpreter with the production settings module (they are read once per
process), from the repository root.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.settings.env import parse_email_url
from marketplace.settings.safety import production_problems

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE_ENV = ROOT / "deploy" / "ocop.env"
A_SECRET = "k3v9-Qw7!pZr2@Lm8#Tx5$Hn4%Bc6^Dy1&Fg0*Js3(Ua7)Ve9_Wi2+Ok5=Pl8"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile reads them (comments skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def deployed_env(**changes: str) -> dict[str, str]:
    """The example environment with a real secret, nothing inherited from the test run."""
    inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**inherited, **read_env_file(EXAMPLE_ENV), "SECRET_KEY": A_SECRET, **changes}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def production_value(env: dict[str, str], expression: str):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_example_env_file_is_refused_until_its_secret_is_replaced():
    env = {**read_env_file(EXAMPLE_ENV)}
    problems = production_problems(env)
    assert problems and all("SECRET_KEY" in p for p in problems), problems


def test_the_example_env_file_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], deployed_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_services_from_the_example_env():
    env = deployed_env(
        MEDIA_S3_BUCKET="ocop-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.vn",
        ELASTICSEARCH_URL="https://u:p@es1.internal:9200,https://u:p@es2.internal:9200",
    )
    got = production_value(
        env,
        "{'db': settings.DATABASES['default'], 'cache': settings.CACHES['default'],"
        " 'sessions': settings.SESSION_ENGINE, 'tasks': settings.TASKS['default']['BACKEND'],"
        " 'email': [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,"
        "           settings.EMAIL_HOST_USER, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT],"
        " 'media': [settings.STORAGES['default']['BACKEND'], settings.MEDIA_URL],"
        " 'middleware': settings.MIDDLEWARE[:2], 'handler': settings.LOGGING['handlers']['console'],"
        " 'es_nodes': len(__import__('search.engine', fromlist=['x']).build_client("
        "     settings.ELASTICSEARCH_URL).transport.node_pool.all())}",
    )
    assert got["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert got["db"]["CONN_MAX_AGE"] == 60 and got["db"]["CONN_HEALTH_CHECKS"] is True
    assert got["cache"]["BACKEND"] == "marketplace.core.cache.ResilientRedisCache"
    assert got["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert got["tasks"] == "django_tasks_db.DatabaseBackend"
    assert got["email"] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.vn",
        587,
        "no-reply@ocop.example.vn",
        True,
        10,
    ]
    assert got["media"] == [
        "marketplace.core.storage.MediaS3Storage",
        "https://s3.example.vn/ocop-media/",
    ]
    assert got["middleware"] == [
        "marketplace.core.proxy.ProxyHeadersMiddleware",
        "marketplace.core.logging.RequestIdMiddleware",
    ]
    assert got["handler"]["formatter"] == "json" and got["handler"]["stream"] == "ext://sys.stdout"
    assert got["es_nodes"] == 2


@pytest.mark.parametrize(
    ("variables", "media_url"),
    [
        ({"MEDIA_S3_CUSTOM_DOMAIN": "media.example.vn"}, "https://media.example.vn/"),
        ({"MEDIA_S3_ENDPOINT_URL": "https://s3.example.vn/"}, "https://s3.example.vn/ocop-media/"),
        (
            {"MEDIA_S3_REGION": "ap-southeast-1"},
            "https://ocop-media.s3.ap-southeast-1.amazonaws.com/",
        ),
    ],
)
def test_media_urls_on_object_storage_start_with_media_url(variables, media_url):
    """MEDIA_URL feeds the Content-Security-Policy: the storage's URLs must start with it."""
    env = deployed_env(MEDIA_S3_BUCKET="ocop-media", **variables)
    got = production_value(
        env,
        "[settings.MEDIA_URL, __import__('django.core.files.storage', fromlist=['x'])"
        ".default_storage.url('images/products/2026/01/ab12.jpg')]",
    )
    assert got[0] == media_url
    assert got[1] == media_url + "images/products/2026/01/ab12.jpg"


def test_without_object_storage_media_stay_on_disk():
    got = production_value(
        deployed_env(), "[settings.STORAGES['default']['BACKEND'], settings.MEDIA_ROOT]"
    )
    assert got == ["django.core.files.storage.FileSystemStorage", "/srv/ocop/media"]


SAFE = {**read_env_file(EXAMPLE_ENV), "SECRET_KEY": A_SECRET}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"REDIS_URL": ""}, "REDIS_URL is not set"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with"),
        ({"EMAIL_URL": ""}, "EMAIL_URL is not set"),
        ({"EMAIL_URL": "console://"}, "production must send"),
        ({"MEDIA_S3_ENDPOINT_URL": "https://s3.example.vn"}, "MEDIA_S3_BUCKET is not"),
        ({"FORWARDED_ALLOW_IPS": "*"}, "FORWARDED_ALLOW_IPS"),
        ({"FEE_CHANGE_NOTICE_DAYS": "10"}, "FEE_CHANGE_NOTICE_DAYS must be at least 20"),
        ({"FEE_CHANGE_NOTICE_DAYS": "twenty"}, "FEE_CHANGE_NOTICE_DAYS must be at least 20"),
    ],
)
def test_unsafe_service_settings_are_refused(change, complaint):
    problems = production_problems({**SAFE, **change})
    assert any(complaint in problem for problem in problems), problems


def test_a_longer_fee_notice_is_fine():
    assert not [p for p in production_problems({**SAFE, "FEE_CHANGE_NOTICE_DAYS": "30"}) if "FEE" in p]


def test_email_backend_alone_is_enough_for_benchmarks():
    assert production_problems({**SAFE, "EMAIL_URL": "", "EMAIL_BACKEND": "x.Backend"}) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://user%40x.vn:p%40ss@smtp.x.vn:2587?timeout=20",
            ("smtp.x.vn", 2587, "user@x.vn", "p@ss", True, False, 20),
        ),
        ("smtps://u:p@smtp.x.vn", ("smtp.x.vn", 465, "u", "p", False, True, 10)),
        ("smtp://localhost", ("localhost", 25, "", "", False, False, 10)),
    ],
)
def test_email_url(url, expected):
    got = parse_email_url(url)
    assert (
        got["EMAIL_HOST"],
        got["EMAIL_PORT"],
        got["EMAIL_HOST_USER"],
        got["EMAIL_HOST_PASSWORD"],
        got["EMAIL_USE_TLS"],
        got["EMAIL_USE_SSL"],
        got["EMAIL_TIMEOUT"],
    ) == expected


# --- every variable documented -----------------------------------------------------------

READERS = re.compile(
    r"""(?:env_\w+|_int|environ\.get|getenv|environ\.setdefault)\(\s*(?:#[^\n]*\s*)?["']([A-Z][A-Z0-9_]+)["']"""
    r"""|environ\[["']([A-Z][A-Z0-9_]+)["']\]""",
    re.S,
)


def variables_read_by_the_code() -> set[str]:
    """Every environment variable the application, its settings and deploy/ read."""
    sources = [ROOT / "manage.py", *(ROOT / "deploy").glob("*.py")]
    for package in ("marketplace", "shops", "catalogue", "search"):
        sources += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    found = set()
    for source in sources:
        for match in READERS.finditer(source.read_text(encoding="utf-8")):
            found.update(name for name in match.groups() if name)
    return found


def test_every_variable_is_documented_and_in_the_example_env_file():
    names = variables_read_by_the_code()
    assert {"SECRET_KEY", "REDIS_URL", "EMAIL_URL", "MEDIA_S3_BUCKET", "GUNICORN_WORKERS"} <= names
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = EXAMPLE_ENV.read_text(encoding="utf-8")
    undocumented = sorted(n for n in names if f"`{n}`" not in documented)
    missing = sorted(n for n in names if not re.search(rf"^#?{n}=", example, re.M))
    assert undocumented == [], "add them to docs/configuration.md"
    assert missing == [], "add them to deploy/ocop.env"
