"""Embedded stand-ins for production services, started by the project itself.

When ELASTICSEARCH_URL is unset the project runs `osmem-server` (an in-memory,
OpenSearch-compatible server from PyPI); when the Stripe keys are unset it runs
`localstripe` (a stateful Stripe emulator from PyPI). Both are real HTTP servers
on loopback ports, owned by the process that started them and stopped with it.

`start_search()` / `start_stripe()` start one; `ensure_search()` starts the
search server once per process when nothing is configured, so that a bare
`manage.py runserver` or `manage.py load_demo` works too.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

logger = logging.getLogger(__name__)

LOCAL_STRIPE_SECRET_KEY = "sk_test_embedded_localstripe"
LOCAL_STRIPE_PUBLISHABLE_KEY = "pk_test_embedded_localstripe"
LOCAL_STRIPE_WEBHOOK_SECRET = "whsec_embedded_localstripe"


@dataclass
class EmbeddedServer:
    name: str
    url: str
    process: subprocess.Popen

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 5.0) -> None:
        if self.process.poll() is not None:
            return
        try:
            if self.process.stdin:
                self.process.stdin.close()
        except OSError:
            pass
        self.process.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers: that is all we wait for
        except OSError as exc:
            last_error = exc
            time.sleep(0.1)
    raise RuntimeError(f"{url}: not answering after {timeout:.0f}s ({last_error})")


def start_search(timeout: float = 30.0) -> EmbeddedServer:
    """Start osmem-server on a free loopback port; it exits when this process does."""
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False, addr="127.0.0.1:0", startup_timeout=timeout)
    logger.info("embedded search server (osmem-server %s) on %s", server.version, server.url)
    return EmbeddedServer("search", server.url.rstrip("/"), server.process)


def start_stripe(timeout: float = 30.0) -> EmbeddedServer:
    """Start localstripe on a free loopback port, bound to 127.0.0.1 only."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "marketplace.embedded.localstripe_main", "--port", str(port),
         "--parent-pid", str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_http(f"{url}/js.stripe.com/v3/", timeout, process)
    logger.info("embedded Stripe emulator (localstripe) on %s", url)
    return EmbeddedServer("stripe", url, process)


def stripe_environment(server: EmbeddedServer) -> dict[str, str]:
    """The environment that points the Stripe client at the emulator."""
    return {
        "STRIPE_API_BASE": server.url,
        "STRIPE_SECRET_KEY": LOCAL_STRIPE_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": LOCAL_STRIPE_PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": LOCAL_STRIPE_WEBHOOK_SECRET,
    }


def register_stripe_webhook(url: str, *, events: list[str] | None = None,
                            webhook_id: str = "marketplace") -> None:
    """Ask the embedded localstripe to POST its signed events to `url`.

    Signed with STRIPE_WEBHOOK_SECRET, as Stripe does. `events` limits the event types
    (None: every event). Real Stripe is configured in its dashboard instead.
    """
    from django.conf import settings

    fields: list[tuple[str, str]] = [("url", url), ("secret", settings.STRIPE_WEBHOOK_SECRET)]
    fields += [("events[]", name) for name in events or []]
    request = urllib.request.Request(
        f"{settings.STRIPE_API_BASE}/_config/webhooks/{webhook_id}",
        data=urllib.parse.urlencode(fields).encode(), method="POST",
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


_lock = threading.Lock()
_process_search: EmbeddedServer | None = None


def ensure_search() -> str:
    """URL of the search server: ELASTICSEARCH_URL, or an embedded one started once.

    A freshly started embedded server is empty: the caller
    (search.indexing.search_server_ensure) builds the index right after.
    """
    from django.conf import settings

    if settings.ELASTICSEARCH_URL:
        return settings.ELASTICSEARCH_URL
    global _process_search
    with _lock:
        if _process_search is None or not _process_search.running:
            _process_search = start_search()
            atexit.register(_process_search.stop)
            settings.ELASTICSEARCH_URL = _process_search.url
            os.environ["ELASTICSEARCH_URL"] = _process_search.url
        return _process_search.url


_process_stripe: EmbeddedServer | None = None


def ensure_stripe() -> str:
    """Stripe API base URL: Stripe itself when keys are configured, else an emulator started once."""
    from django.conf import settings

    if settings.STRIPE_SECRET_KEY:
        return settings.STRIPE_API_BASE or "https://api.stripe.com"
    global _process_stripe
    with _lock:
        if _process_stripe is None or not _process_stripe.running:
            _process_stripe = start_stripe()
            atexit.register(_process_stripe.stop)
            for name, value in stripe_environment(_process_stripe).items():
                setattr(settings, name, value)
                os.environ[name] = value
        return _process_stripe.url
