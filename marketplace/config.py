"""Oscar's root config, minus its `/` redirect: Wagtail serves the home page; password
reset through marketplace.core.password_reset. Oscar's customer app config with registration
by e-mail confirmation (marketplace.core.accounts)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from oscar.apps.basket.apps import BasketConfig
from oscar.apps.customer.apps import CustomerConfig
from oscar.config import Shop


class MarketplaceShopConfig(Shop):
    def ready(self):
        super().ready()
        # The reset e-mail goes out from a task: the answer is the same for any address.
        # Imported once the app registry is ready: the module loads Oscar's form (get_class).
        from marketplace.core.password_reset import DeferredPasswordResetForm

        self.password_reset_form = DeferredPasswordResetForm

    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", None) != "home"]


class MarketplaceCustomerConfig(CustomerConfig):
    """Oscar's customer app (label `customer`, Oscar's models and URL names) with our sign-in
    page and registration view: registration answers the same for any address; the profile's
    e-mail changes only through a link mailed to the new address."""

    def ready(self):
        super().ready()
        # Imported once the app registry is ready: the module loads Oscar's views (get_class).
        from marketplace.core.accounts import (
            AccountAuthView,
            AccountRegistrationView,
            EmailChangeConfirmView,
            ProfileUpdateView,
        )

        self.login_view = AccountAuthView
        self.register_view = AccountRegistrationView
        self.profile_update_view = ProfileUpdateView
        self.email_change_confirm_view = EmailChangeConfirmView

    def get_urls(self):
        return [
            *super().get_urls(),
            path(
                "profile/email/confirm/<str:token>/",
                login_required(self.email_change_confirm_view.as_view()),
                name="email-change-confirm",
            ),
        ]


class MarketplaceBasketConfig(BasketConfig):
    """Oscar's basket app (label `basket`, Oscar's models, URL names and templates) whose
    add-to-basket view reads the product, its stock and the basket's lines in fewer queries
    (marketplace.checkout.basket_add) and whose voucher form is ours
    (marketplace.checkout.voucher_views)."""

    def ready(self):
        super().ready()
        # Imported once the app registry is ready: the module loads Oscar's views (get_class).
        from marketplace.checkout.basket_add import MarketplaceBasketAddView

        # Likewise: the voucher view reads the offer models.
        from marketplace.checkout.voucher_views import VoucherApplyView

        self.add_view = MarketplaceBasketAddView
        # Oscar's voucher form's address applies codes with our rules and limit too.
        self.add_voucher_view = VoucherApplyView
