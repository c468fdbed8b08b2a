"""Browser tests: Playwright driving Debian's Chromium against a live server.

- One Chromium for the whole session (`browser`); each test gets its own context (cookies,
  viewport) and page. Chromium is never downloaded: it is the Debian package at
  /usr/bin/chromium (`make test` and .ci/run install it with apt when missing); when it is
  missing all the same, the tests marked `browser` are skipped with the reason.
- The page may only reach loopback: every other request is aborted (`page.route`), so no
  test depends on the internet. The live server does not serve media (DEBUG is off); the
  route serves /media/ from MEDIA_ROOT so that product photos show in the screenshots.
- Data: pytest-django's `live_server` makes each test transactional (committed rows, so the
  server thread sees them — also on PostgreSQL, where a rolled-back outer transaction like
  `demo_catalogue`'s would be invisible to the server's own connection). `demo_site` loads
  the demo and rebuilds the search index in each test; the test flushes the database after
  it and `serialized_rollback` restores what the migrations created (Wagtail's root page,
  collections, …) before the next one, whatever ran before it in the session.
- Every JavaScript error and every Content-Security-Policy violation Chromium reports on the
  console fails the test (`browsing` fixture).
- A screenshot per journey step goes to tests/functional/artifacts/<test>/ (git-ignored,
  kept by CI as an artifact).
"""

from __future__ import annotations

import mimetypes
import os
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.functional.browser.helpers import KNOWN_OUTSIDE, PHONE

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Playwright's sync API keeps an asyncio loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe (Playwright's documented Django recipe).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's `chromium` package "
            "(`make test` and .ci/run do it with apt) or set CHROMIUM_PATH"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts_root():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def media_root(settings, tmp_path):
    """A fresh MEDIA_ROOT for the test (settings are process-wide: the server thread uses it)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def demo_site(live_server, search_server, media_root, django_db_serialized_rollback):
    """The demo marketplace, committed, indexed on the real search server, served live."""
    from django.core.management import call_command

    call_command("load_demo", quiet=True)
    call_command("search_index", rebuild=True, verbosity=0)
    return live_server


class Browsing:
    """A page in its own context, with loopback-only networking and numbered screenshots."""

    def __init__(self, browser, base_url: str, media_root: Path, folder: Path):
        self.base_url = base_url
        self.media_root = media_root
        self.folder = folder
        self.step = 0
        self.errors: list[str] = []
        self.csp_violations: list[str] = []
        self.blocked: list[str] = []
        self.context = None
        self.page = None
        self._browser = browser

    def open(self, viewport=PHONE, **options):
        """(Re)start the browsing context: new cookies, given viewport."""
        if self.context is not None:
            self.context.close()
        self.context = self._browser.new_context(
            viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
            base_url=self.base_url, **options,
        )
        self.context.set_default_timeout(15_000)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        return self.page

    def _console(self, message):
        # Chromium reports every Content-Security-Policy refusal on the console ("Refused to
        # execute inline script because it violates the following Content Security Policy
        # directive…"): each one is a broken feature under the policy (docs/decisions/0011).
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text[:300]}")

    def _route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob", "about"):
            return route.continue_()
        if url.hostname not in LOOPBACK:
            self.blocked.append(route.request.url)
            return route.abort("blockedbyclient")
        if url.path.startswith("/media/") and url.netloc == urlsplit(self.base_url).netloc:
            path = (self.media_root / unquote(url.path[len("/media/"):])).resolve()
            if self.media_root.resolve() in path.parents and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return route.fulfill(path=str(path), content_type=kind)
            return route.fulfill(status=404, body="")
        return route.continue_()

    def shot(self, name: str):
        """Screenshot of the whole page as the step's artifact."""
        self.step += 1
        folded = unicodedata.normalize("NFKD", name.lower().replace("đ", "d"))
        slug = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{slug}.png"), full_page=True)

    def close(self):
        if self.context is not None:
            self.context.close()


@pytest.fixture
def browsing(browser, demo_site, media_root, artifacts_root, request):
    folder = artifacts_root / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    session = Browsing(browser, demo_site.url, media_root, folder)
    session.open()
    yield session
    session.close()
    outside = [url for url in session.blocked if not url.startswith(KNOWN_OUTSIDE)]
    assert not outside, f"the pages asked for outside resources: {outside}"
    assert not session.errors, f"JavaScript errors on the pages: {session.errors}"
    assert not session.csp_violations, f"Content-Security-Policy violations: {session.csp_violations}"


@pytest.fixture
def stripe_webhooks(stripe_server, demo_site):
    """localstripe posts its signed events to the live server's webhook view."""
    from django.core.signals import request_finished, request_started
    from django.urls import reverse

    from marketplace import embedded
    from tests.integration.payment.conftest import Webhooks, _InFlight

    in_flight = _InFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    url = demo_site.url + reverse("stripe-webhook")
    embedded.register_stripe_webhook(url, webhook_id="browser")
    yield Webhooks(url, in_flight)
    # localstripe has no unregister: subscribe the hook to no real event type.
    embedded.register_stripe_webhook(url, webhook_id="browser", events=["none.disabled"])
    request_started.disconnect(in_flight.started)
    request_finished.disconnect(in_flight.finished)
