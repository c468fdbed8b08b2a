"""Run localstripe on 127.0.0.1 only (its own CLI binds every interface).

Exits when its parent process goes away or closes our stdin, so an interrupted
`make run` or test session never leaves an emulator behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time


def _watch_parent(parent_pid: int) -> None:
    def stdin_closed():
        try:
            sys.stdin.read()
        except (OSError, ValueError):
            pass
        os._exit(0)

    def parent_gone():
        while True:
            try:
                os.kill(parent_pid, 0)
            except OSError:
                os._exit(0)
            time.sleep(1)

    threading.Thread(target=stdin_closed, daemon=True).start()
    if parent_pid:
        threading.Thread(target=parent_gone, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parent-pid", type=int, default=0)
    args = parser.parse_args()
    _watch_parent(args.parent_pid)

    from aiohttp import web
    from localstripe.server import app

    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
