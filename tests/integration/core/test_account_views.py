"""Sign-out by POST only; Oscar's order-line page without a 500 (marketplace/core/accounts.py)."""

from __future__ import annotations

import pytest
from oscar.test.factories import create_order

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    user = make_user("a@example.vn", username="buyer-a", password="pw-123456")
    client.force_login(user)
    return user


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_get_does_not_sign_out(client, buyer):
    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert signed_in(client)
    assert b'method="post"' in response.content


def test_a_post_signs_out(client, buyer):
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not signed_in(client)


def test_the_header_signs_out_with_a_form(client, buyer):
    page = client.get("/accounts/", follow=True).content.decode()

    assert 'action="/accounts/logout/" method="post"' in page


def test_an_order_line_page_leads_to_its_order(client, buyer):
    order = create_order(user=buyer)
    line = order.lines.get()

    response = client.get(f"/accounts/orders/{order.number}/{line.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/orders/{order.number}/"


def test_unknown_lines_and_other_buyers_orders_are_404(client, buyer):
    order = create_order(user=buyer)
    other = make_user("b@example.vn", username="b", password="x")
    theirs = create_order(user=other)

    assert client.get(f"/accounts/orders/{order.number}/999999/").status_code == 404
    line = theirs.lines.get()
    assert client.get(f"/accounts/orders/{theirs.number}/{line.pk}/").status_code == 404
    assert (
        client.post(
            f"/accounts/orders/{theirs.number}/{line.pk}/", {"action": "reorder"}
        ).status_code
        == 404
    )
