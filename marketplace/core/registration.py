"""Registration by e-mail confirmation, answering the same for new and known addresses, and
the profile's e-mail change, applied only once the new address confirms.

Oscar creates the account and signs the visitor in at once, and says "a user with that email
address already exists" otherwise: anyone could list who shops here. Instead the request only
hashes the password and enqueues `registration_mail`; the task, per address:

- no account: stores a `PendingRegistration` (this attempt's password hash, the SHA-256 of a
  random token) and mails the link carrying the token;
- any account (active, or inactive for whatever reason): mails "someone used this address to
  register; if it was you, sign in or reset your password". Registration never changes an
  existing account.

No account exists before a link is confirmed, so every account is a confirmed one: there is no
"unconfirmed" state to guess from is_active. The link (`/accounts/confirm/<id>/<token>/?next=…`)
creates the account with THAT attempt's password, drops the address's other attempts (an
attacker who registered the address first loses theirs), signs the person in and goes on to
`next`. If an account has the address by then, nothing is created or changed.

Mails are limited per client address (settings.REGISTRATION_MAILS_PER_CLIENT) and per
(e-mail address, client) (settings.REGISTRATION_MAILS_PER_ADDRESS): someone else's requests do
not use up the owner's mails. Over a limit the page is the same and no mail goes.

The e-mail change (`email_change_request`): the profile form stores nothing; a link signed
with SECRET_KEY naming (account, new address, current address) goes to the new address, and
`email_change_confirm` applies it if the account still has the old address and no account has
the new one (else a generic refusal); the old address is then told.
docs/decisions/0030-shop-invitations-and-account-enumeration.md.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy
from django_tasks import task
from oscar.core.loading import get_class

from marketplace.core.audit import audit_record
from marketplace.core.mail import mail_send, site_url
from marketplace.core.models import PendingRegistration
from marketplace.core.ratelimit import hit

logger = logging.getLogger(__name__)

generate_username = get_class("customer.forms", "generate_username")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _context(**values) -> dict:
    return {"marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""), **values}


def _account_with(email: str):
    return get_user_model()._default_manager.filter(email__iexact=email).order_by("pk").first()


def registration_request(*, email: str, password: str, next_url: str = "", client: str = "") -> None:
    """Take a registration; the caller answers "check your inbox" whatever the address.

    The password is hashed here for every address (the same work either way) so the task's
    arguments never hold it in clear. `client` is the requester's IP address, for the limits.
    """
    registration_mail.enqueue(email.strip(), make_password(password), next_url or "", client or "")


def mail_allowed(email: str, client: str) -> bool:
    """Count one registration mail of `client` to `email`; False over either limit."""
    if not hit("register_client", client, settings.REGISTRATION_MAILS_PER_CLIENT).allowed:
        return False
    key = f"{email.casefold()}|{client}"
    return hit("register_email", key, settings.REGISTRATION_MAILS_PER_ADDRESS).allowed


@task()
def registration_mail(email: str, password_hash: str, next_url: str, client: str = "") -> bool:
    """Mail `email` a confirmation link for a new attempt, or "you already have an account";
    True when a mail went out."""
    if not mail_allowed(email, client):
        logger.info("Registration mail skipped: over a limit")
        return False
    now = timezone.now()
    PendingRegistration.objects.filter(expires_at__lte=now).delete()
    user = _account_with(email)
    if user is not None:
        return mail_send(
            recipients=[user.email],
            subject=gettext_lazy("Có người vừa đăng ký bằng địa chỉ e-mail của bạn"),
            template="accounts/emails/already_registered.txt",
            context=_context(
                login_url=site_url(reverse("customer:login")),
                reset_url=site_url(reverse("password-reset")),
            ),
        )
    token = secrets.token_urlsafe(32)
    pending = PendingRegistration.objects.create(
        email=email, password_hash=password_hash, token_hash=_token_hash(token),
        expires_at=now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )
    return mail_send(
        recipients=[email],
        subject=gettext_lazy("Kích hoạt tài khoản của bạn"),
        template="accounts/emails/confirm.txt",
        context=_context(confirm_url=site_url(confirmation_path(pending, token, next_url))),
    )


def confirmation_path(pending: PendingRegistration, token: str, next_url: str = "") -> str:
    path = reverse("account-confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(pending.pk)), "token": token,
    })
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def pending_registration_for(*, uidb64: str, token: str) -> PendingRegistration | None:
    """The open attempt the link names, when its token is good; else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    return PendingRegistration.objects.filter(
        pk=pk, token_hash=_token_hash(token), expires_at__gt=timezone.now()
    ).first()


