"""The forms of /accounts/privacy/: consent choices, a correction request, deleting the account."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.core.ratelimit import hit

#: what a person without a password types to confirm deleting their account
DELETE_PHRASE = "XÓA TÀI KHOẢN"


class MarketingConsentForm(forms.Form):
    # Never pre-ticked: the page shows the box as the person's latest choice, unticked when
    # they never chose (silence is not consent).
    marketing_email = forms.BooleanField(
        label=_("Tôi muốn nhận e-mail giới thiệu sản phẩm OCOP và chương trình khuyến mại."),
        required=False,
    )


class CorrectionForm(forms.Form):
    details = forms.CharField(
        label=_("Thông tin nào chưa đúng, cần sửa thế nào?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng cho biết thông tin nào chưa đúng và cần sửa thế nào.")},
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Mật khẩu của bạn"), required=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.CharField(label=_("Gõ “%(phrase)s” để xác nhận") % {"phrase": DELETE_PHRASE},
                              required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.uses_password = user.has_usable_password()
        #: seconds until the password may be tried again, when too many tries were made
        self.retry_after: int | None = None
        del self.fields["confirm" if self.uses_password else "password"]

    def clean(self):
        data = super().clean()
        if self.uses_password:
            # Every try counts (a right one deletes the account, so it is the last): a stolen
            # session cannot guess the password here without limit.
            verdict = hit("privacy_delete_password", f"user:{self.user.pk}",
                          settings.PRIVACY_DELETE_PASSWORD_RATE_LIMIT)
            if not verdict.allowed:
                self.retry_after = verdict.retry_after
                self.add_error("password", _("Bạn đã thử mật khẩu quá nhiều lần. Vui lòng thử lại sau "
                                             "%(minutes)s phút.") % {"minutes": -(-verdict.retry_after // 60)})
            elif not self.user.check_password(data.get("password") or ""):
                self.add_error("password", _("Mật khẩu không đúng."))
        elif (data.get("confirm") or "").strip().upper() != DELETE_PHRASE:
            self.add_error("confirm", _("Vui lòng gõ đúng “%(phrase)s”.") % {"phrase": DELETE_PHRASE})
        return data
