"""deploy/ as an operator installs it: systemd units that systemd accepts, nginx sites that nginx
accepts, and the single-server chain really running — nginx (TLS) → gunicorn on a unix socket
(deploy/gunicorn.conf.py) → Django with the production settings of deploy/ocop.env.

Paths, ports and the certificate are moved into a temporary folder; nothing else changes.
Skipped with a reason where systemd-analyze, nginx or openssl are missing (Debian packages
systemd, nginx-core, openssl).
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import free_port, jpeg_bytes, wait_for_port
from .test_settings import deployed_env

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
HOST = "ocop.example.vn"


def needs(tool: str) -> str:
    found = shutil.which(tool) or (
        f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None
    )
    if not found:
        pytest.skip(f"{tool} is not installed")
    return found


# --- systemd -------------------------------------------------------------------------------


def test_systemd_accepts_every_unit(tmp_path):
    analyze = needs("systemd-analyze")
    units = tmp_path / "units"
    units.mkdir()
    for unit in (DEPLOY / "systemd").iterdir():
        shutil.copy(unit, units / unit.name)
    # Templates are checked as the instances the docs enable.
    instances = {
        "ocop-worker@.service": ["ocop-worker@1.service"],
        "ocop-manage@.service": [
            "ocop-manage@purchases_expire.service",
            "ocop-manage@orders_release_unconfirmed.service",
            "ocop-manage@clearsessions.service",
            "ocop-manage@complaints_escalate.service",
            "ocop-manage@ledger_release.service",
            "ocop-manage@shops_purge_application_documents.service",
            "ocop-manage@identity_reminders.service",
        ],
        "ocop-manage@.timer": ["ocop-manage@clearsessions.timer",
                               "ocop-manage@shops_purge_application_documents.timer"],
        "ocop-manage-hourly@.timer": [
            "ocop-manage-hourly@orders_mark_delivered.timer",
            "ocop-manage-hourly@orders_release_unconfirmed.timer",
            "ocop-manage-hourly@complaints_escalate.timer",
            "ocop-manage-hourly@ledger_release.timer",
        ],
    }
    names = []
    for unit in sorted(units.iterdir()):
        for name in instances.get(unit.name, [unit.name]):
            if name != unit.name:
                shutil.copy(unit, units / name)
            names.append(str(units / name))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names], capture_output=True, text=True, timeout=120
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # The application is not installed under /srv/ocop on this machine.
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert complaints == []


# --- nginx ----------------------------------------------------------------------------------


class Layout:
    """A temporary /srv/ocop, /run/ocop, /etc/letsencrypt and /var/log/nginx."""

    def __init__(self, base: Path):
        self.base = base
        self.srv = base / "srv"
        self.static = self.srv / "static"
        self.media = self.srv / "media"
        self.logs = base / "logs"
        self.certs = base / "certs"
        self.socket = base / "gunicorn.sock"
        self.http_port, self.https_port, self.lb_port = free_port(), free_port(), free_port()
        for folder in (self.static, self.media, self.logs, self.certs, base / "tmp", base / "acme"):
            folder.mkdir(parents=True, exist_ok=True)

    def site(self, name: str) -> str:
        text = (DEPLOY / "nginx" / name).read_text(encoding="utf-8")
        for old, new in [
            ("listen [::]:80;", ""),
            ("listen [::]:443 ssl http2;", ""),
            ("listen [::]:8080 default_server;", ""),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("listen 8080 default_server;", f"listen 127.0.0.1:{self.lb_port} default_server;"),
            ("/etc/letsencrypt/live/ocop.example.vn/", f"{self.certs}/"),
            ("/var/log/nginx/", f"{self.logs}/"),
            ("/var/www/letsencrypt", str(self.base / "acme")),
            ("unix:/run/ocop/gunicorn.sock", f"unix:{self.socket}"),
            ("root /srv/ocop;", f"root {self.srv};"),
        ]:
            text = text.replace(old, new)
        return text

    def main_conf(self, site: str) -> Path:
        tmp = self.base / "tmp"
        (self.base / "site.conf").write_text(site, encoding="utf-8")
        conf = self.base / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the temp folder
        conf.write_text(
            f"""{user}worker_processes 1;
