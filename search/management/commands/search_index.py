"""python manage.py search_index --rebuild [--no-progress]

Builds a fresh product index and swaps the alias onto it atomically (search keeps
answering from the old index meanwhile). Without --rebuild: shows the index state.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.engine import SearchUnavailable, get_client, index_alias
from search.indexing import REBUILD_BATCH_SIZE, indices_behind, rebuild_index, search_server_ensure


class Command(BaseCommand):
    help = "Rebuild the product search index (atomic alias swap), or show its state."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Build a new index and swap the alias onto it."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (logs, CI)."
        )
        parser.add_argument("--batch-size", type=int, default=None,
                            help="products per bulk request (default 2000)")

    def handle(self, *args, rebuild=False, no_progress=False, batch_size=None, **options):
        quiet = options.get("verbosity", 1) == 0
        batch_size = batch_size or REBUILD_BATCH_SIZE

        alias = index_alias()
        try:
            # Without a configured server, the embedded one (empty): built below or not at all.
            search_server_ensure(build_index=False)
            if not rebuild:
                client = get_client()
                behind = indices_behind(alias)
                count = client.count(index=alias)["count"] if behind else 0
                if not quiet:
                    self.stdout.write(f"{alias} → {', '.join(behind) or '(no index)'}: {count} products")
                return
            bar = tqdm(
                total=0, unit="product", desc=f"search index {alias}",
                disable=no_progress or quiet, file=self.stderr._out,
            )

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                count = rebuild_index(progress=progress, batch_size=batch_size)
            finally:
                bar.close()
        except SearchUnavailable as exc:
            raise CommandError(f"search server unavailable: {exc}") from exc
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"{alias} → {', '.join(indices_behind(alias))}: {count} products"))
