"""The "Programme staff" role: what the provincial OCOP office may do, and nothing more.

A programme staff member is an `is_staff` user (the flag the staff pages under
/dashboard/shops|ocop|curation|payments/ check, marketplace/core/staff.py) who belongs to
this group. The group holds exactly the permissions listed here; no superuser rights, no
user or group management. It is reference data created after every `migrate` (see
`connect_signals`), so each deployment has it, and it is owned by this code: `migrate`
puts the group back to this definition. Decision record: docs/decisions/0010.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_migrate
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from marketplace.core.models import AuditEvent

PROGRAMME_STAFF_GROUP = "Programme staff"

# Declared here rather than on a model's Meta: the programme reports (members, shops,
# products, orders, GMV) have no model of their own yet. The permission hangs on the
# content type of marketplace_core.AuditEvent; `has_perm("marketplace_core.view_programme_reports")`.
REPORTS_PERMISSION = ("marketplace_core", "view_programme_reports")
REPORTS_PERMISSION_NAME = "Xem báo cáo chương trình OCOP"

# Wagtail page permissions, granted on the tree's root page: add, edit, publish any page
# and lock/unlock (what Wagtail's own "Moderators" group gets). No bulk delete of subtrees.
PAGE_PERMISSION_TYPES = ("add", "change", "publish", "lock", "unlock")
# Wagtail image and document permissions, granted on the root collection.
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtaildocs", "delete_document"),
]


def programme_staff_permissions() -> list[tuple[str, str]]:
    """The group's model permissions, as (app label, codename)."""
    return [
        # /cms/: the Wagtail admin. Pages, images and documents: see the lists above.
        ("wagtailadmin", "access_admin"),
        # Shop approval (/dashboard/shops/) and the per-shop moderation switch.
        ("partner", "view_partner"),
        ("partner", "change_partner"),
        # OCOP certificate verification (/dashboard/ocop/).
        ("catalogue", "view_ocopcertificate"),
        ("catalogue", "change_ocopcertificate"),
        # Curation (/dashboard/curation/): featured flag and moderation of products,
        # curated collections, hiding a review. Also lists products in Oscar's dashboard
        # and the Wagtail product chooser (marketplace/cms/choosers.py).
        ("catalogue", "view_product"),
        ("catalogue", "change_product"),
        ("catalogue", "view_collection"),
        ("catalogue", "add_collection"),
        ("catalogue", "change_collection"),
        ("catalogue", "delete_collection"),
        ("catalogue", "view_collectionitem"),
        ("catalogue", "add_collectionitem"),
        ("catalogue", "change_collectionitem"),
        ("catalogue", "delete_collectionitem"),
        ("reviews", "view_productreview"),
        ("reviews", "change_productreview"),
        # Orders: read only (Oscar's /dashboard/orders/ needs order.view_order for staff).
        ("order", "view_order"),
        # Reports: the programme's figures, Oscar's report pages (/dashboard/reports/) and
        # the history of decisions (audit log).
        REPORTS_PERMISSION,
        ("analytics", "view_userrecord"),
        ("marketplace_core", "view_auditevent"),
    ]


def _permission(app_label: str, codename: str):
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise LookupError(f"Permission {app_label}.{codename} does not exist") from exc


def _ensure_reports_permission():
    content_type = ContentType.objects.get_for_model(AuditEvent)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=REPORTS_PERMISSION[1],
        defaults={"name": REPORTS_PERMISSION_NAME},
    )
    return permission


def _sync_object_permissions(model, group, target: str, target_pk: int, permissions) -> int:
    """Make the group's rows of `model` (GroupPagePermission / GroupCollectionPermission)
    exactly `permissions` on one page / collection; return how many rows changed."""
    rows = model.objects.filter(group=group)
    existing = {(getattr(row, f"{target}_id"), row.permission_id): row.pk for row in rows}
    wanted = {(target_pk, p.pk) for p in permissions}
    missing = wanted - existing.keys()
    extra = [pk for key, pk in existing.items() if key not in wanted]
    if missing:
        model.objects.bulk_create([
            model(group=group, permission_id=perm, **{f"{target}_id": obj}) for obj, perm in missing
        ])
    if extra:
        model.objects.filter(pk__in=extra).delete()
    return len(missing) + len(extra)


@transaction.atomic
def ensure_programme_staff_group():
    """Create or update the group to exactly this module's definition (idempotent).

    Returns (group, changes): `changes` counts the rows created or removed, 0 when the
    group already matched.
    """
    _ensure_reports_permission()
    group, created = Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    changes = int(created)

    wanted = {_permission(app, codename).pk for app, codename in programme_staff_permissions()}
    existing = set(group.permissions.values_list("pk", flat=True))
    if wanted - existing:
        group.permissions.add(*(wanted - existing))
    if existing - wanted:
        group.permissions.remove(*(existing - wanted))
    changes += len(wanted ^ existing)

    # The tree roots come from Wagtail's migrations; a flushed database has none.
    root_page = Page.get_first_root_node()
    if root_page is not None:
        page_perms = [_permission("wagtailcore", f"{kind}_page") for kind in PAGE_PERMISSION_TYPES]
        changes += _sync_object_permissions(
            GroupPagePermission, group, "page", root_page.pk, page_perms
        )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        collection_perms = [_permission(app, codename) for app, codename in COLLECTION_PERMISSIONS]
        changes += _sync_object_permissions(
            GroupCollectionPermission, group, "collection", root_collection.pk, collection_perms
        )
    return group, changes


def _last_migrated_app_label() -> str:
    # django.core.management.sql.emit_post_migrate_signal skips apps without models.
    return [c for c in apps.get_app_configs() if c.models_module is not None][-1].label


def _ensure_group_after_migrate(sender, **kwargs):
    # post_migrate is sent once per app; every app's permissions (created by
    # django.contrib.auth's own post_migrate receiver) exist after the last one.
    if sender.label != _last_migrated_app_label():
        return
    ensure_programme_staff_group()


def connect_signals() -> None:
    post_migrate.connect(_ensure_group_after_migrate, dispatch_uid="programme-staff-group")
