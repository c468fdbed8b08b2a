"""The complaint pages end to end: a buyer confirms delivery and opens a case with a photo, the
shop answers with a partial refund, the buyer disputes, programme staff close it — and the
bad input (late, not delivered, bad or too many photos, other people's orders and cases) is
answered with a clear message or a 404 and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marketplace.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from marketplace.complaints.services import complaint_open
from marketplace.core.media import public_media_type
from marketplace.core.models import AuditEvent
from marketplace.core.uploads import clean_image
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.links import purchase_access_token
from marketplace.order.models import Shipment
from marketplace.order.shipments import order_received_by_buyer, shipment_hand_over
from shops.models import ShopMember
from tests.factories import make_staff, make_user

from .conftest import another_order, delivered_order, jpeg_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def buyer_url(order) -> str:
    return reverse("complaints:buyer", kwargs={"order_number": order.number})


def guest_url(purchase, order, token=None) -> str:
    return reverse("complaints:guest", kwargs={
        "number": purchase.number, "token": token or purchase_access_token(purchase),
        "order_number": order.number,
    })


def seller_url(complaint, name="seller:complaint-detail") -> str:
    return reverse(name, kwargs={"shop_code": complaint.shop.code, "complaint_pk": complaint.pk})


def form_data(**changes):
    data = {"action": "open", "kind": "return_refund", "reason": "damaged",
            "message": "Hũ mật ong bị nứt, chảy ra ngoài.", "requested_amount": "150.000"}
    data.update(changes)
    return data


def nothing_created():
    return not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()


# --- the journey of the issue ------------------------------------------------------------


def test_delivered_complaint_with_a_photo_partial_refund_dispute_and_staff_close(
    client, buyer, django_capture_on_commit_callbacks
):
    """Another buyer confirms delivery and opens a complaint with a photo, which the shop
    answers and staff close."""
    world = delivered_order("htx-hanh-trinh", buyer, deliver_it=False)
    order, shop, owner = world["order"], world["shop"], world["owner"]
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    shipment_hand_over(shop=shop, order=order, carrier="ghn", tracking_code="GYCYQNYM",
                       actor=owner, acting_as="owner")
    # The buyer taps "Đã nhận hàng".
    assert order_received_by_buyer(order=order, actor=buyer) == 1
    assert order.shipments.get().delivery_confirmed_by == Shipment.ConfirmedBy.BUYER

    client.force_login(buyer)
    page = client.get(buyer_url(order))
    assert page.status_code == 200 and "Gửi yêu cầu" in page.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(buyer_url(order), form_data(photos=[jpeg_upload()]))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    photo = complaint.photos.get()
    assert photo.image.name.startswith("complaints/")
    assert public_media_type(photo.image.name) is None  # never served at /media/
    [to_shop] = mail.outbox
    assert to_shop.to == [owner.email] and order.number in to_shop.subject
    assert "Hãy phản hồi trước" in to_shop.body

    # The buyer's page shows the case, the deadline and the photo, which only they can open.
    page = client.get(buyer_url(order)).content.decode()
    assert "Cửa hàng còn 1 ngày 23 giờ để phản hồi" in page
    photo_url = reverse("complaints:buyer-photo", kwargs={"order_number": order.number, "photo_pk": photo.pk})
    assert photo_url in page
    served = client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, no-store"

    # The shop sees its deadline and answers with a partial refund.
    client.force_login(owner)
    listing = client.get(reverse("seller:complaints", kwargs={"shop_code": shop.code})).content.decode()
    assert complaint.reference in listing and "Còn 1 ngày 23 giờ để phản hồi" in listing
    detail = client.get(seller_url(complaint))
    assert detail.status_code == 200 and "Còn 1 ngày 23 giờ để phản hồi" in detail.content.decode()
    shop_photo = reverse("seller:complaint-photo", kwargs={
        "shop_code": shop.code, "complaint_pk": complaint.pk, "photo_pk": photo.pk})
    assert client.get(shop_photo).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(seller_url(complaint), {
            "answer": "refund", "amount": "50.000", "note": "Shop hoàn 50.000 ₫ cho hũ bị nứt."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.refund_amount, complaint.refund_owed) == ("refunded", 50_000, 50_000)
    [to_buyer] = mail.outbox
    assert to_buyer.to == [buyer.email] and "50.000 ₫" in to_buyer.body

    # The buyer disagrees: "Không đồng ý" with a reason.
    client.force_login(buyer)
    assert "Không đồng ý" in client.get(buyer_url(order)).content.decode()
    empty = client.post(buyer_url(order), {"action": "dispute", "note": ""})
    assert "Hãy cho biết vì sao bạn không đồng ý." in empty.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(buyer_url(order), {"action": "dispute", "note": "Cả hũ hỏng, cần hoàn 150.000 ₫."})
    complaint.refresh_from_db()
    assert complaint.status == "escalated" and complaint.escalation == "disputed"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.email, owner.email])

    # Programme staff find it first in the queue and close it with a refund.
    staff = make_staff()
    client.force_login(staff)
    queue = client.get(reverse("complaints-dashboard:list"))
    assert queue.status_code == 200 and complaint.reference in queue.content.decode()
    staff_page = client.get(reverse("complaints-dashboard:detail", kwargs={"pk": complaint.pk}))
    assert staff_page.status_code == 200 and "Cả hũ hỏng" in staff_page.content.decode()
    assert client.get(reverse("complaints-dashboard:photo", kwargs={"pk": complaint.pk, "photo_pk": photo.pk})).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints-dashboard:refund", kwargs={"pk": complaint.pk}),
                               {"amount": "100000", "reason": "Ảnh cho thấy cả hũ hỏng."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == ("closed", "refunded")
    assert (complaint.refund_amount, complaint.refund_owed) == (150_000, 150_000)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.email, owner.email])
    assert all("Ảnh cho thấy cả hũ hỏng." in m.body for m in mail.outbox)

    # Every step is in the thread both sides read, and in the audit log.
    assert list(complaint.events.values_list("action", flat=True)) == [
        "opened", "refunded", "disputed", "decided"]
    actions = set(AuditEvent.objects.filter(object_type="complaints.complaint").values_list("action", flat=True))
    assert actions == {"complaint.opened", "complaint.refunded", "complaint.escalated", "complaint.decided"}
    client.force_login(owner)
    shop_page = client.get(seller_url(complaint)).content.decode()
    assert "Đã trả lại 150.000 ₫ cho người mua" in shop_page


def test_a_guest_opens_a_case_through_the_signed_purchase_link(client, django_capture_on_commit_callbacks):
    world = delivered_order("htx-khach", None, email="khach@example.vn")
    url = guest_url(world["purchase"], world["order"])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(kind="complaint", requested_amount=""))
    assert response.status_code == 302 and response["Location"] == url
    complaint = Complaint.objects.get()
    assert complaint.user is None and complaint.contact_email == "khach@example.vn"
    # The shop's refusal reaches the guest at the purchase's address, with the signed link.
    mail.outbox.clear()
    client.force_login(world["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(seller_url(complaint), {"answer": "refuse", "note": "Đúng mẫu đã đặt."})
    [to_guest] = mail.outbox
    assert to_guest.to == ["khach@example.vn"] and url in to_guest.body
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "agree"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == ("closed", "agreed")


# --- bad input: a clear message, nothing changed ------------------------------------------


def test_a_text_file_named_jpg_is_refused_with_a_message(client, world):
    client.force_login(world["buyer"])
    fake = SimpleUploadedFile("anh.jpg", b"day khong phai la anh", content_type="image/jpeg")
    response = client.post(buyer_url(world["order"]), form_data(photos=[fake]))
    assert response.status_code == 400
    assert "anh.jpg: Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC." in response.content.decode()
    assert nothing_created()


def test_four_photos_are_refused_with_a_message(client, world):
    client.force_login(world["buyer"])
    photos = [jpeg_upload(f"{i}.jpg") for i in range(4)]
    response = client.post(buyer_url(world["order"]), form_data(photos=photos))
    assert response.status_code == 400
    assert "Chỉ được tải lên tối đa 3 tệp một lần." in response.content.decode()
    assert nothing_created()


def test_after_the_window_the_page_says_so_and_a_post_changes_nothing(client, world, settings):
    settings.COMPLAINT_WINDOW_DAYS = 7
    Shipment.objects.filter(order=world["order"]).update(
        delivered_at=timezone.now() - datetime.timedelta(days=8))
    client.force_login(world["buyer"])
    page = client.get(buyer_url(world["order"])).content.decode()
    assert "Đã quá thời hạn yêu cầu trả hàng/hoàn tiền cho đơn này." in page
    response = client.post(buyer_url(world["order"]), form_data())
    assert response.status_code == 400 and "quá thời hạn 7 ngày" in response.content.decode()
    assert nothing_created()


def test_an_order_on_its_way_cannot_have_a_case_yet(client, buyer):
    world = delivered_order("htx-dang-giao", buyer, deliver_it=False)
    client.force_login(buyer)
    page = client.get(buyer_url(world["order"])).content.decode()
    assert "Đơn hàng chưa được giao nên chưa thể yêu cầu trả hàng/hoàn tiền." in page
    response = client.post(buyer_url(world["order"]), form_data())
    assert response.status_code == 400 and "chưa được giao" in response.content.decode()
    assert nothing_created()


def test_a_requested_amount_above_what_was_paid_is_refused(client, world):
    client.force_login(world["buyer"])
    response = client.post(buyer_url(world["order"]), form_data(requested_amount="330.001"))
    assert response.status_code == 400 and "tối đa là 330.000 ₫" in response.content.decode()
    assert nothing_created()


def test_another_buyers_order_case_and_photo_answer_404(client, world):
    complaint = complaint_open(order=world["order"], user=world["buyer"], kind="complaint",
                               reason="other", message="Hộp móp.", photos=[])
    photo = ComplaintPhoto.objects.create(complaint=complaint, image="complaints/x.jpg")
    stranger = make_user("nguoi.khac@example.vn")
    client.force_login(stranger)
    url = buyer_url(world["order"])
    assert client.get(url).status_code == 404
    for data in (form_data(), {"action": "agree"}, {"action": "dispute", "note": "x"}):
        assert client.post(url, data).status_code == 404
    photo_url = reverse("complaints:buyer-photo", kwargs={"order_number": world["order"].number, "photo_pk": photo.pk})
    assert client.get(photo_url).status_code == 404
    # A wrong signature, or an order of another purchase behind a good one, is a 404 too.
    client.logout()
    assert client.get(guest_url(world["purchase"], world["order"], token="sai")).status_code == 404
    other = delivered_order("htx-khac", stranger)
    assert client.get(guest_url(other["purchase"], world["order"])).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == "open" and complaint.events.count() == 1


def test_a_signed_out_visitor_is_sent_to_sign_in(client, world):
    response = client.get(buyer_url(world["order"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_helper_may_refuse_but_not_refund(client, world):
    complaint = complaint_open(order=world["order"], user=world["buyer"], kind="refund_only",
                               reason="missing", message="Thiếu 1 hũ.", requested_amount=150_000)
    helper = make_user("hotro@example.vn")
    ShopMember.objects.create(shop=world["shop"], user=helper, role=ShopMember.Role.HELPER)
    client.force_login(helper)
    page = client.get(seller_url(complaint)).content.decode()
    assert 'value="refund"' not in page and 'value="refuse"' in page
    response = client.post(seller_url(complaint), {"answer": "refund", "amount": "10000"})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == "open" and complaint.refund_amount == 0


def test_the_shops_answer_is_checked_with_a_message(client, world):
    complaint = complaint_open(order=world["order"], user=world["buyer"], kind="refund_only",
                               reason="missing", message="Thiếu 1 hũ.", requested_amount=150_000)
    client.force_login(world["owner"])
    for data, message in (
        ({"answer": "refuse", "note": ""}, "Hãy ghi lý do từ chối"),
        ({"answer": "accept", "note": ""}, "Hãy hướng dẫn người mua cách gửi trả hàng"),
        ({"answer": "refund", "amount": ""}, "Hãy nhập số tiền hoàn"),
        ({"answer": "refund", "amount": "330.001"}, "Chỉ có thể hoàn tối đa 330.000 ₫."),
    ):
        response = client.post(seller_url(complaint), data)
        assert response.status_code == 400 and message in response.content.decode(), data
    complaint.refresh_from_db()
    assert complaint.status == "open" and not ComplaintEvent.objects.exclude(action="opened").exists()


# --- staff and the command ----------------------------------------------------------------


def test_the_queue_is_for_programme_staff_only(client, world):
    client.force_login(world["buyer"])
    assert client.get(reverse("complaints-dashboard:list")).status_code == 403
    client.force_login(world["owner"])
    assert client.get(reverse("complaints-dashboard:list")).status_code == 403


def test_the_escalation_command_is_safe_twice(world, capsys):
    complaint = complaint_open(order=world["order"], user=world["buyer"], kind="complaint",
                               reason="other", message="Hộp móp.")
    Complaint.objects.filter(pk=complaint.pk).update(shop_answer_due=timezone.now() - datetime.timedelta(minutes=1))
    call_command("complaints_escalate")
    call_command("complaints_escalate")
    out = capsys.readouterr().out
    assert "Đã chuyển 1 yêu cầu" in out and "Đã chuyển 0 yêu cầu" in out
    complaint.refresh_from_db()
    assert complaint.status == "escalated" and complaint.escalation == "deadline"
    assert complaint.events.filter(action="escalated").count() == 1


def test_list_pages_run_a_constant_number_of_queries(client, django_assert_max_num_queries):
    staff = make_staff()
    buyers = [make_user(f"m{i}@example.vn") for i in range(3)]
    world = delivered_order("htx-nhieu", buyers[0])
    shop, owner = world["shop"], world["owner"]

    def add_case(order):
        complaint_open(order=order, user=order.user, kind="complaint", reason="other",
                       message="Hộp móp.", photos=[jpeg_upload_clean()])

    def count(url, user):
        client.force_login(user)
        client.get(url)  # the session's and the site's first reads, cached after
        with django_assert_max_num_queries(60) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    add_case(world["order"])
    staff_one = count(reverse("complaints-dashboard:list"), staff)
    shop_one = count(reverse("seller:complaints", kwargs={"shop_code": shop.code}), owner)
    for buyer in buyers:
        add_case(another_order(world, buyer))
    add_case(delivered_order("htx-khac", buyers[1])["order"])
    assert Complaint.objects.filter(shop=shop).count() == 4
    assert count(reverse("complaints-dashboard:list"), staff) == staff_one
    assert count(reverse("seller:complaints", kwargs={"shop_code": shop.code}), owner) == shop_one


def jpeg_upload_clean():
    return clean_image(jpeg_upload())
