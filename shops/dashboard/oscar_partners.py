"""Oscar's partner dashboard (/dashboard/partners/), with one-line shop names.

Oscar's "manage partner" page edits the name through a form of the partner's *address*,
so the Partner model's validator never runs there: its form is given the validator, and
the app config (shops/dashboard/partners_app.py, Oscar's extension point for a dashboard
app's views) serves that page.
Oscar's "create partner" form is a ModelForm of Partner and runs the model's validator.
"""

from __future__ import annotations

from oscar.apps.dashboard.partners.forms import PartnerAddressForm as OscarPartnerAddressForm
from oscar.apps.dashboard.partners.views import PartnerManageView as OscarPartnerManageView

from marketplace.core.text import validate_single_line


class PartnerAddressForm(OscarPartnerAddressForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line)


class PartnerManageView(OscarPartnerManageView):
    form_class = PartnerAddressForm
