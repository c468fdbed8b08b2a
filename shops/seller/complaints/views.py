"""Seller workspace, returns and complaints: the shop's cases, each with its thread and the
shop's answer (accept the return with instructions, refund part or all, refuse with a reason)
before its deadline.

Thin views: reads in marketplace/complaints/selectors.py, writes in
marketplace/complaints/services.py; every case is looked up from `self.shop`, so another
shop's case answers 404. Refunds are money: only the shop's owner and staff may give one or
record one (as for the order's own refund form); a helper may accept or refuse.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from marketplace.complaints import selectors, services
from marketplace.complaints.forms import ShopAnswerForm
from marketplace.complaints.models import Complaint
from marketplace.core.errors import Refused
from marketplace.core.money import format_vnd
from marketplace.core.staff import private_file_response
from shops.seller.mixins import SellerShopMixin
from shops.seller.operations.views import MONEY_ROLES, PostOnlyMixin

PAGE_SIZE = 20
#: the list's filter for every case not closed yet
ACTIVE = "active"


class ComplaintListView(SellerShopMixin, ListView):
    template_name = "seller/complaints/complaint_list.html"
    context_object_name = "complaints"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in Complaint.Status.values or status == ACTIVE else ""
        if self.status == ACTIVE:  # every case still being handled (the overview's tile)
            return selectors.shop_complaint_list(shop=self.shop, active=True)
        return selectors.shop_complaint_list(shop=self.shop, status=self.status)

    def paginate_queryset(self, queryset, page_size):
        # A page out of range or not a number shows the last or first page, never a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.shop_complaint_status_counts(self.shop)
        context.update(
            status=self.status,
            active_count=sum(n for value, n in counts.items() if value != Complaint.Status.CLOSED),
            status_tabs=[(value, label, counts.get(value, 0)) for value, label in Complaint.Status.choices],
        )
        return context


class ComplaintMixin(SellerShopMixin):
    def get_object(self) -> Complaint:
        if not hasattr(self, "complaint"):
            self.complaint = selectors.shop_complaint_or_404(
                shop=self.shop, complaint_pk=self.kwargs["complaint_pk"]
            )
        return self.complaint

    @property
    def handles_money(self) -> bool:
        return self.membership.role in MONEY_ROLES

    def detail_url(self) -> str:
        return reverse("seller:complaint-detail",
                       kwargs={"shop_code": self.shop.code, "complaint_pk": self.kwargs["complaint_pk"]})


class ComplaintDetailView(ComplaintMixin, TemplateView):
    template_name = "seller/complaints/complaint_detail.html"

    def answers(self, complaint: Complaint) -> tuple[str, ...]:
        """The answers the case's status allows this member."""
        refund = (ShopAnswerForm.REFUND,) if self.handles_money else ()
        if complaint.status == Complaint.Status.OPEN:
            return (ShopAnswerForm.ACCEPT, *refund, ShopAnswerForm.REFUSE)
        if complaint.status == Complaint.Status.ACCEPTED:
            return refund
        return ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint = self.get_object()
        thread = selectors.complaint_thread(complaint)
        answers = self.answers(complaint)
        form = kwargs.get("form")
        if form is None and answers:
            form = ShopAnswerForm(answers=answers, initial={"amount": complaint.requested_amount or None})
        context.update(
            thread,
            order=complaint.order,
            form=form,
            ceiling=selectors.complaint_refund_ceiling(complaint.order),
            handles_money=self.handles_money,
            photo_urls=[
                reverse("seller:complaint-photo", kwargs={
                    "shop_code": self.shop.code, "complaint_pk": complaint.pk, "photo_pk": photo.pk,
                })
                for photo in thread["photos"]
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        complaint = self.get_object()
        answers = self.answers(complaint)
        form = ShopAnswerForm(request.POST, answers=answers)
        if not answers or not form.is_valid():
            if not answers:
                messages.error(request, _("Yêu cầu không còn chờ cửa hàng phản hồi (có thể vừa được "
                                          "cập nhật hoặc đã chuyển Ban quản lý chương trình)."))
                return redirect(self.detail_url())
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        who = {"complaint": complaint, "shop": self.shop, "actor": request.user, "acting_as": self.capacity}
        try:
            if data["answer"] == ShopAnswerForm.ACCEPT:
                services.complaint_accept_return(instructions=data["note"], **who)
                done = _("Đã gửi hướng dẫn trả hàng cho người mua.")
            elif data["answer"] == ShopAnswerForm.REFUND:
                services.complaint_refund(amount=data["amount"], note=data["note"], **who)
                done = _("Đã hoàn %(amount)s cho người mua.") % {"amount": format_vnd(data["amount"])}
            else:
                services.complaint_refuse(reason=data["note"], **who)
                done = _("Đã gửi lý do từ chối cho người mua.")
        except Refused as refused:  # the case moved on, an amount too high, Stripe refused
            for message in refused.messages:
                form.add_error(None, message)
            self.complaint = selectors.shop_complaint_or_404(shop=self.shop, complaint_pk=complaint.pk)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, done)
        return redirect(self.detail_url())


class ComplaintRefundRecordView(ComplaintMixin, PostOnlyMixin, View):
    """The shop handed back the money a case owes the buyer (COD, transfer)."""

    def post(self, request, *args, **kwargs):
        complaint = self.get_object()
        if not self.handles_money:
            raise Http404("Only the owner or the shop's staff may record money")
        owed = complaint.refund_owed
        try:
            services.complaint_refund_record(complaint=complaint, shop=self.shop, actor=request.user,
                                             acting_as=self.capacity)
        except Refused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã ghi nhận hoàn %(amount)s cho người mua.")
                             % {"amount": format_vnd(owed)})
        return redirect(self.detail_url())


class ComplaintPhotoView(ComplaintMixin, View):
    """A photo of the shop's own case (photos are not public media)."""

    def get(self, request, *args, **kwargs):
        photo = self.get_object().photos.filter(pk=kwargs["photo_pk"]).first()
        if photo is None:
            raise Http404
        return private_file_response(photo.image)

    def post(self, request, *args, **kwargs):
        self.get(request, *args, **kwargs)  # another shop's photo is a 404, not a 405
        return HttpResponseNotAllowed(["GET"])
