"""The decision-queue base (marketplace/core/decision_queue.py), through the real shop queue.

What every queue gets from the base: staff only, POST only, 404 for an unknown action, the
reason checked before the service runs, the service's refusal shown as a message, the
decisions a status offers, status counts, an invalid filter ignored with a warning, and a
page number out of range showing the last page.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from marketplace.core.decision_queue import Decision, actions_for, next_or
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from shops.dashboard import views as shop_views
from shops.models import Partner
from shops.services import shop_reject
from tests.factories import apply_for_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def staff():
    return make_user("canbo@example.vn", is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def shop():
    return apply_for_shop(make_user("an.nguyen@example.vn"))


def decide_url(shop, action: str) -> str:
    return reverse("shops-dashboard:decide", kwargs={"shop_code": shop.code, "action": action})


def detail_url(shop) -> str:
    return reverse("shops-dashboard:detail", kwargs={"shop_code": shop.code})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def programme_events(shop) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(shop=shop, acting_as=AuditEvent.Capacity.PROGRAMME))


# --- the decision view ------------------------------------------------------------------


def test_an_unknown_action_is_404_and_changes_nothing(staff_client, shop):
    assert staff_client.post(decide_url(shop, "delete"), {"reason": "x"}).status_code == 404
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING
    assert programme_events(shop) == []


def test_a_decision_url_is_post_only(staff_client, shop):
    assert staff_client.get(decide_url(shop, "approve")).status_code == 405
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING


def test_an_unknown_item_is_404(staff_client):
    url = reverse("shops-dashboard:decide", kwargs={"shop_code": "khong-co", "action": "approve"})
    assert staff_client.post(url).status_code == 404


def test_only_staff_decide(client, shop):
    url = decide_url(shop, "approve")
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(make_user("nguoi.ban@example.vn"))
    assert client.post(url).status_code == 403
    assert client.get(reverse("shops-dashboard:list")).status_code == 403
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING


def test_a_missing_reason_is_told_and_the_service_is_not_called(staff_client, shop):
    response = staff_client.post(decide_url(shop, "reject"), {"reason": "   "})
    assert response.status_code == 302 and response["Location"] == detail_url(shop)
    assert texts(response) == ["Vui lòng ghi lý do (người bán sẽ nhận được)."]
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING
    assert programme_events(shop) == []


def test_a_decision_calls_the_service_with_actor_and_reason(staff_client, staff, shop):
    response = staff_client.post(decide_url(shop, "reject"), {"reason": "  Thiếu giấy tờ  "})
    assert response.status_code == 302 and response["Location"] == detail_url(shop)
    assert texts(response) == [f"Đã từ chối đơn của “{shop.name}”."]
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == (Partner.Status.REJECTED, "Thiếu giấy tờ")
    [event] = programme_events(shop)  # the audit row is the service's
    assert (event.action, event.actor, event.reason) == ("shop.rejected", staff, "Thiếu giấy tờ")


def test_the_services_refusal_is_shown(staff_client, shop):
    staff_client.post(decide_url(shop, "approve"), follow=True)  # the detail page shows its message
    response = staff_client.post(decide_url(shop, "approve"))  # the queue's declared class
    assert response.status_code == 302 and response["Location"] == detail_url(shop)
    [message] = texts(response)
    assert "Chỉ duyệt được cửa hàng đang chờ duyệt" in message
    assert len(programme_events(shop)) == 1


def test_every_message_of_a_refused_is_shown(staff_client, shop, monkeypatch):
    def refuse(**kwargs):
        raise Refused("Không được.", "Lý do thứ hai.")

    monkeypatch.setitem(
        shop_views.DECISIONS, "approve", Decision(service=refuse, success="không hiện")
    )
    response = staff_client.post(decide_url(shop, "approve"))
    assert texts(response) == ["Không được.", "Lý do thứ hai."]


def test_other_errors_are_not_swallowed(staff_client, shop, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setitem(
        shop_views.DECISIONS, "approve", Decision(service=broken, success="không hiện")
    )
    with pytest.raises(RuntimeError):
        staff_client.post(decide_url(shop, "approve"))


def test_a_decision_without_a_reason_gets_none(staff_client, shop, monkeypatch):
    calls = []
    monkeypatch.setitem(
        shop_views.DECISIONS,
        "approve",
        Decision(service=lambda **kw: calls.append(kw), asks_reason=False, success="Xong."),
    )
    response = staff_client.post(decide_url(shop, "approve"), {"reason": "x" * 3000})
    assert texts(response) == ["Xong."]
    [kwargs] = calls
    assert set(kwargs) == {"shop", "actor"}


def test_next_is_followed_only_to_this_site(rf):
    request = rf.post("/", {"next": "/dashboard/curation/moderation/?page=2"})
    assert next_or(request, "/fallback/") == "/dashboard/curation/moderation/?page=2"
    for target in ("https://evil.example/", "//evil.example/", ""):
        assert next_or(rf.post("/", {"next": target}), "/fallback/") == "/fallback/"


# --- the detail page ----------------------------------------------------------------------


def test_the_detail_page_offers_what_the_status_allows(staff_client, shop):
    response = staff_client.get(detail_url(shop))
    assert response.context["actions"] == ("approve", "reject")
    body = response.content.decode()
    assert decide_url(shop, "approve") in body and decide_url(shop, "reject") in body
    assert decide_url(shop, "suspend") not in body
    staff_client.post(decide_url(shop, "approve"))
    response = staff_client.get(detail_url(shop))
    assert response.context["actions"] == ("suspend",)
    assert [o.url for o in response.context["offered_decisions"]] == [decide_url(shop, "suspend")]


def test_actions_for_keeps_the_declared_order():
    decisions = {
        "b": Decision(service=print, success="", offered_for=("new",)),
        "a": Decision(service=print, success="", offered_for=("new", "old")),
    }
    assert actions_for(decisions, "new") == ("b", "a")
    assert actions_for(decisions, "old") == ("a",)
    assert actions_for(decisions, "gone") == ()


# --- the list view ------------------------------------------------------------------------


@pytest.fixture
def three_shops(shop):
    others = [apply_for_shop(make_user(f"chu{i}@example.vn"), name=f"Cơ sở {i}") for i in (1, 2)]
    return [shop, *others]


def test_status_counts_and_the_status_filter(staff_client, three_shops):
    shop_reject(shop=three_shops[0], actor=None, reason="Thiếu giấy tờ")
    response = staff_client.get(reverse("shops-dashboard:list"), {"status": "pending"})
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts == {"pending": 2, "approved": 0, "rejected": 1, "suspended": 0}
    assert response.context["active_tab"] == "pending"
    assert {s.pk for s in response.context["shops"]} == {s.pk for s in three_shops[1:]}
    assert texts(response) == []


def test_an_invalid_filter_is_ignored_with_a_warning(staff_client, three_shops):
    response = staff_client.get(reverse("shops-dashboard:list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert texts(response) == ["Trạng thái lọc không hợp lệ đã được bỏ qua."]
    assert response.context["active_tab"] == ""
    assert len(response.context["shops"]) == 3


def test_a_bad_page_number_shows_a_page_not_a_404(staff_client, three_shops, monkeypatch):
    monkeypatch.setattr(shop_views.ApplicationListView, "paginate_by", 2)
    url = reverse("shops-dashboard:list")
    last = staff_client.get(url, {"page": "99"})
    assert last.status_code == 200 and last.context["page_obj"].number == 2
    assert len(last.context["shops"]) == 1
    first = staff_client.get(url, {"page": "abc"})
    assert first.status_code == 200 and first.context["page_obj"].number == 1


def test_the_list_page_header_comes_from_the_view(staff_client, three_shops):
    response = staff_client.get(reverse("shops-dashboard:list"))
    assert "dashboard/decision_queue_list.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "<title>Cửa hàng |" in body and "Đơn đăng ký và cửa hàng" in body
    assert '<body id="default" class="default shop-applications">' in body
