"""Issue 18, item 3: a buyer confirms delivery and opens a complaint with a photo on a phone,
the shop answers with a partial refund, the buyer disagrees and programme staff close it."""

from __future__ import annotations

import pytest
from PIL import Image

from marketplace.complaints.models import Complaint
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.shipments import order_received_by_buyer, shipment_hand_over
from shops.models import Partner, ShopMember
from tests.factories import PASSWORD, make_basket, make_user, place
from tests.functional.browser.helpers import DESKTOP, sign_in

pytestmark = [pytest.mark.browser]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def delivered_order(buyer):
    """`buyer`'s COD order of a demo shop's product, handed to GHN and received."""
    shop = Partner.objects.filter(status=Partner.Status.APPROVED, products__isnull=False).order_by("pk").first()
    owner = ShopMember.objects.filter(shop=shop, role=ShopMember.Role.OWNER).first().user
    product = shop.products.filter(stockrecords__num_in_stock__gt=2).order_by("pk").first()
    order = place(make_basket([(product, 1)], owner=buyer), user=buyer, email=buyer.email).purchase.orders.get()
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    shipment_hand_over(shop=shop, order=order, carrier="ghn", tracking_code="GYCYQNYK",
                       actor=owner, acting_as="owner")
    order_received_by_buyer(order=order, actor=buyer)
    return order, shop, owner


def test_complaint_with_a_photo_answered_by_the_shop_and_closed_by_staff(browsing, tmp_path):
    buyer = make_user("khieu.nai@example.vn")
    order, shop, owner = delivered_order(buyer)
    photo = tmp_path / "hu-vo.jpg"
    Image.new("RGB", (640, 480), (170, 110, 40)).save(photo, "JPEG")

    page = browsing.page
    sign_in(page, buyer.email, PASSWORD)
    page.goto(f"/accounts/orders/{order.number}/complaint/")
    browsing.shot("buyer complaint form")
    assert fits_the_phone(page)
    page.check("input[name=kind][value=refund_only]")
    page.select_option("select[name=reason]", "damaged")
    page.fill("textarea[name=message]", "Hũ mật ong bị nứt, chảy ra ngoài hộp.")
    page.fill("input[name=requested_amount]", "50.000")
    page.set_input_files("input[name=photos]", str(photo))
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_load_state()
    browsing.shot("buyer complaint sent")
    complaint = Complaint.objects.get(order=order)
    assert complaint.photos.count() == 1 and "để phản hồi" in page.inner_text("main")
    assert fits_the_phone(page)

    page = browsing.open()
    sign_in(page, owner.email)
    page.goto(f"/seller/{shop.code}/complaints/")
    browsing.shot("seller complaints")
    assert fits_the_phone(page)
    page.get_by_role("link", name=complaint.reference).click()
    page.wait_for_url(f"**/complaints/{complaint.pk}/")
    assert "để phản hồi" in page.inner_text("main")
    browsing.shot("seller complaint detail")
    assert fits_the_phone(page)
    page.check("input[name=answer][value=refund]")
    page.fill("input[name=amount]", "30.000")
    page.fill("textarea[name=note]", "Shop xin hoàn 30.000 ₫ vì chỉ nứt nắp.")
    page.get_by_role("button", name="Gửi phản hồi").click()
    page.wait_for_load_state()
    browsing.shot("seller answered")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.refund_amount) == ("refunded", 30_000)

    page = browsing.open()
    sign_in(page, buyer.email, PASSWORD)
    page.goto(f"/accounts/orders/{order.number}/complaint/")
    page.fill("textarea[name=note]", "Hũ nứt cả thân, mật chảy hết.")
    page.get_by_role("button", name="Không đồng ý").click()
    page.wait_for_load_state()
    browsing.shot("buyer disputed")
    complaint.refresh_from_db()
    assert complaint.status == "escalated"

    page = browsing.open(viewport=DESKTOP)
    sign_in(page, "staff@demo.ocop.vn")
    page.goto("/dashboard/complaints/")
    browsing.shot("staff queue")
    page.get_by_role("link", name=complaint.reference).click()
    page.wait_for_url(f"**/dashboard/complaints/{complaint.pk}/")
    browsing.shot("staff complaint detail")
    page.fill("#reason-close", "Đã gọi hai bên: shop hoàn thêm 20.000 ₫ tiền mặt.")
    page.get_by_role("button", name="Đóng yêu cầu", exact=True).click()
    page.wait_for_load_state()
    browsing.shot("staff closed")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == ("closed", "closed")
