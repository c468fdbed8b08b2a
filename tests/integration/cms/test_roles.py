"""The "Programme staff" role (marketplace/core/roles.py): exactly what staff need, no more;
sellers reach neither /cms/ nor the staff pages of /dashboard/."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from marketplace.cms.models import HomePage
from marketplace.core.roles import (
    COLLECTION_PERMISSIONS,
    PAGE_PERMISSION_TYPES,
    PROGRAMME_STAFF_GROUP,
    ensure_programme_staff_group,
    programme_staff_permissions,
)
from tests.factories import make_shop, make_staff, make_user

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/dashboard/", "/dashboard/shops/", "/dashboard/ocop/", "/dashboard/curation/",
               "/dashboard/payments/"]


def group_permissions(group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def as_strings(pairs) -> set[str]:
    return {f"{app}.{codename}" for app, codename in pairs}


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def seller():
    owner = make_user("chu-cua-hang@example.vn")
    make_shop("htx-ba-khia", owner=owner, name="HTX Ba khía")
    return owner


# --- the group ------------------------------------------------------------------------------


def test_migrate_creates_the_group_with_exactly_its_permissions():
    """The test database was built by `migrate`: the post_migrate receiver made the group."""
    group = Group.objects.get(name=PROGRAMME_STAFF_GROUP)

    assert group_permissions(group) == as_strings(programme_staff_permissions())
    root_page = Page.get_first_root_node()
    page_rows = GroupPagePermission.objects.filter(group=group).select_related("permission")
    assert {(row.page_id, row.permission.codename) for row in page_rows} == {
        (root_page.pk, f"{kind}_page") for kind in PAGE_PERMISSION_TYPES
    }
    collection_rows = GroupCollectionPermission.objects.filter(group=group)
    assert {row.collection_id for row in collection_rows} == {Collection.get_first_root_node().pk}
    assert {
        f"{row.permission.content_type.app_label}.{row.permission.codename}"
        for row in collection_rows.select_related("permission__content_type")
    } == as_strings(COLLECTION_PERMISSIONS)


def test_the_group_has_no_superuser_rights(staff):
    perms = as_strings(programme_staff_permissions())
    assert not any(p.startswith(("auth.", "wagtailusers.", "sites.", "admin.")) for p in perms)
    staff = type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    assert not staff.is_superuser
    for permission in ["auth.change_user", "auth.add_user", "auth.change_group",
                       "wagtailcore.add_site", "wagtailcore.change_site",
                       "wagtailcore.add_workflow", "wagtailcore.bulk_delete_page",
                       "catalogue.delete_product", "partner.delete_partner",
                       "order.change_order", "partner.dashboard_access"]:
        assert not staff.has_perm(permission), permission
    assert staff.has_perm("marketplace_core.view_programme_reports")
    assert staff.has_perm("order.view_order")


def test_ensure_is_idempotent_and_puts_the_group_back_to_its_definition():
    group, changes = ensure_programme_staff_group()
    assert changes == 0

    group.permissions.add(Permission.objects.get(content_type__app_label="auth", codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.filter(group=group, permission__codename="publish_page").delete()

    group, changes = ensure_programme_staff_group()
    assert changes == 3
    assert group_permissions(group) == as_strings(programme_staff_permissions())
    assert GroupPagePermission.objects.filter(group=group).count() == len(PAGE_PERMISSION_TYPES)
    assert ensure_programme_staff_group()[1] == 0


def test_migrate_recreates_a_deleted_group():
    Group.objects.filter(name=PROGRAMME_STAFF_GROUP).delete()
    call_command("migrate", verbosity=0)
    group = Group.objects.get(name=PROGRAMME_STAFF_GROUP)
    assert group_permissions(group) == as_strings(programme_staff_permissions())


# --- staff in the group ---------------------------------------------------------------------


def page_form(title: str, slug: str, **fields) -> dict:
    data = nested_form_data({
        "title": title, "slug": slug, "hero_title": fields.get("hero_title", ""),
        "hero_intro": "", "body": streamfield([]), "comments": inline_formset([]),
    })
    data["action-publish"] = "action-publish"
    return data


def test_staff_build_and_publish_a_page_in_the_cms(client, staff):
    client.force_login(staff)
    assert client.get("/cms/").status_code == 200
    root = Page.get_first_root_node()
    assert not HomePage.objects.exists()

    add_url = reverse("wagtailadmin_pages:add", args=["cms", "homepage", root.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, page_form("Chợ OCOP", "cho-ocop", hero_title="Tuần lễ OCOP"))
    assert response.status_code == 302, response.content[:2000]
    home = HomePage.objects.get()
    assert home.live and home.hero_title == "Tuần lễ OCOP" and home.owner == staff

    edit_url = reverse("wagtailadmin_pages:edit", args=[home.pk])
    response = client.post(edit_url, page_form("Chợ OCOP", "cho-ocop", hero_title="Tuần lễ OCOP Cà Mau"))
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.live and home.hero_title == "Tuần lễ OCOP Cà Mau"
    assert home.live_revision.user == staff

    permissions = home.permissions_for_user(staff)
    assert permissions.can_edit() and permissions.can_publish() and permissions.can_lock()
    # Add and publish hold for the whole tree (pages under the home page too); which page
    # types may go under the home page is the page models' business (subpage_types).
    assert permissions.permissions == set(PAGE_PERMISSION_TYPES)
    story = home.add_child(instance=Page(title="Câu chuyện", slug="cau-chuyen", live=False))
    assert story.permissions_for_user(staff).can_publish()
    assert story.permissions_for_user(staff).can_edit()

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk])
    draft = page_form("Chợ OCOP", "cho-ocop", hero_title="Bản nháp chiến dịch")
    assert client.post(preview_url, draft).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview.status_code == 200 and "Bản nháp chiến dịch" in preview.content.decode()


def test_staff_may_upload_images_but_not_manage_users_or_sites(client, staff):
    client.force_login(staff)
    assert client.get(reverse("wagtailimages:add_multiple")).status_code == 200
    assert client.get(reverse("wagtaildocs:add_multiple")).status_code == 200
    for name in ["wagtailusers_users:index", "wagtailusers_groups:index", "wagtailsites:index",
                 "wagtailadmin_workflows:index"]:
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert response["Location"] != reverse(name)


def test_staff_open_the_programme_pages_of_the_dashboard(client, staff):
    client.force_login(staff)
    for url in [*STAFF_PAGES, "/dashboard/orders/", "/dashboard/reports/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
    # Oscar's user management needs auth.view_user: not programme staff's business.
    assert client.get("/dashboard/users/").status_code == 403


def test_is_staff_without_the_group_does_not_open_the_cms(client):
    client.force_login(make_user("nhanvien@example.vn", is_staff=True))
    response = client.get("/cms/")
    assert response.status_code == 302 and response["Location"].startswith("/cms/login/")


# --- sellers --------------------------------------------------------------------------------


def test_a_seller_never_reaches_the_cms(client, seller):
    client.force_login(seller)
    for url in ["/cms/", "/cms/pages/", reverse("wagtailimages:index")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/cms/login/"), url


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_seller_is_refused_every_programme_staff_page(client, seller, url):
    client.force_login(seller)
    assert client.get(url).status_code == 403
