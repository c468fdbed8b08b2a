"""Payment fork: COD, VietQR and Stripe sources arrive with the checkout issue."""

from oscar.apps.payment.models import *  # noqa: F403,E402
