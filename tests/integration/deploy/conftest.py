"""Real servers for the deployment tests: redis-server and moto's S3 server, on free ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.factories import make_product, make_shop, make_user

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class RedisServer:
    """A redis-server of our own: started, stopped (optionally saving its data) and restarted."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.workdir),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def stop(self, *, save: bool = False) -> None:
        """Stop it; `save` keeps its data on disk, as a Redis with persistence would."""
        if self.process is None:
            return
        if save:
            self.client().shutdown(save=True)
        else:
            self.process.terminate()
        self.process.wait(20)
        self.process = None

    def keys(self, pattern: str = "*") -> list[str]:
        return sorted(key.decode() for key in self.client().keys(pattern))


@pytest.fixture
def redis_server(tmp_path):
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


# --- a small real site: the home page, one approved shop with one product, one buyer ---------

BUYER_EMAIL = "buyer@example.vn"
BUYER_PASSWORD = "mat-khau-du-dai-2026"


def jpeg_bytes(color=(200, 120, 30), size=(64, 48)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def small_site(db, settings, search_server, tmp_path):
    """What the pages need, made through the project's own services; the index rebuilt."""
    from marketplace.demo.services import LoadResult, ensure_home_page
    from search.engine import reset_client
    from search.indexing import rebuild_index

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELASTICSEARCH_URL = search_server.url
    reset_client()
    ensure_home_page(LoadResult())
    owner = make_user("owner@example.vn", password="x")
    buyer = make_user(BUYER_EMAIL, password=BUYER_PASSWORD)
    shop = make_shop("htx-mat-ong", name="HTX Mật ong U Minh", owner=owner)
    product = make_product(
        shop, "Mật ong rừng U Minh Hạ", via_service=True, owner=owner, price=250_000, stock=12
    )
    rebuild_index()
    yield {"shop": shop, "product": product, "buyer": buyer, "owner": owner}
    reset_client()


# --- an S3-compatible server: moto's, in its own process ---------------------------------


class S3Server:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.endpoint = f"http://127.0.0.1:{port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="ocop-test",
            aws_secret_access_key="ocop-test-secret",
        )


@pytest.fixture(scope="session")
def s3_server():
    import sys

    pytest.importorskip("moto.server", reason="moto[s3] with flask is a dev dependency")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, seconds=60)
        yield S3Server(process, port)
    finally:
        process.terminate()
        process.wait(20)
