"""Run localstripe on 127.0.0.1 only (its own CLI binds every interface).

Exits when its parent process goes away or closes our stdin, so an interrupted
`make run` or test session never leaves an emulator behind.

Two gaps between localstripe 1.15 and Stripe are closed here (docs/decisions/
0026-card-payment-failures.md), both about a declined card:
- Stripe lets a PaymentIntent whose card was declined (`requires_payment_method`) take
  another card and be confirmed again; localstripe keeps the failed charge as the intent's
  latest one, so its status stays `requires_payment_method` and a second confirm is refused.
  Giving the intent a new payment method forgets the failed charge, as Stripe does.
- Stripe's generic-decline test card 4000000000000002 is declined when charged; localstripe
  declines it only when it is attached to a customer.
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


def _close_gaps_with_stripe() -> None:
    from localstripe import resources

    update = resources.PaymentIntent._update

    def _update(self, **data):
        retry = (
            "payment_method" in data and self.latest_charge is not None
            and self.latest_charge.status == "failed" and not self._canceled
        )
        update(self, **data)
        if retry:
            self.latest_charge = None

    resources.PaymentIntent._update = _update

    charging_is_declined = resources.PaymentMethod._charging_is_declined

    def _charging_is_declined(self):
        if self.type == "card" and self._card_number == "4000000000000002":
            return True
        return charging_is_declined(self)

    resources.PaymentMethod._charging_is_declined = _charging_is_declined


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parent-pid", type=int, default=0)
    args = parser.parse_args()
    _watch_parent(args.parent_pid)

    from aiohttp import web
    from localstripe.server import app

    _close_gaps_with_stripe()

    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
