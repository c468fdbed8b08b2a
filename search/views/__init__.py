"""Search and browse views, found by Oscar's get_class("search.views", …).

Oscar's own `oscar.apps.search.views` (haystack-based) is still imported by its
class loader; these classes win because the `search` app is ours.
"""

from search.views.catalogue import CatalogueView, ProductCategoryView
from search.views.search import FacetedSearchView

__all__ = ["CatalogueView", "FacetedSearchView", "ProductCategoryView"]
