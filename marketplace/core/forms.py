"""Account forms: Oscar's registration form without its "that e-mail is taken" answer."""

from __future__ import annotations

from oscar.core.loading import get_class

normalise_email = get_class("customer.utils", "normalise_email")
EmailUserCreationForm = get_class("customer.forms", "EmailUserCreationForm")


class RegistrationForm(EmailUserCreationForm):
    """Validates the address and the password only; whether an account already uses the
    address is for the mail to say (marketplace/core/registration.py), not the page."""

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def save(self, commit=True):  # pragma: no cover -- registration_request creates the account
        raise NotImplementedError("registration goes through marketplace.core.registration")

