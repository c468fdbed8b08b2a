"""Users for the content tests: programme staff in the group, sellers, admins without it."""

from __future__ import annotations

from django.contrib.auth.models import Group

from marketplace.core.roles import PROGRAMME_STAFF_GROUP
from tests.integration.curation.factories import make_user


def programme_staff(email: str = "canbo@so-congthuong.vn"):
    """An `is_staff` user (not superuser) in the group created after `migrate`."""
    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    return user
