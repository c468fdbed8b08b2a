"""Add reviewed Vietnamese for third-party strings to locale/vi/LC_MESSAGES/django.po.

    python locale/tools/vi_catalogue.py locale/tools/vi_translations.txt

The translations file is a Python literal: a list of (context, English msgid, Vietnamese) tuples, msgids
written with their whitespace collapsed. Each one is matched, context included, against the
installed catalogues of Django, Oscar and Wagtail and written with the exact msgid (Oscar's
un-trimmed {% blocktrans %} keep their newlines), the msgid_plural, and the python-format flag,
so Django uses it. Unknown msgids are reported, not written, unless the tuple ends with
"verbatim" (a string a template translates that no installed catalogue lists, written as given). Needs polib (any virtualenv:
`pip install polib`, not a project dependency); run from the repository root, then
`msgfmt --check -o locale/vi/LC_MESSAGES/django.mo locale/vi/LC_MESSAGES/django.po`.
"""

from __future__ import annotations

import ast
import glob
import sys
from pathlib import Path

import polib

SITE_PACKAGES = Path(glob.glob(".venv/lib/python3*/site-packages")[0])
SOURCES = [
    "oscar/locale/vi/LC_MESSAGES/django.po",
    "oscar/locale/en/LC_MESSAGES/django.po",
    "django/conf/locale/vi/LC_MESSAGES/django.po",
    "django/contrib/*/locale/vi/LC_MESSAGES/django.po",
    "django/contrib/*/locale/en/LC_MESSAGES/django.po",
    "django/conf/locale/en/LC_MESSAGES/django.po",
    "wagtail/**/locale/en/LC_MESSAGES/django.po",
    "django_tables2/locale/en/LC_MESSAGES/django.po",
    "treebeard/locale/en/LC_MESSAGES/django.po",
    "taggit/locale/en/LC_MESSAGES/django.po",
]
TARGET = Path("locale/vi/LC_MESSAGES/django.po")


def norm(text: str) -> str:
    return " ".join(text.split())


def source_index() -> dict[tuple[str | None, str], list[polib.POEntry]]:
    index: dict[tuple[str | None, str], list[polib.POEntry]] = {}
    for pattern in SOURCES:
        for path in sorted(SITE_PACKAGES.glob(pattern)):
            for entry in polib.pofile(str(path)):
                variants = index.setdefault((entry.msgctxt, norm(entry.msgid)), [])
                if all(v.msgid != entry.msgid for v in variants):
                    variants.append(entry)
    return index


def shaped(msgid: str, text: str) -> str:
    """msgfmt --check wants a msgstr to start and end with a newline exactly when its msgid does."""
    text = text.strip("\n")
    return ("\n" if msgid.startswith("\n") else "") + text + ("\n" if msgid.endswith("\n") else "")


def main(translations_file: str) -> int:
    translations = ast.literal_eval(Path(translations_file).read_text(encoding="utf-8"))
    index = source_index()
    catalogue = polib.pofile(str(TARGET), wrapwidth=0)
    catalogue.metadata.update({"Language": "vi", "Plural-Forms": "nplurals=1; plural=0;",
                               "Content-Type": "text/plain; charset=UTF-8"})
    missing = []
    for context, msgid, vietnamese, *verbatim in translations:
        variants = index.get((context, norm(msgid)))
        if not variants and verbatim == ["verbatim"]:  # in a template but in no catalogue
            variants = [polib.POEntry(msgid=msgid, msgctxt=context)]
        if not variants:
            missing.append((context, msgid))
            continue
        for source in variants:
            entry = catalogue.find(source.msgid, msgctxt=source.msgctxt)
            if entry is None:
                entry = polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt)
                catalogue.append(entry)
            entry.msgid_plural = source.msgid_plural
            entry.flags = [f for f in source.flags if f.endswith("-format")]
            if source.msgid_plural:
                entry.msgstr, entry.msgstr_plural = "", {0: shaped(source.msgid, vietnamese)}
            else:
                entry.msgstr = shaped(source.msgid, vietnamese)
    catalogue.save(str(TARGET))
    for context, msgid in missing:
        print(f"not in any installed catalogue: {context!r} {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
