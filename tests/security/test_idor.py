"""IDOR: who may open what, as a table of roles × URLs.

Every row names one URL holding shop A's or buyer A's object (or a staff surface) and the
roles allowed to open it; every other role must be refused: a 403 or 404, or a redirect to
a sign-in page — never the page, never a redirect into it. The roles:

- anonymous; buyer A (who placed order A, owns address A, wish list A, …); buyer B;
- seller A (owner of shop A); seller B (owner of shop B);
- programme staff (is_staff in the "Programme staff" group); a superuser.

Seller workspace URLs are walked exhaustively, with every kind of foreign id, by
tests/integration/seller/test_isolation_table.py; here they appear as rows among the others.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.complaints.models import Complaint, ComplaintPhoto
from tests.factories import png_bytes
from tests.security.conftest import build_world

ROLES = ("anonymous", "buyer_a", "buyer_b", "seller_a", "seller_b", "staff", "superuser")
SIGN_IN_PAGES = ("/accounts/login/", "/dashboard/login/", "/cms/login/", "/django-admin/login/")
# Wagtail sends a signed-in user without the permission back to its home with a message.
DENIED_PAGES = {"/cms/"}

WishList = get_model("wishlists", "WishList")
Email = get_model("communication", "Email")
Notification = get_model("communication", "Notification")
BasketLine = get_model("basket", "Line")

BUYER_A = {"buyer_a"}
SELLER_A = {"seller_a"}
STAFF = {"staff", "superuser"}
SUPERUSER = {"superuser"}
NOBODY: set[str] = set()

# (label, url from the world, roles allowed)
TABLE = [
    # buyer A's things
    ("order", lambda w: f"/accounts/orders/{w.a.order.number}/", BUYER_A),
    ("saved address", lambda w: f"/accounts/addresses/{w.a.address.pk}/", BUYER_A),
    ("delete saved address", lambda w: f"/accounts/addresses/{w.a.address.pk}/delete/", BUYER_A),
    ("e-mail sent", lambda w: f"/accounts/emails/{w.a.extra['email'].pk}/", BUYER_A),
    ("notification", lambda w: f"/accounts/notifications/{w.a.extra['notification'].pk}/", BUYER_A),
    ("wish list", lambda w: f"/accounts/wishlists/{w.a.extra['wishlist'].key}/", BUYER_A),
    ("wish list (shared view)", lambda w: f"/wishlists/{w.a.extra['wishlist'].key}/", BUYER_A),
    ("complaint", lambda w: f"/accounts/orders/{w.a.order.number}/complaint/", BUYER_A),
    (
        "complaint photo",
        lambda w: f"/accounts/orders/{w.a.order.number}/complaint/photos/{w.a.extra['photo'].pk}/",
        BUYER_A,
    ),
    (
        "complaint, guessed token",
        lambda w: (
            f"/checkout/purchases/{w.a.purchase.number}/{'x' * 43}/orders/{w.a.order.number}/complaint/"
        ),
        NOBODY,
    ),
    (
        "complaint of B with A's token",
        lambda w: (
            f"{w.a.purchase_url}orders/{w.b.order.number}/complaint/"
        ),
        NOBODY,
    ),
    (
        "purchase, guessed token",
        lambda w: f"/checkout/purchases/{w.a.purchase.number}/{'x' * 43}/",
        NOBODY,
    ),
    (
        "card payment, guessed token",
        lambda w: f"/checkout/pay/{w.a.purchase.number}/{'x' * 43}/",
        NOBODY,
    ),
    (
        "purchase of B with A's token",
        lambda w: (
            f"/checkout/purchases/{w.b.purchase.number}/{w.a.purchase_url.rstrip('/').rsplit('/', 1)[-1]}/"
        ),
        NOBODY,
    ),
    # shop A's workspace
    ("seller workspace", lambda w: f"/seller/{w.a.shop.code}/", SELLER_A),
    ("seller order", lambda w: f"/seller/{w.a.shop.code}/orders/{w.a.order.number}/", SELLER_A),
    ("seller product", lambda w: f"/seller/{w.a.shop.code}/products/{w.a.product.pk}/", SELLER_A),
    (
        "seller certificate scan",
        lambda w: f"/seller/{w.a.shop.code}/certificates/{w.a.certificate.pk}/scan/",
        SELLER_A,
    ),
    ("seller members", lambda w: f"/seller/{w.a.shop.code}/members/", SELLER_A),
    ("seller complaints", lambda w: f"/seller/{w.a.shop.code}/complaints/", SELLER_A),
    (
        "seller complaint",
        lambda w: f"/seller/{w.a.shop.code}/complaints/{w.a.extra['complaint'].pk}/",
        SELLER_A,
    ),
    (
        "seller complaint photo",
        lambda w: (
            f"/seller/{w.a.shop.code}/complaints/{w.a.extra['complaint'].pk}/photos/{w.a.extra['photo'].pk}/"
        ),
        SELLER_A,
    ),
    ("seller payment settings", lambda w: f"/seller/{w.a.shop.code}/payment/", SELLER_A),
    # programme staff surfaces
    ("dashboard", lambda w: "/dashboard/", STAFF),
    ("shop applications", lambda w: "/dashboard/shops/", STAFF),
    ("shop application", lambda w: f"/dashboard/shops/{w.a.shop.code}/", STAFF),
    ("application document", lambda w: f"/dashboard/shops/{w.a.shop.code}/document/", STAFF),
    ("certificates to verify", lambda w: "/dashboard/ocop/", STAFF),
    ("certificate", lambda w: f"/dashboard/ocop/{w.a.certificate.pk}/", STAFF),
    ("certificate scan", lambda w: f"/dashboard/ocop/{w.a.certificate.pk}/scan/", STAFF),
    ("curation", lambda w: "/dashboard/curation/featured/", STAFF),
    ("payments", lambda w: "/dashboard/payments/", STAFF),
    ("programme figures", lambda w: "/dashboard/figures/", STAFF),
    ("complaints", lambda w: "/dashboard/complaints/", STAFF),
    ("complaint (staff)", lambda w: f"/dashboard/complaints/{w.a.extra['complaint'].pk}/", STAFF),
    (
        "complaint photo (staff)",
        lambda w: f"/dashboard/complaints/{w.a.extra['complaint'].pk}/photos/{w.a.extra['photo'].pk}/",
        STAFF,
    ),
    ("dashboard order", lambda w: f"/dashboard/orders/{w.a.order.number}/", STAFF),
    ("dashboard customers", lambda w: "/dashboard/users/", SUPERUSER),
    ("dashboard customer", lambda w: f"/dashboard/users/{w.a.buyer.pk}/", SUPERUSER),
    ("wagtail admin", lambda w: "/cms/", STAFF),
    ("wagtail pages", lambda w: "/cms/pages/", STAFF),
    ("wagtail users", lambda w: "/cms/users/", SUPERUSER),
    ("django admin", lambda w: "/django-admin/", SUPERUSER),
    ("django admin shops", lambda w: "/django-admin/partner/partner/", SUPERUSER),
    ("django admin users", lambda w: "/django-admin/auth/user/", SUPERUSER),
]


def _add_private_things(world) -> None:
    for side in (world.a, world.b):
        side.extra["wishlist"] = WishList.objects.create(owner=side.buyer, name="Quà Tết")
        side.extra["email"] = Email.objects.create(
            user=side.buyer, email=side.buyer.email, subject="Đơn hàng", body_text="…"
        )
        side.extra["notification"] = Notification.objects.create(
            recipient=side.buyer, subject="Đơn hàng đã giao"
        )
        side.certificate.scan.save("scan.jpg", ContentFile(png_bytes()), save=True)
        side.extra["complaint"] = Complaint.objects.create(
            order=side.order, shop=side.shop, user=side.buyer, kind="refund_only", reason="damaged",
            message="Vỡ hũ", requested_amount=50_000, delivered_at=timezone.now(),
            shop_answer_due=timezone.now(),
        )
        photo = ComplaintPhoto(complaint=side.extra["complaint"])
        photo.image.save("vo.jpg", ContentFile(png_bytes()), save=True)
        side.extra["photo"] = photo


@pytest.fixture(scope="module")
def idor_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("m"))),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            _add_private_things(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_for(world, role: str) -> Client:
    client = Client()
    user = {
        "anonymous": None,
        "buyer_a": world.a.buyer,
        "buyer_b": world.b.buyer,
        "seller_a": world.a.owner,
        "seller_b": world.b.owner,
        "staff": world.staff,
        "superuser": world.superuser,
    }[role]
    if user is not None:
        client.force_login(user)
    return client


def outcome(response) -> str:
    """ "open", "refused" or what else happened."""
    if response.status_code == 200:
        return "open"
    if response.status_code in (403, 404):
        return "refused"
    if response.status_code in (301, 302):
        target = urlsplit(response["Location"]).path
        if target.startswith(SIGN_IN_PAGES) or target in DENIED_PAGES:
            return "refused"
        return f"redirect to {target}"
    return f"status {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_table(idor_world, role):
    client = client_for(idor_world, role)
    wrong = []
    for label, url, allowed in TABLE:
        path = url(idor_world)
        got = outcome(client.get(path))
        want = "open" if role in allowed else "refused"
        if got != want:
            wrong.append(f"{label} ({path}): {got}, expected {want}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "buyer_b", "seller_a", "staff"])
def test_posts_do_not_reach_buyer_as_things(idor_world, role):
    """Writing to buyer A's address, wish list and alert list from another account."""
    client = client_for(idor_world, role)
    a = idor_world.a
    before = (a.address.line1, a.extra["wishlist"].name)
    client.post(f"/accounts/addresses/{a.address.pk}/", {"first_name": "X", "line1": "Đổi"})
    client.post(f"/accounts/addresses/{a.address.pk}/delete/")
    client.post(f"/accounts/wishlists/{a.extra['wishlist'].key}/update/", {"name": "Đổi"})
    client.post(f"/accounts/wishlists/{a.extra['wishlist'].key}/delete/")
    # Oscar's order line view (reorder one line): its GET has no template in Oscar 4.2, so it
    # is not in the table; its POST must not act on another buyer's order either.
    line = a.order.lines.get()
    assert client.post(
        f"/accounts/orders/{a.order.number}/{line.pk}/", {"action": "reorder"}
    ).status_code in (302, 404)
    a.address.refresh_from_db()
    a.extra["wishlist"].refresh_from_db()
    assert (a.address.line1, a.extra["wishlist"].name) == before


