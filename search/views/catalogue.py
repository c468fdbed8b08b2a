from __future__ import annotations

from urllib.parse import unquote

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category
from search.views.base import BaseSearchView


class CatalogueView(BaseSearchView):
    """/catalogue/: every public product, with the same facets and sorts as search."""

    template_name = "oscar/catalogue/browse.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = _("Tất cả sản phẩm")
        return context


class ProductCategoryView(BaseSearchView):
    """/catalogue/category/<slug>_<id>/: products of a category and its descendants."""

    template_name = "oscar/catalogue/category.html"
    enforce_paths = True

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404
        expected = self.category.get_absolute_url()
        if self.enforce_paths and unquote(expected) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected)
        self.subcategory_ids = {
            str(pk) for pk in self.category.get_descendants().values_list("pk", flat=True)
        }
        return super().get(request, *args, **kwargs)

    def get_param_overrides(self) -> dict:
        return {"within_category": self.category.pk}

    def facet_values(self, facet, result):
        values = super().facet_values(facet, result)
        if facet == "category":  # only what narrows this page: its subcategories
            values = [value for value in values if value.key in self.subcategory_ids]
        return values

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = self.category.name
        return context