daemon off;
pid {self.base}/nginx.pid;
error_log {self.logs}/main.error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {self.base}/site.conf;
}}
""",
            encoding="utf-8",
        )
        return conf

    def certificate(self) -> None:
        openssl = needs("openssl")
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                str(self.certs / "privkey.pem"),
                "-out",
                str(self.certs / "fullchain.pem"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def layout(tmp_path):
    needs("nginx")
    layout = Layout(tmp_path)
    layout.certificate()
    return layout


@pytest.mark.parametrize("site", ["ocop.conf", "ocop-behind-lb.conf"])
def test_nginx_accepts_the_sites(layout, site):
    conf = layout.main_conf(layout.site(site))
    result = subprocess.run(
        [needs("nginx"), "-t", "-c", str(conf)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


# --- the chain, running -----------------------------------------------------------------------


@pytest.fixture
def running_stack(layout):
    """nginx in front of gunicorn with the production settings, both ours to stop."""
    env = deployed_env(
        GUNICORN_BIND=f"unix:{layout.socket}",
        GUNICORN_WORKERS="1",
        STATIC_ROOT=str(layout.static),
        MEDIA_ROOT=str(layout.media),
        VAR_DIR=str(layout.base),
    )
    gunicorn_log = layout.logs / "gunicorn.log"
    with gunicorn_log.open("w") as out:
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    nginx = subprocess.Popen(
        [needs("nginx"), "-c", str(layout.main_conf(layout.site("ocop.conf")))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(layout.https_port, nginx)
        deadline = time.monotonic() + 60
        while not layout.socket.exists():
            assert gunicorn.poll() is None, gunicorn_log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not open its socket"
            time.sleep(0.1)
        yield layout, gunicorn_log
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def request(layout, method: str, path: str, *, tls: bool = True, headers=None, body=None):
    if tls:
        context = ssl.create_default_context(cafile=str(layout.certs / "fullchain.pem"))
        context.check_hostname = False  # the certificate names ocop.example.vn, we dial 127.0.0.1
        connection = http.client.HTTPSConnection(
            "127.0.0.1", layout.https_port, context=context, timeout=60
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", layout.http_port, timeout=60)
    connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def json_lines(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_single_server_chain(running_stack):
    layout, gunicorn_log = running_stack

    # The application answers through nginx, with nginx's request id, the client's address.
    response, body = request(
        layout, "GET", "/health/live", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert response.status == 200 and json.loads(body) == {"status": "ok"}
    request_id = response.getheader("X-Request-ID")
    assert request_id and len(request_id) == 32
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")

    # Plain HTTP is sent to HTTPS by nginx.
    response, _ = request(layout, "GET", "/catalogue/?x=1", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/catalogue/?x=1"

    # Static files: hashed names cached for a year, pre-compressed copies used.
    css = b"body{color:#222}" * 200
    (layout.static / "css").mkdir()
    (layout.static / "css" / "site.0123456789ab.css").write_bytes(css)
    (layout.static / "css" / "site.0123456789ab.css.gz").write_bytes(gzip.compress(css))
    (layout.static / "css" / "site.css").write_bytes(css)
    response, data = request(
        layout, "GET", "/static/css/site.0123456789ab.css", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(data) == css
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    response, _ = request(layout, "GET", "/static/css/site.css")
    assert response.status == 200 and response.getheader("Cache-Control") == "public, max-age=60"

    # Media: pictures, typed by extension and never sniffed; private papers and other types, never.
    for name in ("images/products/2026/01/ab12.jpg", "ocop/certificates/2026/scan.jpg"):
        (layout.media / name).parent.mkdir(parents=True, exist_ok=True)
        (layout.media / name).write_bytes(jpeg_bytes())
    (layout.media / "images" / "evil.html").write_text("<script>alert(1)</script>")
    response, data = request(layout, "GET", "/media/images/products/2026/01/ab12.jpg")
    assert response.status == 200 and data[:2] == b"\xff\xd8"
    assert response.getheader("Content-Type") == "image/jpeg"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert request(layout, "GET", "/media/ocop/certificates/2026/scan.jpg")[0].status == 404
    assert request(layout, "GET", "/media/images/evil.html")[0].status == 404

    # An upload over the limit is refused by nginx before the application reads it.
    response, _ = request(
        layout, "POST", "/seller/", headers={"Content-Length": str(71 * 1024 * 1024)}, body=b""
    )
    assert response.status == 413

    # Logs: nginx and gunicorn write JSON lines that share the request id.
    (nginx_line,) = [
        line
        for line in json_lines(layout.logs / "ocop.access.log")
        if line["request_id"] == request_id
    ]
    assert nginx_line["uri"] == "/health/live" and nginx_line["status"] == 200
    app_lines = json_lines(gunicorn_log)  # every line gunicorn and Django wrote is JSON
    (access,) = [
        line
        for line in app_lines
        if line["logger"] == "gunicorn.access" and line.get("request_id") == request_id
    ]
    assert access["path"] == "/health/live" and access["status"] == 200
    assert access["client"] == "203.0.113.9"  # REMOTE_ADDR, rebuilt from X-Forwarded-For
