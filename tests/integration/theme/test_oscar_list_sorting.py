"""Oscar's product and user lists: a `?sort=` naming a column with no field behind it (the
row checkbox, the actions) is ignored, never a 500 (shops/dashboard/oscar_lists.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_product, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/dashboard/catalogue/?sort=checkbox", "/dashboard/catalogue/?sort=-checkbox",
    "/dashboard/catalogue/?sort=actions", "/dashboard/catalogue/?sort=nonsense",
    "/dashboard/users/?sort=actions", "/dashboard/users/?sort=-check", "/dashboard/users/?sort=nonsense",
])
def test_sorting_by_a_column_without_a_field_is_ignored(client, url):
    admin = make_user("quantri@example.vn", username="quantri", password="x-pass-123",
                      is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "?sort=checkbox" not in html and "?sort=actions" not in html


def test_the_lists_keep_oscars_columns_and_sorting(client):
    admin = make_user("quantri2@example.vn", username="quantri2", password="x-pass-123",
                      is_staff=True, is_superuser=True)
    client.force_login(admin)
    make_product(make_shop("htx-sap-xep"), "Mật ong")
    html = client.get("/dashboard/catalogue/?sort=title").content.decode()
    assert "?sort=-title" in html  # sortable columns still sort, Oscar's table template kept
    assert 'name="selected_product"' in html and "Chọn sản phẩm" in html
    html = client.get("/dashboard/users/").content.decode()
    assert "?sort=email" in html
