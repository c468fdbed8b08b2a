"""Payment fork: Oscar's sources and transactions, plus the Stripe events we processed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StripeEvent(models.Model):
    """A Stripe webhook event applied once: its id is unique, inserted in the same
    transaction as the changes it causes, so a replay finds it and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=64)
    payment_intent = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Sự kiện Stripe")
        verbose_name_plural = _("Sự kiện Stripe")

    def __str__(self):
        return f"{self.type} {self.event_id}"


from oscar.apps.payment.models import *  # noqa: F403,E402
