"""`make run`: everything a newcomer needs, in the foreground, stopped together.

Starts the embedded search server (search.indexing.search_server_ensure, stopped when
this process exits) and Stripe emulator unless real ones are configured, migrates, loads
the demo catalogue into an empty database, builds the search index, then serves on
127.0.0.1:PORT until interrupted. The web server gets their URLs in its environment, so
it starts neither.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, call_command

from marketplace import embedded
from search.indexing import search_server_ensure
from shops.models import Partner


class Command(BaseCommand):
    help = "Start the embedded services, prepare the database and serve the marketplace."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
        parser.add_argument("--no-reload", action="store_true", help="Disable auto-reload.")

    def handle(self, *args, port: int, host: str, no_reload: bool, **options):
        started: list[embedded.EmbeddedServer] = []
        child_env = dict(os.environ)
        try:
            if not settings.ELASTICSEARCH_URL:
                # Its index is built below, once the demo catalogue is in the database.
                search_server_ensure(build_index=False)
                child_env["ELASTICSEARCH_URL"] = settings.ELASTICSEARCH_URL
                self.stdout.write(f"Máy chủ tìm kiếm nhúng (osmem-server): {settings.ELASTICSEARCH_URL}")
            if not settings.STRIPE_SECRET_KEY:
                stripe = embedded.start_stripe()
                started.append(stripe)
                for name, value in embedded.stripe_environment(stripe).items():
                    setattr(settings, name, value)
                    child_env[name] = value
                self.stdout.write(f"Trình giả lập Stripe nhúng (localstripe): {stripe.url}")
                embedded.register_stripe_webhook(f"http://127.0.0.1:{port}/payments/stripe/webhook/")

            call_command("migrate", interactive=False, verbosity=0)
            self._load_demo_if_empty()
            call_command("search_index", rebuild=True)

            url = f"http://{host}:{port}/"
            self.stdout.write(self.style.SUCCESS(f"Chợ OCOP đang chạy tại {url}  (Ctrl+C để dừng)"))
            self._serve(host, port, no_reload, child_env)
        finally:
            for server in started:
                server.stop()

    def _load_demo_if_empty(self) -> None:
        if Partner.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: bỏ qua dữ liệu mẫu.")
            return
        call_command("load_demo")

    def _serve(self, host: str, port: int, no_reload: bool, env: dict[str, str]) -> None:
        command = [sys.executable, "manage.py", "runserver", f"{host}:{port}"]
        if no_reload:
            command.append("--noreload")
        child = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)

        def forward(signum, _frame):
            child.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        try:
            child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
