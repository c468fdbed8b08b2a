"""Registration by e-mail confirmation, answering the same for new and known addresses.

Oscar creates the account and signs the visitor in at once, and says "a user with that email
address already exists" otherwise: anyone could list who shops here. Instead the request only
hashes the password and enqueues `registration_mail`; the task, per address:

- no account: creates it inactive (unconfirmed) and mails a confirmation link;
- an unconfirmed account (inactive, never signed in): mails the link again;
- any other account: mails "someone used this address to register; if it was you, sign in or
  reset your password".

The link (`/accounts/confirm/<uid>/<token>/?next=…`) activates the account with a conditional
UPDATE and signs the person in, then goes on to `next` (checkout, an invitation). Each address
gets at most settings.REGISTRATION_MAILS_PER_ADDRESS such mails; over it the page is the same
and no mail goes. docs/decisions/0030-shop-invitations-and-account-enumeration.md.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy
from django_tasks import task
from oscar.core.loading import get_class

from marketplace.core.audit import audit_record
from marketplace.core.mail import mail_send, site_url
from marketplace.core.ratelimit import hit

logger = logging.getLogger(__name__)

generate_username = get_class("customer.forms", "generate_username")


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-use: the hash covers `is_active`, so a confirmed account's link stops working.
    Valid for PASSWORD_RESET_TIMEOUT (Django's default, 3 days), like a reset link."""

    key_salt = "marketplace.core.registration.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.last_login}{timestamp}{user.email}"


confirmation_tokens = ConfirmationTokenGenerator()


def is_unconfirmed(user) -> bool:
    """Registered here but never confirmed: inactive and never signed in."""
    return not user.is_active and user.last_login is None


def registration_request(*, email: str, password: str, next_url: str = "") -> None:
    """Take a registration; the caller answers "check your inbox" whatever the address.

    The password is hashed here for every address (the same work either way) so the task's
    arguments never hold it in clear.
    """
    registration_mail.enqueue(email.strip(), make_password(password), next_url or "")


@task()
def registration_mail(email: str, password_hash: str, next_url: str) -> bool:
    """Create or find the account of `email` and mail it; True when a mail went out."""
    if not hit("register_email", email.casefold(), settings.REGISTRATION_MAILS_PER_ADDRESS).allowed:
        logger.info("Registration mail skipped: the address is over its limit")
        return False
    User = get_user_model()
    user = User._default_manager.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User(email=email, password=password_hash, is_active=False)
        if "username" in [field.name for field in User._meta.fields]:
            user.username = generate_username()
        user.save()
    elif not is_unconfirmed(user):
        return mail_send(
            recipients=[user.email],
            subject=gettext_lazy("Có người vừa đăng ký bằng địa chỉ e-mail của bạn"),
            template="accounts/emails/already_registered.txt",
            context=_context(
                login_url=site_url(reverse("customer:login")),
                reset_url=site_url(reverse("password-reset")),
            ),
        )
    return mail_send(
        recipients=[user.email],
        subject=gettext_lazy("Kích hoạt tài khoản của bạn"),
        template="accounts/emails/confirm.txt",
        context=_context(confirm_url=site_url(confirmation_path(user, next_url))),
    )


def _context(**values) -> dict:
    return {"marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""), **values}


def confirmation_path(user, next_url: str = "") -> str:
    path = reverse("account-confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": confirmation_tokens.make_token(user),
    })
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def unconfirmed_user_for(*, uidb64: str, token: str):
    """The unconfirmed account the link names, when its token is good; else None."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model()._default_manager.get(pk=pk)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, get_user_model().DoesNotExist):
        return None
    if not is_unconfirmed(user) or not confirmation_tokens.check_token(user, token):
        return None
    return user


def registration_confirm(*, user) -> bool:
    """Activate an unconfirmed account once (a conditional UPDATE); False when it already was."""
    activated = get_user_model()._default_manager.filter(
        pk=user.pk, is_active=False, last_login__isnull=True
    ).update(is_active=True)
    if activated:
        user.is_active = True
        audit_record(action="account.confirmed", actor=user, target=user, data={"email": user.email})
    return bool(activated)
