"""The buyer's complaint page of one shop order: open a return, refund or complaint after
delivery, read the thread, agree with the shop's answer or dispute it.

Two doors to the same page: `/accounts/orders/<order number>/complaint/` for the signed-in
buyer (another buyer's order is a 404), and
`/checkout/purchases/<number>/<token>/orders/<order number>/complaint/` behind the signed
purchase link of the confirmation e-mail, for guests (a wrong token, or an order of another
purchase, is a 404). Writes go through marketplace/complaints/services.py; a refusal is
shown on the page and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from marketplace.complaints import selectors, services
from marketplace.complaints.forms import ComplaintForm, DisputeForm
from marketplace.complaints.models import ComplaintPhoto
from marketplace.complaints.services import ComplaintError
from marketplace.core.staff import private_file_response
from marketplace.order.links import purchase_access_token, purchase_from_token, purchase_link


class BuyerComplaintBase(View):
    """GET shows the case (or the form to open one); POST `action` = open, agree, dispute."""

    template_name = ""
    photo_url_name = ""

    def get_order(self):
        raise NotImplementedError

    def url_kwargs(self) -> dict:
        raise NotImplementedError

    def page_url(self) -> str:
        return reverse(self.request.resolver_match.view_name, kwargs=self.url_kwargs())

    def extra_context(self) -> dict:
        return {}

    def actor(self):
        return self.request.user if self.request.user.is_authenticated else None

    def buyer(self, order):
        """The account a new case belongs to: the signed-in buyer of the order, else none
        (a guest, or someone else holding the signed link, is reached at the purchase's
        e-mail)."""
        user = self.actor()
        return user if user is not None and user.pk == order.user_id else None

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_order())

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        action = request.POST.get("action", "open")
        if action == "open":
            return self.open(order)
        complaint = selectors.order_live_complaint(order)
        if complaint is None or action not in ("agree", "dispute"):
            messages.error(request, _("Yêu cầu không còn chờ bạn xác nhận (có thể vừa được cập nhật)."))
            return redirect(self.page_url())
        if action == "agree":
            try:
                services.complaint_agree(complaint=complaint, actor=self.actor())
            except ComplaintError as refused:
                return self.refused(refused)
            messages.success(request, _("Cảm ơn bạn. Yêu cầu đã được đóng."))
            return redirect(self.page_url())
        form = DisputeForm(request.POST)
        if not form.is_valid():
            return self.render_page(order, dispute_form=form)
        try:
            services.complaint_dispute(complaint=complaint, note=form.cleaned_data["note"],
                                       actor=self.actor())
        except ComplaintError as refused:
            return self.refused(refused)
        messages.success(request, _("Đã chuyển yêu cầu cho Ban quản lý chương trình xem xét."))
        return redirect(self.page_url())

    def open(self, order):
        ceiling = selectors.complaint_refund_ceiling(order)
        form = ComplaintForm(self.request.POST, self.request.FILES, ceiling=ceiling)
        if not form.is_valid():
            return self.render_page(order, form=form, status=400)
        data = form.cleaned_data
        try:
            services.complaint_open(
                order=order, user=self.buyer(order), kind=data["kind"], reason=data["reason"],
                message=data["message"], requested_amount=data["requested_amount"] or 0,
                photos=data["photos"],
            )
        except ComplaintError as refused:
            for message in refused.messages:
                form.add_error(None, message)
            return self.render_page(order, form=form, status=400)
        messages.success(self.request, _("Đã gửi yêu cầu. Cửa hàng sẽ phản hồi trong thời hạn ghi bên dưới."))
        return redirect(self.page_url())

    def refused(self, refused: ComplaintError):
        for message in refused.messages:
            messages.error(self.request, message)
        return redirect(self.page_url())

    def render_page(self, order, *, form=None, dispute_form=None, status=200):
        entry = selectors.complaint_entry(order)
        context = {
            "order": order,
            "entry": entry,
            "page_url": self.page_url(),
            "form": form,
            "dispute_form": dispute_form or DisputeForm(),
            **self.extra_context(),
        }
        if entry.complaint is not None:
            thread = selectors.complaint_thread(entry.complaint)
            context.update(thread)
            context["photo_urls"] = [self.photo_url(photo) for photo in thread["photos"]]
        if entry.can_open and form is None:
            context["form"] = ComplaintForm(ceiling=selectors.complaint_refund_ceiling(order))
        return render(self.request, self.template_name, context, status=status)

    def photo_url(self, photo) -> str:
        return reverse(self.photo_url_name, kwargs={**self.url_kwargs(), "photo_pk": photo.pk})


class AccountComplaintView(LoginRequiredMixin, BuyerComplaintBase):
    template_name = "complaints/buyer_account.html"
    photo_url_name = "complaints:buyer-photo"

    def get_order(self):
        return selectors.buyer_order_or_404(user=self.request.user,
                                            order_number=self.kwargs["order_number"])

    def url_kwargs(self) -> dict:
        return {"order_number": self.kwargs["order_number"]}

    def page_url(self) -> str:
        return reverse("complaints:buyer", kwargs=self.url_kwargs())


class GuestComplaintView(BuyerComplaintBase):
    template_name = "complaints/buyer_guest.html"
    photo_url_name = "complaints:guest-photo"

    def dispatch(self, request, *args, **kwargs):
        self.purchase = purchase_from_token(kwargs["number"], kwargs["token"])
        if self.purchase is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_order(self):
        return selectors.purchase_order_or_404(purchase=self.purchase,
                                               order_number=self.kwargs["order_number"])

    def url_kwargs(self) -> dict:
        return {"number": self.purchase.number, "token": purchase_access_token(self.purchase),
                "order_number": self.kwargs["order_number"]}

    def page_url(self) -> str:
        return reverse("complaints:guest", kwargs=self.url_kwargs())

    def extra_context(self) -> dict:
        return {"purchase": self.purchase, "purchase_url": purchase_link(self.purchase)}


class AccountPhotoView(LoginRequiredMixin, View):
    """A photo of the signed-in buyer's own case; any other is a 404."""

    def get(self, request, order_number: str, photo_pk: int):
        order = selectors.buyer_order_or_404(user=request.user, order_number=order_number)
        return private_file_response(get_object_or_404(ComplaintPhoto, pk=photo_pk, complaint__order=order).image)


class GuestPhotoView(View):
    """A photo of a case behind the signed purchase link."""

    def get(self, request, number: str, token: str, order_number: str, photo_pk: int):
        purchase = purchase_from_token(number, token)
        if purchase is None:
            raise Http404
        order = selectors.purchase_order_or_404(purchase=purchase, order_number=order_number)
        return private_file_response(get_object_or_404(ComplaintPhoto, pk=photo_pk, complaint__order=order).image)
