"""Checkout's own table: how many COD purchases each phone number placed on each day.

Oscar's checkout app has no models; this one backs the per-phone daily limit of cash on
delivery (marketplace/checkout/limits.py, docs/decisions/0019-cod-limits.md). The row of a
(phone, day) is both the count and the lock: a placement takes its slot by a conditional
UPDATE inside the placing transaction, so two purchases at once with one phone are counted
one after the other, and a purchase that rolls back gives its slot back.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodPhoneDay(models.Model):
    """COD purchases placed with one recipient phone number (E.164) on one local day."""

    phone = models.CharField(_("Số điện thoại"), max_length=16)
    day = models.DateField(_("Ngày"))
    purchases = models.PositiveIntegerField(_("Số đơn COD"), default=0)

    class Meta:
        verbose_name = _("Số đơn COD theo số điện thoại trong ngày")
        verbose_name_plural = _("Số đơn COD theo số điện thoại trong ngày")
        constraints = [
            models.UniqueConstraint(fields=["phone", "day"], name="one_cod_count_per_phone_day"),
        ]

    def __str__(self):
        return f"{self.phone} {self.day}: {self.purchases}"
