import oscar.apps.search.apps as oscar_search


class SearchConfig(oscar_search.SearchConfig):
    """Search fork (label `search`): Elasticsearch DSL instead of haystack."""

    name = "search"

    def ready(self):
        super().ready()
        from search import receivers

        # The index follows catalogue and shop changes after each commit.
        receivers.connect()
