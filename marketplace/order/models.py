"""Order fork: per-shop orders arrive with the checkout issue; Oscar's models for now."""

from oscar.apps.order.models import *  # noqa: F403,E402
