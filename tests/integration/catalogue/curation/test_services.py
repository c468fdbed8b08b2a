"""Programme curation: featured products, collections, moderation, staff-only pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import products as seller_services
from catalogue.curation import services
from catalogue.curation.selectors import (
    collection_list_active,
    collection_products,
    moderation_queue,
)
from catalogue.models import Collection, CollectionItem, Product
from catalogue.product_import import products_import
from catalogue.selectors import featured_products, product_list_public
from marketplace.core.models import AuditEvent
from search.indexing import rebuild_index
from tests.factories import (
    HONEY,
    category_by_code,
    make_certificate,
    make_home_page,
    make_product,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def staff():
    return make_user("canbo@example.vn", is_staff=True)


@pytest.fixture
def owner():
    return make_user("chu@example.vn")


@pytest.fixture
def shop(owner):
    return make_shop("htx-mat-ong", owner=owner)


# --- featured -----------------------------------------------------------------------


def test_feature_puts_a_product_first_on_the_home_shelf_and_unfeature_removes_it(
    client, staff, shop, django_capture_on_commit_callbacks
):
    ocop = make_product(shop, "Mật ong OCOP", via_service=True)
    make_certificate(ocop, stars=5)
    other_shop = make_shop("htx-kho")
    plain = make_product(other_shop, "Khô cá bổi", via_service=True)
    assert [p.pk for p in featured_products()] == [ocop.pk]

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("curation:feature", kwargs={"product_pk": plain.pk}), {"featured": "1"}
        )
    assert response.status_code == 302
    plain.refresh_from_db()
    assert plain.is_featured
    assert [p.pk for p in featured_products()] == [plain.pk, ocop.pk]
    event = AuditEvent.objects.get(action="product.featured")
    assert (event.acting_as, event.shop, event.actor) == ("programme", other_shop, staff)

    make_home_page(slug="home-test", published=False)
    html = client.get("/").content.decode()
    assert html.index("Khô cá bổi") < html.index("Mật ong OCOP")

    page = client.get(reverse("curation:featured")).content.decode()
    assert "Khô cá bổi" in page and "Bỏ nổi bật" in page
    found = client.get(reverse("curation:featured"), {"q": "mật ong"}).content.decode()
    assert "Mật ong OCOP" in found and "Đưa vào nổi bật" in found

    client.post(reverse("curation:feature", kwargs={"product_pk": plain.pk}), {"featured": "0"})
    assert [p.pk for p in featured_products()] == [ocop.pk]
    assert AuditEvent.objects.filter(action="product.unfeatured").count() == 1


def test_featured_shelf_keeps_the_per_shop_cap_and_star_order(shop):
    products = [make_product(shop, f"Mật ong {n}", via_service=True) for n in range(3)]
    for product in products:
        services.product_feature(product=product, actor=None, featured=True)
    other = make_shop("htx-khac")
    five = make_product(other, "Muối tinh 5 sao", via_service=True)
    make_certificate(five, stars=5)
    three = make_product(other, "Muối hạt 3 sao", via_service=True)
    make_certificate(three, stars=3)
    shelf = featured_products(per_shop=2)
    assert len([p for p in shelf if p.shop_id == shop.pk]) == 2
    assert [p.pk for p in shelf][2:] == [five.pk, three.pk]


# --- collections --------------------------------------------------------------------


def test_collection_crud_and_ordering_through_the_pages(client, staff, shop):
    a, b, c = (make_product(shop, title, via_service=True) for title in ("Mật ong A", "Mật ong B", "Mật ong C"))
    client.force_login(staff)
    response = client.post(
        reverse("curation:collection-create"),
        {
            "name": "Quà Tết Cà Mau",
            "slug": "",
            "description": "Hộp quà",
            "is_active": "on",
            "products": f"{c.pk} — Mật ong C\n\n{a.pk}\n",
        },
    )
    assert response.status_code == 302
    collection = Collection.objects.get()
    assert collection.slug == "qua-tet-ca-mau" and collection.is_active
    assert list(collection.items.values_list("product_id", "position")) == [(c.pk, 0), (a.pk, 1)]
    assert [p.pk for p in collection_products(collection, 10)] == [c.pk, a.pk]

    edit = reverse("curation:collection-edit", kwargs={"collection_pk": collection.pk})
    page = client.get(edit)
    assert page.status_code == 200
    assert page.context["form"].initial["products"].startswith(f"{c.pk} — Mật ong C")
    response = client.post(
        edit,
        {
            "name": "Quà Tết",
            "slug": "qua-tet",
            "description": "",
            "products": f"{b.pk}\n{c.pk}\n{a.pk}",
        },
    )
    assert response.status_code == 302
    collection.refresh_from_db()
    assert (collection.name, collection.slug, collection.is_active) == ("Quà Tết", "qua-tet", False)
    assert [p.pk for p in collection_products(collection, 2)] == [b.pk, c.pk]
    assert list(
        CollectionItem.objects.filter(collection=collection).values_list("position", flat=True)
    ) == [0, 1, 2]

    listing = client.get(reverse("curation:collections")).content.decode()
    assert "Quà Tết" in listing

    response = client.post(
        reverse("curation:collection-delete", kwargs={"collection_pk": collection.pk})
    )
    assert response.status_code == 302
    assert not Collection.objects.exists() and not CollectionItem.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "collection.created",
        "collection.changed",
        "collection.products_set",
        "collection.deleted",
    } <= actions


def test_collection_form_refuses_unknown_hidden_and_repeated_products(client, staff, shop):
    shown = make_product(shop, "Mật ong hiện", via_service=True)
    hidden = make_product(shop, "Mật ong ẩn", via_service=True)
    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    client.force_login(staff)
    response = client.post(
        reverse("curation:collection-create"),
        {
            "name": "OCOP 4 sao",
            "products": f"{shown.pk}\n{hidden.pk}\n999999\nabc\n{shown.pk}",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["products"])
    assert "Dòng 4" in errors and "Dòng 5" in errors
    response = client.post(
        reverse("curation:collection-create"),
        {
            "name": "OCOP 4 sao",
            "products": f"{shown.pk}\n{hidden.pk}\n999999",
        },
    )
    errors = " ".join(response.context["form"].errors["products"])
    assert str(hidden.pk) in errors and "999999" in errors
    assert not Collection.objects.exists()
    Collection.objects.create(name="X", slug="ocop-4-sao")
    response = client.post(
        reverse("curation:collection-create"), {"name": "Y", "slug": "OCOP 4 sao"}
    )
    assert "slug" in response.context["form"].errors


def test_set_products_keeps_only_existing_products_in_order(shop):
    a, b = make_product(shop, "A", via_service=True), make_product(shop, "B", via_service=True)
    collection = services.collection_create(name="Bộ", actor=None)
    kept = services.collection_set_products(
        collection=collection, product_ids=[b.pk, 424242, a.pk, b.pk], actor=None
    )
    assert kept == [b.pk, a.pk]
    assert list(collection.items.values_list("product_id", "position")) == [(b.pk, 0), (a.pk, 1)]


def test_home_page_shows_collections_with_a_constant_number_of_queries(client, shop):
    make_home_page(slug="home-test", published=False)

    def add_collection(n: int, size: int):
        products = [
            make_product(make_shop(f"shop-{n}-{i}"), f"Sản phẩm {n}-{i}", via_service=True) for i in range(size)
        ]
        collection = services.collection_create(name=f"Bộ sưu tập số {n}", actor=None)
        services.collection_set_products(
            collection=collection, product_ids=[p.pk for p in products], actor=None
        )
        return collection

    add_collection(1, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    add_collection(2, 10)
    add_collection(3, 3)
    inactive = add_collection(4, 2)
    Collection.objects.filter(pk=inactive.pk).update(is_active=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    html = response.content.decode()
    assert len(many) == len(few)
    assert "Bộ sưu tập số 1" in html and "Bộ sưu tập số 2" in html and "Bộ sưu tập số 3" in html
    assert "Bộ sưu tập số 4" not in html
    collections = collection_list_active(per_collection=8)
    assert [len(c.public_products) for c in collections] == [2, 8, 3]
    assert [p.title for p in collections[1].public_products][:2] == ["Sản phẩm 2-0", "Sản phẩm 2-1"]
    # a product that stops being public leaves the shelf
    hidden = collections[0].public_products[0]
    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    assert [len(c.public_products) for c in collection_list_active()] == [1, 8, 3]


# --- moderation ---------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "title": "Mật ong rừng tràm",
        "category": category_by_code(HONEY).pk,
        "price": "250.000",
        "stock": "12",
        "description": "<p>Mật ong nguyên chất</p>",
        "sku": "",
        "traceability_url": "",
    }
    data.update(overrides)
    return data


def search_titles(client, query: str) -> str:
    return client.get("/search/", {"q": query}).content.decode()


def test_moderated_shop_publishes_only_what_staff_approve(
    client, staff, owner, shop, search_settings, django_capture_on_commit_callbacks
):
    rebuild_index()
    client.force_login(staff)
    response = client.post(
        reverse("curation:shop-moderation", kwargs={"shop_code": shop.code}), {"required": "1"}
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.moderation_required
    assert AuditEvent.objects.filter(
        action="shop.moderation_on", shop=shop, acting_as="programme"
    ).exists()

    # the seller creates a product: pending, invisible to buyers and search
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("seller:product-create", kwargs={"shop_code": shop.code}), form_data()
        )
    assert response.status_code == 302
    product = Product.objects.get(title="Mật ong rừng tràm")
    assert product.moderation_status == Product.Moderation.PENDING
    assert not product_list_public().filter(pk=product.pk).exists()
    listing = client.get(
        reverse("seller:products", kwargs={"shop_code": shop.code})
    ).content.decode()
    assert "Chờ duyệt" in listing
    client.logout()
    assert client.get(product.get_absolute_url()).status_code == 404
    assert "Mật ong rừng tràm" not in search_titles(client, "mat ong rung tram")

    # staff see it in the queue and approve it: public and searchable
    client.force_login(staff)
    queue = client.get(reverse("curation:moderation")).content.decode()
    assert "Mật ong rừng tràm" in queue and shop.name in queue and "250.000" in queue
    assert list(moderation_queue()) == [product]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "curation:moderation-decide", kwargs={"product_pk": product.pk, "action": "approve"}
            )
        )
    product.refresh_from_db()
    assert product.moderation_status == Product.Moderation.APPROVED
    assert product_list_public().filter(pk=product.pk).exists()
    client.logout()
    assert client.get(product.get_absolute_url()).status_code == 200
    assert "Mật ong rừng tràm" in search_titles(client, "mat ong rung tram")

    # an edit sends it back to pending (and out of search)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "seller:product-edit", kwargs={"shop_code": shop.code, "product_pk": product.pk}
            ),
            form_data(title="Mật ong rừng tràm U Minh", stock="12", stock_seen="12"),
        )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.moderation_status == Product.Moderation.PENDING
    client.logout()
    assert client.get(product.get_absolute_url()).status_code == 404
    assert "Mật ong rừng tràm U Minh" not in search_titles(client, "mat ong rung tram")

    # reject needs a reason; the seller sees it
    client.force_login(staff)
    reject = reverse(
        "curation:moderation-decide", kwargs={"product_pk": product.pk, "action": "reject"}
    )
    response = client.post(reject, {"reason": "  "}, follow=True)
    assert "Vui lòng ghi lý do" in response.content.decode()
    product.refresh_from_db()
    assert product.moderation_status == Product.Moderation.PENDING
    with pytest.raises(services.CurationError):
        services.moderation_reject(product=product, actor=staff, reason="")
    client.post(reject, {"reason": "Ảnh không đúng sản phẩm"})
    product.refresh_from_db()
    assert (product.moderation_status, product.moderation_reason) == (
        "rejected",
        "Ảnh không đúng sản phẩm",
    )
    event = AuditEvent.objects.get(action="product.moderation_rejected")
    assert (event.reason, event.shop, event.acting_as) == (
        "Ảnh không đúng sản phẩm",
        shop,
        "programme",
    )
    client.force_login(owner)
    listing = client.get(
        reverse("seller:products", kwargs={"shop_code": shop.code})
    ).content.decode()
    assert "Không được duyệt: Ảnh không đúng sản phẩm" in listing
    client.logout()
    assert client.get(product.get_absolute_url()).status_code == 404

    # a decided product is not in the queue any more; deciding again is refused
    with pytest.raises(services.CurationError):
        services.moderation_approve(product=product, actor=staff)


def test_moderation_is_per_shop_and_can_be_turned_off(client, staff, owner, shop):
    other = make_shop("htx-tu-do")
    services.shop_set_moderation(shop=shop, required=True, actor=staff)
    services.shop_set_moderation(shop=shop, required=True, actor=staff)  # no-op, no second event
    assert AuditEvent.objects.filter(action="shop.moderation_on").count() == 1
    moderated = make_product(shop, "Sản phẩm kiểm duyệt", via_service=True, owner=owner)
    free = make_product(other, "Sản phẩm tự do", via_service=True)
    assert moderated.moderation_status == "pending" and free.moderation_status == "approved"

    client.force_login(staff)
    page = client.get(reverse("curation:shops")).content.decode()
    assert (
        "Cửa hàng cần kiểm duyệt" in page and "Tắt kiểm duyệt" in page and "Bật kiểm duyệt" in page
    )
    client.post(
        reverse("curation:shop-moderation", kwargs={"shop_code": shop.code}), {"required": "0"}
    )
    shop.refresh_from_db()
    assert not shop.moderation_required
    assert AuditEvent.objects.filter(action="shop.moderation_off", shop=shop).exists()
    # edits no longer need approval; what waits in the queue still does
    seller_services.product_update(
        product=free,
        actor=None,
        acting_as="owner",
        title="Sản phẩm tự do 2",
        category=category_by_code(HONEY),
        price=1000,
    )
    free.refresh_from_db()
    assert free.moderation_status == "approved"
    assert list(moderation_queue()) == [moderated]


def test_csv_import_under_moderation_sends_rows_to_pending(owner, shop):
    from catalogue.product_import import ImportRow

    existing = make_product(shop, "Mật ong cũ", via_service=True, owner=owner)
    record = existing.stockrecords.get()
    services.shop_set_moderation(shop=shop, required=True, actor=None)
    rows = [
        ImportRow(
            line=2,
            sku=record.partner_sku,
            title="Mật ong cũ đổi tên",
            category=category_by_code(HONEY),
            price=120_000,
            stock=10,
            is_public=None,
            description=None,
            stockrecord=record,
        ),
        ImportRow(
            line=3,
            sku="MOI-1",
            title="Mật ong mới",
            category=category_by_code(HONEY),
            price=90_000,
            stock=5,
            is_public=None,
            description=None,
        ),
    ]
    products_import(shop=shop, rows=rows, actor=owner, acting_as="owner")
    statuses = dict(Product.objects.filter(shop=shop).values_list("title", "moderation_status"))
    assert statuses == {"Mật ong cũ đổi tên": "pending", "Mật ong mới": "pending"}


# --- access -------------------------------------------------------------------------


def curation_urls(shop, product, collection) -> list[tuple[str, str]]:
    return [
        ("get", reverse("curation:index")),
        ("get", reverse("curation:featured")),
        ("post", reverse("curation:feature", kwargs={"product_pk": product.pk})),
        ("get", reverse("curation:collections")),
        ("get", reverse("curation:collection-create")),
        ("post", reverse("curation:collection-create")),
        ("get", reverse("curation:collection-edit", kwargs={"collection_pk": collection.pk})),
        ("post", reverse("curation:collection-edit", kwargs={"collection_pk": collection.pk})),
        ("post", reverse("curation:collection-delete", kwargs={"collection_pk": collection.pk})),
        ("get", reverse("curation:moderation")),
        (
            "post",
            reverse(
                "curation:moderation-decide", kwargs={"product_pk": product.pk, "action": "approve"}
            ),
        ),
        (
            "post",
            reverse(
                "curation:moderation-decide", kwargs={"product_pk": product.pk, "action": "reject"}
            ),
        ),
        ("get", reverse("curation:shops")),
        ("post", reverse("curation:shop-moderation", kwargs={"shop_code": shop.code})),
    ]


def test_every_curation_url_refuses_non_staff(client, owner, shop):
    product = make_product(shop, "Mật ong", via_service=True)
    Product.objects.filter(pk=product.pk).update(moderation_status="pending")
    collection = services.collection_create(name="Bộ", actor=None)
    urls = curation_urls(shop, product, collection)
    for method, url in urls:
        response = getattr(client, method)(
            url, {"featured": "1", "required": "1", "reason": "x", "name": "Z"}
        )
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    client.force_login(owner)  # a seller is signed in but not staff
    for method, url in urls:
        response = getattr(client, method)(
            url, {"featured": "1", "required": "1", "reason": "x", "name": "Z"}
        )
        assert response.status_code == 403, url
    product.refresh_from_db()
    shop.refresh_from_db()
    assert not product.is_featured and product.moderation_status == "pending"
    assert (
        not shop.moderation_required
        and Collection.objects.filter(pk=collection.pk, name="Bộ").exists()
    )


def test_actions_are_post_only_with_csrf(staff, shop):
    from django.test import Client

    product = make_product(shop, "Mật ong", via_service=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("curation:feature", kwargs={"product_pk": product.pk})
    assert client.get(url).status_code == 405
    assert client.post(url, {"featured": "1"}).status_code == 403  # no CSRF token
    assert (
        client.get(reverse("curation:shop-moderation", kwargs={"shop_code": shop.code})).status_code
        == 405
    )
    bad = reverse(
        "curation:moderation-decide", kwargs={"product_pk": product.pk, "action": "delete"}
    )
    staff_client = Client()
    staff_client.force_login(staff)
    assert staff_client.post(bad).status_code == 404
    product.refresh_from_db()
    assert not product.is_featured


def test_dashboard_navigation_lists_curation_for_staff(client, staff):
    client.force_login(staff)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "Giới thiệu sản phẩm" in html and reverse("curation:moderation") in html
