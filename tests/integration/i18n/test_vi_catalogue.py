"""locale/vi: the project's Vietnamese for Django's, Oscar's and Wagtail's strings is the one used,
with its placeholders intact and spaced (no "hiện có0 mục")."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from .crawl import SITE, po_entries

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
ENTRIES = po_entries(SITE / "locale/vi/LC_MESSAGES/django.po")


def test_the_catalogue_is_sizeable_and_compiled():
    assert len(ENTRIES) > 500
    mo = SITE / "locale/vi/LC_MESSAGES/django.mo"
    assert mo.stat().st_mtime >= (SITE / "locale/vi/LC_MESSAGES/django.po").stat().st_mtime - 5


def test_placeholders_are_kept_and_spaced():
    wrong = []
    for entry in ENTRIES:
        # the plural msgid names every number (a singular may say "one subpage")
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid)))
        for msgstr in entry.msgstrs:
            if not msgstr or sorted(set(PLACEHOLDER.findall(msgstr))) != expected:
                wrong.append((entry.msgid, msgstr))
            elif re.search(r"[^\W\d_](%\(\w+\)[sd])|(%\(\w+\)[sd])[^\W\d_]", msgstr):
                wrong.append((entry.msgid, msgstr))
    assert wrong == []


@pytest.mark.parametrize(
    ("render", "vietnamese"),
    [
        (lambda: translation.gettext("I am a new customer and want to checkout as a guest"),
         "Tôi mua hàng không cần tài khoản"),
        (lambda: translation.pgettext("Buy again", "Re-order"), "Mua lại"),
        (lambda: translation.gettext("Partners"), "Cửa hàng"),
        (lambda: translation.gettext("New customers"), "Khách hàng mới"),
        (lambda: translation.gettext("This field is required."), "Vui lòng nhập thông tin này."),
        (lambda: translation.ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.", 8) % {"min_length": 8},
         "Mật khẩu phải có ít nhất 8 ký tự."),
        (lambda: Template(  # Oscar's un-trimmed blocktrans, as its pagination writes it
            "{% load i18n %}{% blocktrans with page_num=1 total_pages=3 %}\n"
            "                        Page {{ page_num }} of {{ total_pages }}\n"
            "                    {% endblocktrans %}").render(Context()).strip(),
         "Trang 1/3"),
    ],
)
def test_the_projects_vietnamese_wins(render, vietnamese):
    with translation.override("vi"):
        assert render() == vietnamese
