"""gunicorn for Chợ OCOP: `gunicorn -c deploy/gunicorn.conf.py` from the project folder.

Every value can be changed by an environment variable (docs/configuration.md), so the same
file serves one small server and a fleet behind a load balancer. Logs go to stdout as one
JSON object per line (marketplace.core.logging), like the application's.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "marketplace.wsgi:application"  # production settings unless told otherwise

# Where nginx reaches us: a unix socket on one machine (deploy/systemd/ocop-web.socket passes
# it in, so restarts drop no connection), or host:port behind a load balancer.
bind = [
    b.strip() for b in os.environ.get("GUNICORN_BIND", "unix:/run/ocop/gunicorn.sock").split(",")
]

# Sync workers: each request has a process; the pages are CPU and database work, not long
# waits. 2 × cores + 1 is gunicorn's advice; lower it where memory is short (~150 MB each).
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)  # >1 switches to the gthread worker
timeout = _int("GUNICORN_TIMEOUT", 30)  # a request longer than this is killed and logged
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 5  # behind nginx or a load balancer, which keep their own connections
# A fresh worker now and then caps slow memory growth (Pillow, big querysets); the load
# benchmark saw +2 MB per worker over its mixed phase, so "now and then" is rare.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm"  # the heartbeat file: never on a slow or full disk
control_socket_disable = True  # gunicorn ≥ 25's control socket: not used, needs a home folder

# Believe X-Forwarded-Proto only from these (the same variable makes Django believe their
# X-Forwarded-For: marketplace.core.proxy). A unix-socket peer is always trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
limit_request_fields = 100

# Logs: gunicorn's own and its access log (method, path, status, duration_ms, request_id,
# client) on stdout, one JSON object per line; GUNICORN_ACCESS_LOG=0 leaves the access log
# to nginx. The application's logs are configured by Django (LOGGING, production settings).
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
_access = os.environ.get("GUNICORN_ACCESS_LOG", "1").lower() not in ("0", "false", "no", "off")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "marketplace.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if os.environ.get("LOG_FORMAT", "json") == "json" else "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": loglevel.upper()},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {
            "handlers": ["stdout"] if _access else [],
            "level": "INFO" if _access else "CRITICAL",
            "propagate": False,
        },
    },
}
