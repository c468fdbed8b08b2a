"""The one base of every refusal a service sends back to a person.

A service refuses what it cannot do (a transition the pipeline does not allow, a payment
already recorded, a basket that cannot be placed) by raising a subclass of `Refused`; its
`messages` are written for the person who asked and are shown as they are. Views catch
`Refused` and re-render or redirect with the messages; anything else is a bug and is left
to Django's error handling.

`require_reason` is the one refusal of a decision taken without the reason the person
concerned must be told (shop and certificate decisions).
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class Refused(ValueError):
    """An operation refused for a reason the person can act on; `messages` say why."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


def require_reason(reason: str, *, refusal: type[Refused] = Refused) -> str:
    """`reason` without its surrounding blanks; a blank one is refused with `refusal`
    (decisions the person concerned must be told the reason of)."""
    reason = (reason or "").strip()
    if not reason:
        raise refusal(_("Vui lòng ghi lý do."))
    return reason
