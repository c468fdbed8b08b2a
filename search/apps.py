import oscar.apps.search.apps as oscar_search


class SearchConfig(oscar_search.SearchConfig):
    """Search fork (label `search`): Elasticsearch DSL instead of haystack."""

    name = "search"

    def ready(self):
        super().ready()
        # Imported once the app registry is ready: the receivers import the models they watch.
        from search import receivers

        # The index follows catalogue and shop changes after each commit.
        receivers.connect()
