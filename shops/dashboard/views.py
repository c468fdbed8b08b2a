"""Programme staff review shop applications: list, detail, decisions, the document; and
see how each shop's parcels are doing (/dashboard/shops/fulfilment/).

Staff only (`is_staff`): anonymous visitors are sent to the login page, every other
signed-in user (sellers included) gets 403. Decisions are POST-only and go through
shops.services, which checks the transition again under a row lock; the queue itself is
declared on marketplace.core.decision_queue.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from marketplace.core.decision_queue import (
    Decision,
    DecisionDetailMixin,
    DecisionView,
    QueueListView,
)
from marketplace.core.models import AuditEvent
from marketplace.core.staff import DecisionForm, ProgrammeStaffRequiredMixin, private_file_response
from marketplace.order.selectors import (
    FULFILMENT_COLUMNS,
    FULFILMENT_RETURN_DAYS,
    shop_fulfilment_rows,
)
from shops import services
from shops.dashboard.forms import ApplicationFilterForm
from shops.identity.selectors import identity_counts, identity_deadline, shop_identity_status
from shops.identity.services import RepresentativeError, representative_verify_by_staff
from shops.membership import MembershipError, member_revoke
from shops.models import Partner, ShopMember
from shops.selectors import application_list, application_status_counts, shop_audit_history

Status = Partner.Status

#: action → the decision; the detail page offers each for the statuses it names
DECISIONS = {
    "approve": Decision(
        service=services.shop_approve,
        success=gettext_lazy("Đã duyệt cửa hàng “%(name)s”."),
        offered_for=(Status.PENDING,),
        label=gettext_lazy("Duyệt cửa hàng"),
        style="success",
    ),
    "reject": Decision(
        service=services.shop_reject,
        reason_required=True,
        success=gettext_lazy("Đã từ chối đơn của “%(name)s”."),
        offered_for=(Status.PENDING,),
        label=gettext_lazy("Từ chối"),
        style="danger",
    ),
    "suspend": Decision(
        service=services.shop_suspend,
        reason_required=True,
        success=gettext_lazy("Đã tạm ngưng cửa hàng “%(name)s”."),
        offered_for=(Status.APPROVED,),
        label=gettext_lazy("Tạm ngưng"),
        style="danger",
    ),
    "reinstate": Decision(
        service=services.shop_reinstate,
        success=gettext_lazy("Đã khôi phục cửa hàng “%(name)s”."),
        offered_for=(Status.SUSPENDED,),
        label=gettext_lazy("Khôi phục"),
        style="success",
    ),
}


class ApplicationListView(QueueListView):
    template_name = "shops/dashboard/application_list.html"
    context_object_name = "shops"
    title = gettext_lazy("Cửa hàng")
    heading = gettext_lazy("Đơn đăng ký và cửa hàng")
    body_class = "shop-applications"
    filter_form_class = ApplicationFilterForm
    status_choices = Status.choices

    def list_items(self, **filters):
        return application_list(**filters)

    def count_statuses(self):
        return application_status_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deadline = identity_deadline()
        days_left = (deadline - timezone.localdate()).days
        context.update(
            identity_counts=identity_counts(),
            identity_deadline=deadline,
            identity_days_left=days_left,
            identity_days_overdue=max(-days_left, 0),
            identity_filter=self.filters.get("identity") or "",
        )
        return context


class FulfilmentListView(QueueListView):
    """Per shop: parcels in transit, late (SHIPMENT_LATE_DAYS), failed, returned lately — the
    columns declared in FULFILMENT_COLUMNS (marketplace/order/selectors.py); shops with
    nothing to show are left out. A list, not a decision queue: it shares the queue's page
    (header, pagination that never 404s) and has no tabs or decisions."""

    template_name = "shops/dashboard/fulfilment_list.html"
    context_object_name = "shops"
    title = gettext_lazy("Giao hàng của các cửa hàng")
    body_class = "shop-fulfilment"

    def list_items(self, **filters):
        return shop_fulfilment_rows()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = FULFILMENT_COLUMNS
        context["rows"] = [
            (shop, [(column.key, getattr(shop, column.key)) for column in FULFILMENT_COLUMNS])
            for shop in context["shops"]
        ]
        context["late_days"] = settings.SHIPMENT_LATE_DAYS
        context["return_days"] = FULFILMENT_RETURN_DAYS
        return context


class ApplicationDetailView(ProgrammeStaffRequiredMixin, DecisionDetailMixin, DetailView):
    template_name = "shops/dashboard/application_detail.html"
    context_object_name = "shop"
    slug_field = "code"
    slug_url_kwarg = "shop_code"
    decisions = DECISIONS
    decide_url_name = "shops-dashboard:decide"

    def get_queryset(self):
        return Partner.objects.select_related("applicant")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shop = self.object
        context.update(
            history=shop_audit_history(shop=shop),
            members=ShopMember.objects.filter(shop=shop)
            .select_related("user")
            .order_by("-created_at"),
            pending_helper=services.pending_helper(shop),
            identity_status=shop_identity_status(shop=shop),
            decision_form=kwargs.get("decision_form") or DecisionForm(),
            document_is_pdf=bool(shop.application_document)
            and shop.application_document.name.lower().endswith(".pdf"),
        )
        return context


class ApplicationDecisionView(DecisionView):
    model = Partner
    slug_field = "code"
    slug_url_kwarg = "shop_code"
    decisions = DECISIONS
    subject = "shop"
    refusals = (services.ShopDecisionError,)

    def describe(self, item) -> dict:
        return {"name": item.name}

    def get_success_url(self) -> str:
        return reverse("shops-dashboard:detail", kwargs={"shop_code": self.object.code})


class RepresentativeVerifyView(ProgrammeStaffRequiredMixin, View):
    """Staff have compared the shop's legal representative with the person's documents
    ("Đã đối chiếu giấy tờ"): verified by staff documents, with who and when. The form sends
    the record's revision its page showed, so a change saved meanwhile is not verified unseen."""

    http_method_names = ["post"]

    def post(self, request, shop_code: str):
        shop = get_object_or_404(Partner, code=shop_code)
        try:
            revision = int(request.POST.get("revision", ""))
            if not 0 < revision < 2**31:
                raise ValueError(revision)
        except ValueError:
            messages.error(request, _("Thông tin người đại diện vừa được sửa: vui lòng xem lại rồi xác nhận lần nữa."))
            return redirect("shops-dashboard:detail", shop_code=shop_code)
        try:
            representative_verify_by_staff(
                shop=shop, actor=request.user, revision=revision, note=request.POST.get("note", "")
            )
        except RepresentativeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã xác thực người đại diện của “%(name)s”.") % {"name": shop.name})
        return redirect("shops-dashboard:detail", shop_code=shop_code)


