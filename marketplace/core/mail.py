"""What every noun's e-mails share: the site's public address, the mail locale, and sending
one rendered text mail to a list of addresses.

Mails are sent by background tasks (docs/decisions/0012-background-tasks.md), which have no
visitor and so no visitor's language: every mail is rendered in Vietnamese with dates in
Asia/Ho_Chi_Minh (docs/decisions/0005-language-choice.md). Sending never raises: a failure
(a template error, SMTP down) is logged and answered with False, so the task decides what a
mail that did not go out means.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from marketplace.core.text import single_line

logger = logging.getLogger(__name__)

MAIL_LANGUAGE = "vi"
MAIL_TIME_ZONE = "Asia/Ho_Chi_Minh"


def site_url(path: str = "") -> str:
    """The absolute address of `path` on the public site (SITE_URL, else
    WAGTAILADMIN_BASE_URL, without its trailing slash, then `path`)."""
    base = getattr(settings, "SITE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return base.rstrip("/") + path


@contextmanager
def mail_locale() -> Iterator[None]:
    """Render in Vietnamese with dates in Asia/Ho_Chi_Minh, whatever the caller's locale."""
    with translation.override(MAIL_LANGUAGE), timezone.override(MAIL_TIME_ZONE):
        yield


def mail_send(*, recipients: Sequence[str], subject, template: str, context: dict) -> bool:
    """Render `template` with `context` and send it as one mail to every address of
    `recipients`; `subject` may be lazy (it is rendered in the mail locale too). The subject
    is put on one line: a name in it with a line break (stored before names were validated)
    would make Django refuse the header.

    True when the mail went out; False (logged) when there is nobody to send to or when
    rendering or sending failed. Never raises.
    """
    if not recipients:
        return False
    try:
        with mail_locale():
            body = render_to_string(template, context)
            send_mail(single_line(str(subject)), body, settings.DEFAULT_FROM_EMAIL, list(recipients))
    except Exception:  # noqa: BLE001 -- SMTP down, a template error: logged, the caller decides
        logger.exception("Mail %s to %d recipient(s) failed", template, len(recipients))
        return False
    return True
