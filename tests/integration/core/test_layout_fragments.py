"""The site's header and footer keep their visitor-independent parts in the worker's memory
(`{% local_fragment %}`, marketplace/core/fragments.py): what differs per visitor — signed in
or not, the basket's count, the CSRF tokens, the page's address, the language — must still
be each visitor's own on a page rendered from those stored parts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from marketplace.core import fragments
from tests.factories import make_product, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_fragments(settings):
    settings.FRAGMENT_CACHE_SECONDS = 600
    fragments.forget_local()
    yield settings
    fragments.forget_local()


def page(client, url: str) -> str:
    client.cookies["messages"] = ""  # rendered, not a stored page
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_header_and_footer_stay_the_visitors_own(local_fragments):
    shop = make_shop("co-so-khung")
    first = make_product(shop, "Mật ong khung", price=120_000)
    second = make_product(shop, "Khô cá khung", price=90_000)
    guest = Client(enforce_csrf_checks=True)
    page(guest, first.get_absolute_url())  # stores the parts
    html = page(guest, second.get_absolute_url())
    assert "/accounts/login/" in html and "logout-form" not in html
    # the language form: this page's address, and a CSRF token this visitor can post with
    assert f'name="next" value="{second.get_absolute_url()}"' in html
    lang_form = re.search(r'<form class="lang-form".*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', lang_form).group(1)
    switched = guest.post("/i18n/setlang/", {
        "language": "en", "next": second.get_absolute_url(), "csrfmiddlewaretoken": token,
    })
    assert switched.status_code == 302
    english = page(guest, second.get_absolute_url())
    assert 'lang="en"' in english
    assert re.search(r'<option value="en" lang="en" selected>', english)
    assert not re.search(r'<option value="vi" lang="vi" selected>', english)

    # another visitor, signed in, with something in the basket: the same stored parts
    buyer = Client()
    buyer.force_login(make_user("khach-khung@example.com"))
    html = page(buyer, first.get_absolute_url())
    assert 'class="account-link" href="/accounts/"' in html and "logout-form" in html
    assert '<span class="basket-count">0<' in html
    buyer.post(f"/basket/add/{first.pk}/", {"quantity": 2})
    html = page(buyer, second.get_absolute_url())
    assert '<span class="basket-count">2<' in html
    assert 'lang="vi"' in html and re.search(r'<option value="vi" lang="vi" selected>', html)
    # the guest still sees a guest's header
    assert "logout-form" not in page(guest, first.get_absolute_url())


def test_stored_parts_are_the_rendered_ones(local_fragments, settings):
    """Rendered from memory or not, the page is the same (but for its CSRF tokens)."""
    shop = make_shop("co-so-giong")
    product = make_product(shop, "Mật ong giống", price=120_000)
    client = Client()
    url = product.get_absolute_url()
    unmask = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    settings.FRAGMENT_CACHE_SECONDS = 0
    plain = unmask.sub("", page(client, url))
    settings.FRAGMENT_CACHE_SECONDS = 600
    page(client, url)
    assert unmask.sub("", page(client, url)) == plain


def test_basket_count_of_a_guest_with_and_without_a_basket(client):
    """`{% basket_count %}` prints 0 without building a basket for a guest who has none, and
    the count of a guest's basket (its cookie) as Oscar's basket gives it."""
    shop = make_shop("co-so-gio")
    product = make_product(shop, "Mật ong giỏ", price=120_000)
    response = client.get(product.get_absolute_url())
    assert '<span class="basket-count">0<' in response.content.decode()
    assert not any(name.startswith("oscar_open_basket") for name in response.cookies)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 3})
    assert '<span class="basket-count">3<' in page(client, product.get_absolute_url())
