"""Worklist: the msgids a crawl looked up that come from Django's, Oscar's or Wagtail's catalogues
and have no entry in locale/vi yet, with the Vietnamese shown today (`--all`: with ours too).

    .venv/bin/python locale/tools/vi_worklist.py /tmp/used.txt [--all]

/tmp/used.txt comes from VI_CRAWL_RECORD (tests/integration/i18n) or vi_crawl_dev.py.
"""

import ast
import glob
import os
import sys

sys.path.insert(0, "tests/integration/i18n")
sys.path.insert(0, ".")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.test")
import django

django.setup()
import crawl  # noqa: E402
from django.utils import translation  # noqa: E402

SP = glob.glob(".venv/lib/python3.11/site-packages")[0]
third = {}
for pat in ["django/conf/locale/en/LC_MESSAGES/django.po", "django/contrib/*/locale/en/LC_MESSAGES/django.po",
            "oscar/locale/en*/LC_MESSAGES/django.po", "oscar/locale/vi/LC_MESSAGES/django.po",
            "wagtail/**/locale/en/LC_MESSAGES/django.po", "django_tables2/locale/en/LC_MESSAGES/django.po",
            "allauth/locale/en/LC_MESSAGES/django.po", "treebeard/locale/en/LC_MESSAGES/django.po",
            "haystack/locale/en/LC_MESSAGES/django.po", "taggit/locale/en/LC_MESSAGES/django.po",
            "modelcluster/locale/en/LC_MESSAGES/django.po", "django_filters/locale/en/LC_MESSAGES/django.po"]:
    for p in glob.glob(f"{SP}/{pat}", recursive=True):
        for e in crawl.po_entries(p):
            third.setdefault((e.context, e.msgid), (e.msgid_plural, p.split("site-packages/")[1].split("/")[0] + "/" + ("/".join(p.split("site-packages/")[1].split("/")[1:-4]))))
ours = {(e.context, e.msgid): e for e in crawl.po_entries("locale/vi/LC_MESSAGES/django.po")}
used = set()
for line in open(sys.argv[1], encoding="utf-8"):
    used.add(ast.literal_eval(line))
translation.activate("vi")
rows = []
for ctx, msgid, plural in sorted(used, key=lambda t: (t[1], t[0] or "")):
    if (ctx, msgid) not in third:
        continue
    if (ctx, msgid) in ours and "--all" not in sys.argv:
        continue
    if plural:
        cur = translation.npgettext(ctx, msgid, plural, 2) if ctx else translation.ngettext(msgid, plural, 2)
    else:
        cur = translation.pgettext(ctx, msgid) if ctx else translation.gettext(msgid)
    rows.append((ctx, msgid, plural, cur, third[(ctx, msgid)][1]))
for r in rows:
    print(repr(r))
print(len(rows), file=sys.stderr)
