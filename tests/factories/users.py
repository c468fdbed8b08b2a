"""Test users: buyers, shop people and programme staff."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from marketplace.core.roles import PROGRAMME_STAFF_GROUP

PASSWORD = "pw-123456"


def make_user(email: str, *, password: str | None = PASSWORD, username: str | None = None,
              is_staff: bool = False, **fields):
    """A user signing in with `email` (`password` None: unusable); `fields` go to the user."""
    return get_user_model().objects.create_user(
        username=username or email[:150], email=email, password=password, is_staff=is_staff,
        **fields,
    )


def make_staff(email: str = "canbo@so-congthuong.vn", **fields):
    """Programme staff: an `is_staff` user (not superuser) in the group made by `migrate`."""
    user = make_user(email, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    return user


def login(client, user) -> None:
    client.force_login(user)
