"""People with data to export or delete: a buyer's delivered order through checkout, a
review, a complaint, an address book entry and a failed sign-in (marketplace/privacy/)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.complaints.services import complaint_open
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.shipments import shipment_delivered, shipment_hand_over

from .catalogue import make_product
from .orders import ADDRESS, make_basket, place
from .shops import make_option, make_shop
from .users import make_user

UserAddress = get_model("address", "UserAddress")
ProductReview = get_model("reviews", "ProductReview")


def delivered_purchase(shop, buyer, product, *, quantity: int = 1, owner=None, address: dict | None = None):
    """`buyer` places `quantity` × `product` (COD) and the shop delivers it; the order."""
    placement = place(make_basket([(product, quantity)], owner=buyer), user=buyer, email=buyer.email,
                      address=address or ADDRESS)
    order = placement.purchase.orders.get()
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    shipment = shipment_hand_over(shop=shop, order=order, carrier="self", actor=owner, acting_as="owner")
    shipment_delivered(shipment=shipment, actor=owner, acting_as="owner")
    order.refresh_from_db()
    return order


def person_with_data(email: str, *, shop_code: str, name: str, phone: str, orders: int = 1) -> dict:
    """A buyer with `orders` delivered orders from a new shop, a saved address, a review, a
    complaint and a failed sign-in: every kind of row the export and the deletion touch."""
    buyer = make_user(email, first_name=name)
    owner = make_user(f"chu@{shop_code}.vn")
    shop = make_shop(shop_code, owner=owner)
    make_option(shop, fee=30_000)
    product = make_product(shop, f"Mật ong {shop_code}", price=150_000, stock=50)
    address = {**ADDRESS, "first_name": name, "phone_number": phone}
    placed = [delivered_purchase(shop, buyer, product, owner=owner, address=address) for _ in range(orders)]
    UserAddress.objects.create(user=buyer, first_name=name, line1="9 Đường Lý Thường Kiệt",
                               line4="Cà Mau", phone_number=phone, country_id="VN")
    ProductReview.objects.create(product=product, user=buyer, score=5, title="Ngon",
                                 body=f"Mật ong thơm, {name} sẽ mua lại.")
    complaint = complaint_open(order=placed[0], user=buyer, kind="complaint", reason="other",
                               message=f"{name}: giao trễ hai ngày.", requested_amount=0)
    AccessAttempt.objects.create(username=email, ip_address="10.0.0.7", user_agent="Android",
                                 attempt_time=timezone.now(), failures_since_start=1,
                                 get_data="", post_data="", http_accept="", path_info="/accounts/login/")
    return {"buyer": buyer, "owner": owner, "shop": shop, "product": product, "orders": placed,
            "complaint": complaint, "name": name, "phone": phone}
