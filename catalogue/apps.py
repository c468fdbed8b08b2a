import oscar.apps.catalogue.apps as oscar_catalogue


class CatalogueConfig(oscar_catalogue.CatalogueConfig):
    name = "catalogue"
