import oscar.apps.partner.apps as oscar_partner


class PartnerConfig(oscar_partner.PartnerConfig):
    """Shops are Oscar partners: this fork keeps the `partner` label."""

    name = "shops"