def registration_confirm(*, pending: PendingRegistration):
    """Create the account of a confirmed attempt, with its password; the new user, or None when
    the attempt is gone (used, dropped, expired) or the address has an account by now.

    The address's attempts are locked (pk order) so two links confirmed at once create one
    account; all of them are dropped either way."""
    User = get_user_model()
    with transaction.atomic():
        attempts = list(
            PendingRegistration.objects.select_for_update()
            .filter(email__iexact=pending.email).order_by("pk")
        )
        mine = next((a for a in attempts if a.pk == pending.pk
                     and a.token_hash == pending.token_hash and a.expires_at > timezone.now()), None)
        if mine is None:
            return None
        PendingRegistration.objects.filter(pk__in=[a.pk for a in attempts]).delete()
        if _account_with(mine.email) is not None:
            return None
        user = User(email=mine.email, password=mine.password_hash, is_active=True)
        if "username" in [field.name for field in User._meta.fields]:
            user.username = generate_username()
        user.save()
        audit_record(action="account.confirmed", actor=user, target=user, data={"email": user.email})
    return user


# --- the profile's e-mail change -------------------------------------------------------------

EMAIL_CHANGE_SALT = "marketplace.core.registration.email_change"


@task()
def email_change_mail(user_pk: int, new_email: str) -> bool:
    """Mail `new_email` the link that moves the account to it (the token is made here, so the
    task queue never holds it)."""
    user = get_user_model()._default_manager.filter(pk=user_pk).first()
    if user is None:
        return False
    token = signing.dumps({"u": user.pk, "e": new_email, "o": user.email}, salt=EMAIL_CHANGE_SALT)
    return mail_send(
        recipients=[new_email],
        subject=gettext_lazy("Xác nhận địa chỉ e-mail mới"),
        template="accounts/emails/email_change_confirm.txt",
        context=_context(confirm_url=site_url(reverse("customer:email-change-confirm",
                                                      kwargs={"token": token}))),
    )


def email_change_request(*, user, new_email: str) -> bool:
    """Ask `new_email` to confirm; the account keeps its address until then. Whether the new
    address has an account is not looked at here (the page says the same either way).
    False when the account asked for too many links (EMAIL_CHANGE_MAILS_PER_ACCOUNT): a
    signed-in account must not become a way to mail any address."""
    new_email = new_email.strip()
    if new_email.casefold() == (user.email or "").casefold():
        return True
    if not hit("email_change", str(user.pk), settings.EMAIL_CHANGE_MAILS_PER_ACCOUNT).allowed:
        return False
    transaction.on_commit(lambda: email_change_mail.enqueue(user.pk, new_email))
    return True


def email_change_for(*, user, token: str) -> str | None:
    """The new address a link offers this signed-in account, when good; else None."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("o") != user.email:
        return None
    return data.get("e") or None


def email_change_confirm(*, user, token: str) -> bool:
    """Move the account to the link's address (a conditional UPDATE on the old address) unless
    another account has it; tell the old address. False when refused."""
    new_email = email_change_for(user=user, token=token)
    if new_email is None:
        return False
    User = get_user_model()
    old_email = user.email
    with transaction.atomic():
        if User._default_manager.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
            return False
        changed = User._default_manager.filter(pk=user.pk, email=old_email).update(email=new_email)
        if not changed:
            return False
        audit_record(action="account.email_changed", actor=user, target=user,
                     data={"email": new_email, "old_email": old_email})
    user.email = new_email
    transaction.on_commit(lambda: email_changed_mail.enqueue(old_email, new_email))
    return True


@task()
def email_changed_mail(old_email: str, new_email: str) -> bool:
    """Tell the old address its account now uses `new_email`."""
    return mail_send(
        recipients=[old_email],
        subject=gettext_lazy("Địa chỉ e-mail của tài khoản đã được thay đổi"),
        template="accounts/emails/email_changed.txt",
        context=_context(new_email=new_email, reset_url=site_url(reverse("password-reset"))),
    )
