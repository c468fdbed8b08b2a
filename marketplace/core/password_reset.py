"""Password reset that tells nobody whether an address has an account.

Django's reset view already answers every valid address with the same redirect to
/password-reset/done/. What still differed was the time: for a known address the request
rendered and sent the e-mail (an SMTP round trip), for an unknown one it did nothing. Here the
request only enqueues `send_password_reset` with the address, whatever it is; the task looks
the account up and sends Oscar's reset e-mail when there is one (active, with a usable
password), nothing otherwise. With the database task backend (production) the answer takes the
same time either way. docs/decisions/0013-sign-in-and-form-abuse-limits.md.
"""

from __future__ import annotations

from django_tasks import task
from oscar.core.loading import get_class

OscarPasswordResetForm = get_class("customer.forms", "PasswordResetForm")


class DeferredPasswordResetForm(OscarPasswordResetForm):
    def save(self, *args, **kwargs) -> None:
        send_password_reset.enqueue(self.cleaned_data["email"])


@task()
def send_password_reset(email: str) -> None:
    form = OscarPasswordResetForm(data={"email": email})
    if form.is_valid():
        form.save(request=None)
