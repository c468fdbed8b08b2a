"""What every carrier module declares (marketplace/order/carriers/<carrier>.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import Refused

# Every tracking code we accept, whatever the carrier: letters, digits, dots and dashes.
_PLAUSIBLE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{3,39}$")


class TrackingCodeError(Refused):
    """A tracking code the carrier cannot have issued; the message says what it looks like."""


def normalize_code(raw: str) -> str:
    """Upper case, without the spaces a phone keyboard or a copied label puts in."""
    return re.sub(r"\s+", "", raw or "").upper()


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    #: the public tracking page, with `{code}` where the tracking code goes ("" when none)
    tracking_url: str = ""
    #: a regular expression the whole code must match (after `normalize_code`); "" = plausible
    pattern: str = ""
    #: a code of the right shape, shown in the error message
    example: str = ""
    #: an extra check the pattern cannot express (a check digit)
    check: Callable[[str], bool] | None = None
    #: False for the shop's own delivery and pickup: no carrier issues a code
    needs_tracking_code: bool = True

    def clean_tracking_code(self, raw: str) -> str:
        """The code as stored, or TrackingCodeError with a message for the seller."""
        code = normalize_code(raw)
        if not code:
            if self.needs_tracking_code:
                raise TrackingCodeError(
                    _("Hãy nhập mã vận đơn của %(carrier)s.") % {"carrier": self.name}
                )
            return ""
        shape_ok = bool(_PLAUSIBLE.match(code)) and (
            not self.pattern or re.fullmatch(self.pattern, code) is not None
        )
        if not shape_ok or (self.check is not None and not self.check(code)):
            if self.example:
                raise TrackingCodeError(
                    _("Mã vận đơn “%(code)s” không đúng dạng mã của %(carrier)s (ví dụ: %(example)s).")
                    % {"code": code, "carrier": self.name, "example": self.example}
                )
            raise TrackingCodeError(
                _("Mã vận đơn “%(code)s” không hợp lệ: chỉ gồm chữ, số, dấu chấm hoặc gạch ngang.")
                % {"code": code}
            )
        return code

    def tracking_link(self, code: str) -> str:
        if not self.tracking_url or not code:
            return ""
        return self.tracking_url.format(code=quote(code, safe=""))
