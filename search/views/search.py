from __future__ import annotations

from oscar.apps.search.signals import user_search

from search.views.base import BaseSearchView


class FacetedSearchView(BaseSearchView):
    """/search/?q=…: product search with facets (Oscar's URL name `search:search`)."""

    template_name = "oscar/search/results.html"

    def dispatch(self, request, *args, **kwargs):
        # Oscar's analytics app records searches from this signal.
        user_search.send(
            sender=self, session=request.session, user=request.user,
            query=request.GET.get("q", "")[:200],
        )
        return super().dispatch(request, *args, **kwargs)