class ApplicationDocumentView(ProgrammeStaffRequiredMixin, View):
    """The application document, served to staff only (it is not for the public)."""

    def get(self, request, shop_code: str):
        shop = get_object_or_404(Partner, code=shop_code)
        return private_file_response(shop.application_document)


class MemberRevokeView(ProgrammeStaffRequiredMixin, View):
    """Programme staff end a member's access (e.g. a helper the household no longer wants).

    Not a DecisionView: its item is a membership, not the shop the page is about, and its
    refusal is told in the page's own words rather than the service's.
    """

    http_method_names = ["post"]

    def post(self, request, shop_code: str, member_pk: int):
        member = get_object_or_404(ShopMember.objects.active(), pk=member_pk, shop__code=shop_code)
        form = DecisionForm(request.POST, reason_required=True)
        if not form.is_valid():
            for error in form.errors.get("reason", []):
                messages.error(request, error)
            return redirect("shops-dashboard:detail", shop_code=shop_code)
        try:
            member_revoke(
                member=member, revoked_by=request.user, acting_as=AuditEvent.Capacity.PROGRAMME,
                reason=form.cleaned_data["reason"],
            )
        except MembershipError:
            messages.error(request, _("Không thể thu hồi: cửa hàng phải còn ít nhất một chủ."))
        else:
            messages.success(request, _("Đã thu hồi quyền của %(email)s.") % {"email": member.user.email})
        return redirect("shops-dashboard:detail", shop_code=shop_code)
