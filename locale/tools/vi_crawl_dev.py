"""The Vietnamese crawl against the dev database (var/, after `make run`), in-process, without
loading the demo again: faster than the test when sizing the catalogue.

    ELASTICSEARCH_URL=<the dev server's search URL> \
        .venv/bin/python locale/tools/vi_crawl_dev.py /tmp/vi anon buyer seller dash cms

Writes /tmp/vi.used (msgids looked up, for vi_worklist.py) and /tmp/vi.find (findings). Its
empty-form POSTs change the dev database.
"""

import os
import sys


def main(out: str, roles: list[str]) -> None:
    sys.path.insert(0, ".")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tests.integration.i18n import test_vietnamese_crawl as t
    from tests.integration.i18n.crawl import Crawl, record_msgids

    setup_test_environment()
    starts = {
        "anon": (None, ("/", "/accounts/login/", "/basket/", "/search/?q=mat+ong"), {}),
        "buyer": (t.BUYER, ("/", "/accounts/", "/accounts/orders/", "/basket/"), {}),
        "seller": ("seller", ("/seller/",), {"max_pages": 250, "skip": ("/dashboard/", "/cms/")}),
        "dash": (t.STAFF, ("/dashboard/",), {"max_pages": 250, "skip": ("/cms/",)}),
        "cms": (t.STAFF, ("/cms/", "/cms/pages/", "/cms/images/", "/cms/documents/", "/cms/snippets/"),
                {"max_pages": 150, "submit_forms": False, "skip": ("/dashboard/",)}),
    }
    for role in roles:
        who, urls, options = starts[role]
        client = Client(HTTP_HOST="localhost")
        if who == "seller":
            client.force_login(t.seller())
        elif who:
            client.force_login(t.user(who))
        with record_msgids() as recorder:
            crawl = Crawl(client, role, allow=t.allowed_names(), **options).run(*urls)
        with open(out + ".used", "a", encoding="utf-8") as used:
            used.writelines(repr(key) + "\n" for key in recorder.used)
        with open(out + ".find", "a", encoding="utf-8") as found:
            found.write(f"## {role} pages={len(crawl.pages)} statuses={dict(crawl.statuses)}\n")
            found.writelines(line + "\n" for line in crawl.findings())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
