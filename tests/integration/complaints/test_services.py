"""marketplace/complaints/services.py: a case opened after delivery, answered by the shop,
agreed or disputed by the buyer, escalated, decided by programme staff — with the money, the
thread and the audit that follow each move, and every refusal changing nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.complaints.selectors import complaint_refund_ceiling, shop_open_complaints_count
from marketplace.complaints.services import (
    ComplaintError,
    complaint_accept_return,
    complaint_agree,
    complaint_close,
    complaint_decide_refund,
    complaint_dispute,
    complaint_open,
    complaint_refund,
    complaint_refund_record,
    complaint_refuse,
    complaint_reject,
    complaints_escalate,
)
from marketplace.core.models import AuditEvent
from marketplace.core.uploads import clean_image
from marketplace.order.models import Order
from marketplace.payment.services import order_mark_paid
from tests.factories import make_staff, make_user

from .conftest import delivered_order, jpeg_upload

pytestmark = pytest.mark.django_db

Status = Complaint.Status


def open_case(world, **kwargs):
    values = {
        "order": world["order"], "user": world["buyer"], "kind": Complaint.Kind.REFUND_ONLY,
        "reason": Complaint.Reason.DAMAGED, "message": "Hũ mật ong bị vỡ khi nhận.",
        "requested_amount": 150_000,
    }
    values.update(kwargs)
    return complaint_open(**values)


def shop_args(world):
    return {"shop": world["shop"], "actor": world["owner"], "acting_as": "owner"}


def nothing_created():
    return not Complaint.objects.exists() and not ComplaintEvent.objects.exists()


# --- opening ------------------------------------------------------------------------------


def test_the_buyer_opens_a_case_with_a_photo_and_the_shop_has_two_days(world):
    before = timezone.now()
    photo = clean_image(jpeg_upload())
    complaint = open_case(world, photos=[photo])
    assert complaint.status == Status.OPEN and complaint.shop == world["shop"]
    assert complaint.user == world["buyer"] and complaint.contact_email == "mua@example.vn"
    assert complaint.requested_amount == 150_000
    due = complaint.shop_answer_due - before
    assert datetime.timedelta(days=2) <= due < datetime.timedelta(days=2, minutes=1)
    stored = complaint.photos.get()
    assert stored.image.name.startswith("complaints/") and stored.image.name.endswith(".jpg")
    event = complaint.events.get()
    assert (event.action, event.author, event.amount) == ("opened", "buyer", 150_000)
    audit = AuditEvent.objects.get(action="complaint.opened")
    assert audit.shop == world["shop"] and audit.acting_as == "buyer"
    assert shop_open_complaints_count(world["shop"]) == 1


def test_a_guest_case_keeps_the_purchase_email_and_the_delivery_phone():
    world = delivered_order("htx-khach", None, email="khach@example.vn")
    complaint = complaint_open(order=world["order"], user=None, kind="complaint",
                               reason="wrong_item", message="Giao nhầm loại.")
    assert complaint.user is None and complaint.contact_email == "khach@example.vn"
    assert complaint.contact_phone == "+84912345678" and complaint.requested_amount == 0


def test_an_order_not_delivered_yet_is_refused(buyer):
    world = {"buyer": buyer, **delivered_order("htx-chua-giao", buyer, deliver_it=False)}
    with pytest.raises(ComplaintError, match="chưa được giao"):
        open_case(world)
    assert nothing_created()


def test_the_window_closes_seven_days_after_delivery(world, settings):
    settings.COMPLAINT_WINDOW_DAYS = 7
    delivered = world["order"].shipments.get().delivered_at
    open_case(world, now=delivered + datetime.timedelta(days=6, hours=23))
    Complaint.objects.all().delete()
    ComplaintEvent.objects.all().delete()
    with pytest.raises(ComplaintError, match="quá thời hạn 7 ngày"):
        open_case(world, now=delivered + datetime.timedelta(days=7, minutes=1))
    assert nothing_created()


@pytest.mark.parametrize("amount, message", [
    (0, "số tiền muốn được hoàn"),
    (330_001, "tối đa là 330.000 ₫"),
    (-5, "không được âm"),
    ("mười nghìn", "số nguyên"),
])
def test_the_requested_amount_is_between_one_dong_and_what_was_paid(world, amount, message):
    with pytest.raises(ComplaintError, match=message):
        open_case(world, requested_amount=amount)
    assert nothing_created()


def test_the_full_amount_paid_may_be_requested(world):
    assert complaint_refund_ceiling(world["order"]) == 330_000
    assert open_case(world, requested_amount=330_000).requested_amount == 330_000


def test_four_photos_are_refused(world):
    photos = [ContentFile(b"x", name=f"{i}.jpg") for i in range(4)]
    with pytest.raises(ComplaintError, match="tối đa 3 ảnh"):
        open_case(world, photos=photos)
    assert nothing_created()


def test_one_live_case_per_order(world):
    open_case(world)
    with pytest.raises(ComplaintError, match="đang có một yêu cầu"):
        open_case(world)
    assert Complaint.objects.count() == 1


# --- the shop's answer --------------------------------------------------------------------


def test_the_shop_accepts_the_return_then_refunds_when_the_goods_are_back(world):
    complaint = open_case(world, kind=Complaint.Kind.RETURN_REFUND)
    complaint_accept_return(complaint=complaint, instructions="Gửi về 12 Ấp Tân Hưng, phí shop trả.",
                            **shop_args(world))
    assert complaint.status == Status.ACCEPTED and "Tân Hưng" in complaint.answer_note
    complaint_refund(complaint=complaint, amount=150_000, **shop_args(world))
    assert complaint.status == Status.REFUNDED and complaint.refund_amount == 150_000
    # COD: the shop hands the money back itself; it is owed until it records it.
    assert complaint.refund_owed == 150_000
    due = AuditEvent.objects.get(action="order.refund_due")
    assert due.data == {"amount": 150_000, "cause": "complaint", "complaint": complaint.pk}
    assert list(complaint.events.values_list("action", flat=True)) == ["opened", "accepted", "refunded"]


def test_a_shop_refund_above_what_was_paid_is_refused_and_changes_nothing(world):
    complaint = open_case(world)
    with pytest.raises(ComplaintError, match="tối đa 330.000 ₫"):
        complaint_refund(complaint=complaint, amount=330_001, **shop_args(world))
    complaint.refresh_from_db()
    assert complaint.status == Status.OPEN and complaint.refund_amount == 0
    assert not AuditEvent.objects.filter(action__in=["order.refund_due", "complaint.refunded"]).exists()


def test_a_refusal_needs_its_reason(world):
    complaint = open_case(world)
    with pytest.raises(ComplaintError, match="lý do từ chối"):
        complaint_refuse(complaint=complaint, reason="  ", **shop_args(world))
    complaint_refuse(complaint=complaint, reason="Ảnh cho thấy hũ còn nguyên.", **shop_args(world))
    assert complaint.status == Status.REFUSED


def test_the_same_answer_twice_applies_once(world):
    complaint = open_case(world)
    stale = Complaint.objects.get(pk=complaint.pk)
    complaint_refuse(complaint=complaint, reason="Không đúng.", **shop_args(world))
    with pytest.raises(ComplaintError, match="không còn chờ cửa hàng phản hồi"):
        complaint_refund(complaint=stale, amount=10_000, **shop_args(world))
    stale.refresh_from_db()
    assert stale.status == Status.REFUSED and stale.refund_amount == 0


def test_another_shop_cannot_answer(world):
    complaint = open_case(world)
    other = delivered_order("htx-khac", make_user("b2@example.vn"))
    with pytest.raises(ComplaintError, match="không thuộc cửa hàng"):
        complaint_refuse(complaint=complaint, shop=other["shop"], reason="x", actor=other["owner"],
                         acting_as="owner")
    complaint.refresh_from_db()
    assert complaint.status == Status.OPEN


def test_the_shop_records_the_cod_refund_once_the_order_is_paid(world):
    complaint = open_case(world)
    complaint_refund(complaint=complaint, amount=100_000, **shop_args(world))
    with pytest.raises(Exception, match="chưa được thanh toán"):
        complaint_refund_record(complaint=complaint, **shop_args(world))
    complaint.refresh_from_db()
    assert complaint.refund_owed == 100_000
    order_mark_paid(world["order"], actor=world["owner"], acting_as="owner")
    complaint_refund_record(complaint=complaint, **shop_args(world))
    order = Order.objects.get(pk=world["order"].pk)
    assert complaint.refund_owed == 0 and order.amount_refunded == 100_000
    assert order.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED
    with pytest.raises(ComplaintError, match="không còn khoản hoàn tiền"):
        complaint_refund_record(complaint=complaint, **shop_args(world))


# --- the buyer's reply, escalation, staff -------------------------------------------------


def test_the_buyer_agrees_and_the_case_closes(world):
    complaint = open_case(world)
    complaint_refund(complaint=complaint, amount=50_000, **shop_args(world))
    complaint_agree(complaint=complaint, actor=world["buyer"])
    assert complaint.status == Status.CLOSED and complaint.outcome == "agreed"
    assert shop_open_complaints_count(world["shop"]) == 0


def test_the_buyer_disputes_and_staff_decide(world):
    complaint = open_case(world)
    complaint_refund(complaint=complaint, amount=50_000, **shop_args(world))
    with pytest.raises(ComplaintError, match="lý do"):
        complaint_dispute(complaint=complaint, note="", actor=world["buyer"])
    complaint_dispute(complaint=complaint, note="Hũ vỡ hẳn, cần hoàn 150.000.", actor=world["buyer"])
    assert complaint.status == Status.ESCALATED and complaint.escalation == "disputed"
    staff = make_staff()
    complaint_decide_refund(complaint=complaint, amount=100_000, actor=staff, reason="Ảnh cho thấy hũ vỡ.")
    assert complaint.status == Status.CLOSED and complaint.outcome == "refunded"
    assert complaint.refund_amount == 150_000 and complaint.refund_owed == 150_000
    with pytest.raises(ComplaintError, match="đã đóng"):
        complaint_reject(complaint=complaint, actor=staff, reason="x")
    decided = AuditEvent.objects.get(action="complaint.decided")
    assert decided.acting_as == "programme" and decided.data["outcome"] == "refunded"


def test_staff_reject_or_close_with_a_reason(world):
    staff = make_staff()
    complaint = open_case(world)
    with pytest.raises(ComplaintError, match="lý do"):
        complaint_reject(complaint=complaint, actor=staff, reason=" ")
    complaint_close(complaint=complaint, actor=staff, reason="Hai bên đã thỏa thuận.")
    assert complaint.status == Status.CLOSED and complaint.outcome == "closed"


def test_escalation_after_the_deadline_is_safe_twice(world):
    complaint = open_case(world)
    assert complaints_escalate() == 0
    later = complaint.shop_answer_due + datetime.timedelta(minutes=1)
    assert complaints_escalate(now=later) == 1
    assert complaints_escalate(now=later) == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.ESCALATED and complaint.escalation == "deadline"
    assert AuditEvent.objects.filter(action="complaint.escalated").count() == 1
    with pytest.raises(ComplaintError, match="không còn chờ cửa hàng phản hồi"):
        complaint_refuse(complaint=complaint, reason="Muộn", **shop_args(world))
