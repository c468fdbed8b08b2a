"""Programme staff review shop applications: list, detail, decisions, the document.

Staff only (`is_staff`): anonymous visitors are sent to the login page, every other
signed-in user (sellers included) gets 403. Decisions are POST-only and go through
shops.services, which checks the transition again under a row lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from marketplace.core.staff import DecisionForm, ProgrammeStaffRequiredMixin, private_file_response
from shops import services
from shops.dashboard.forms import ApplicationFilterForm
from shops.models import Partner, ShopMember
from shops.selectors import application_list, application_status_counts, shop_audit_history

#: action → (service, reason required, success message)
DECISIONS = {
    "approve": (services.shop_approve, False, gettext_lazy("Đã duyệt cửa hàng “%(name)s”.")),
    "reject": (services.shop_reject, True, gettext_lazy("Đã từ chối đơn của “%(name)s”.")),
    "suspend": (services.shop_suspend, True, gettext_lazy("Đã tạm ngưng cửa hàng “%(name)s”.")),
    "reinstate": (
        services.shop_reinstate,
        False,
        gettext_lazy("Đã khôi phục cửa hàng “%(name)s”."),
    ),
}
#: which decisions the detail page offers for each status
ACTIONS_FOR_STATUS = {
    Partner.Status.PENDING: ("approve", "reject"),
    Partner.Status.APPROVED: ("suspend",),
    Partner.Status.SUSPENDED: ("reinstate",),
    Partner.Status.REJECTED: (),
}


class ApplicationListView(ProgrammeStaffRequiredMixin, ListView):
    template_name = "shops/dashboard/application_list.html"
    context_object_name = "shops"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = ApplicationFilterForm(self.request.GET or None)
        if self.request.GET.get("status") and not self.filter_form.is_valid():
            messages.warning(self.request, _("Trạng thái lọc không hợp lệ đã được bỏ qua."))
        return application_list(status=self.filter_form.status_filter())

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        counts = application_status_counts()
        context["status_counts"] = [
            (value, label, counts.get(value, 0)) for value, label in Partner.Status.choices
        ]
        return context


class ApplicationDetailView(ProgrammeStaffRequiredMixin, DetailView):
    template_name = "shops/dashboard/application_detail.html"
    context_object_name = "shop"
    slug_field = "code"
    slug_url_kwarg = "shop_code"

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
            actions=ACTIONS_FOR_STATUS.get(shop.status, ()),
            decision_form=kwargs.get("decision_form") or DecisionForm(),
            document_is_pdf=bool(shop.application_document)
            and shop.application_document.name.lower().endswith(".pdf"),
        )
        return context


class ApplicationDecisionView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, shop_code: str, action: str):
        if action not in DECISIONS:
            raise Http404
        service, reason_required, success = DECISIONS[action]
        shop = get_object_or_404(Partner, code=shop_code)
        form = DecisionForm(request.POST, reason_required=reason_required)
        if not form.is_valid():
            for error in form.errors.get("reason", []):
                messages.error(request, error)
            return redirect("shops-dashboard:detail", shop_code=shop.code)
        try:
            service(shop=shop, actor=request.user, reason=form.cleaned_data["reason"])
        except services.ShopDecisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success % {"name": shop.name})
        return redirect("shops-dashboard:detail", shop_code=shop.code)


class ApplicationDocumentView(ProgrammeStaffRequiredMixin, View):
    """The application document, served to staff only (it is not for the public)."""

    def get(self, request, shop_code: str):
        shop = get_object_or_404(Partner, code=shop_code)
        return private_file_response(shop.application_document)


class MemberRevokeView(ProgrammeStaffRequiredMixin, View):
    """Programme staff end a member's access (e.g. a helper the household no longer wants)."""

    http_method_names = ["post"]

    def post(self, request, shop_code: str, member_pk: int):
        from marketplace.core.models import AuditEvent
        from shops.membership import MembershipError, member_revoke

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
