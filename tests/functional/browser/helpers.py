"""Steps shared by the browser journeys."""

from __future__ import annotations

import io
import re
import time

from django.conf import settings
from PIL import Image

# What Oscar's dashboard asks for from a CDN (jQuery, with a local fallback it then uses):
# aborted like every outside request, but not a failure of these tests.
KNOWN_OUTSIDE: tuple[str, ...] = ()  # nothing: every page is served from this site
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def sign_in(page, email: str, password: str | None = None):
    page.goto("/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password or settings.DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"


def header_search(page, text: str):
    box = page.locator("header input[name=q], input[name=q]").first
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))


def png(colour: str, size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` (reads the database) until it is truthy."""
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OperationalError:
            value = None  # in-memory SQLite: the server thread holds the shared connection
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:.0f}s")


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core (bundled with axe-playwright-python, injected into the page) on the page as
    it is: the serious and critical violations, one line per failing element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in impacts:
            for node in violation["nodes"]:
                found.append(
                    f"{violation['id']} ({violation['impact']}): {node['target']} "
                    f"{node['html'][:160]} — {node.get('failureSummary', '')[:200]}"
                )
    return found