@pytest.mark.django_db
def test_a_basket_form_cannot_change_another_buyers_line(idor_world):
    """Oscar's basket formset only takes the lines of the visitor's own basket."""
    a, b = idor_world.a, idor_world.b
    client_a, client_b = client_for(idor_world, "buyer_a"), client_for(idor_world, "buyer_b")
    client_a.post(f"/basket/add/{a.product.pk}/", {"quantity": 1})
    client_b.post(f"/basket/add/{b.product.pk}/", {"quantity": 1})
    line_a = BasketLine.objects.get(basket__owner=a.buyer, basket__status="Open")
    line_b = BasketLine.objects.get(basket__owner=b.buyer, basket__status="Open")
    client_b.post(
        "/basket/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(line_a.pk),
            "form-0-quantity": "9",
        },
    )
    client_b.post(
        "/basket/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(line_a.pk),
            "form-0-quantity": "1",
            "form-0-DELETE": "on",
        },
    )
    line_a.refresh_from_db()
    assert line_a.quantity == 1
    assert BasketLine.objects.filter(pk=line_b.pk).exists()


@pytest.mark.django_db
def test_staff_surfaces_never_open_for_sellers_or_buyers(idor_world):
    """The same table read the other way: every staff-only row refuses all non-staff."""
    staff_rows = [row for row in TABLE if row[2] and row[2] <= STAFF]
    assert len(staff_rows) >= 15
    for role in ("anonymous", "buyer_a", "seller_a"):
        client = client_for(idor_world, role)
        for label, url, _allowed in staff_rows:
            assert outcome(client.get(url(idor_world))) == "refused", f"{role} opened {label}"
