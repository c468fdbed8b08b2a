"""The seam for an e-identification provider (VNeID through the national e-identification
and authentication service, Decree 69/2024/NĐ-CP). None is connected: the setting
SELLER_IDENTITY_PROVIDER is empty and programme staff check documents instead.

A provider is a subclass of `IdentityProvider` named by its dotted path in the setting. The
flow is the redirect-and-callback of an OAuth-style sign-in with a level-2 VNeID account:

1. `start(representative=…, callback_url=…)` → `Started(redirect_url, transaction_id)`: the
   seller's browser goes to the provider, which asks the person to consent;
2. the provider sends the browser back to `callback_url` with its parameters;
3. `complete(representative=…, params=…)` → `Verified(transaction_id, full_name, birth_date,
   personal_id)`: what the provider vouches for, compared with the record by
   shops.identity.services.representative_verify_by_provider. Nothing else is kept: no
   photo, no address, only the transaction id as evidence.

What a real integration needs is in docs/decisions/0033-seller-identity.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from marketplace.core.errors import Refused


class IdentityProviderError(Refused):
    """The provider refused or could not answer (the person cancelled, a bad callback)."""


@dataclass(frozen=True)
class Started:
    redirect_url: str
    transaction_id: str


@dataclass(frozen=True)
class Verified:
    transaction_id: str
    full_name: str
    birth_date: datetime.date
    personal_id: str


class IdentityProvider:
    """What the seller workspace calls; a real provider overrides both methods."""

    #: The name shown on the button ("Xác thực qua VNeID").
    label = "VNeID"

    def start(self, *, representative, callback_url: str) -> Started:
        raise NotImplementedError

    def complete(self, *, representative, params: dict) -> Verified:
        raise NotImplementedError


def identity_provider() -> IdentityProvider | None:
    """The provider the setting names, or None when none is connected."""
    path = getattr(settings, "SELLER_IDENTITY_PROVIDER", "") or ""
    if not path:
        return None
    try:
        provider_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SELLER_IDENTITY_PROVIDER: cannot import {path!r}") from exc
    if not (isinstance(provider_class, type) and issubclass(provider_class, IdentityProvider)):
        raise ImproperlyConfigured(f"SELLER_IDENTITY_PROVIDER: {path!r} is not an IdentityProvider")
    return provider_class()
