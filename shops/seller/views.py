"""Seller workspace entry: pick a shop (a helper may assist several); answer an invitation."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from marketplace.core.errors import Refused
from shops.access import shops_for_user
from shops.invitations import (
    invitation_accept,
    invitation_decline,
    invitation_expire_if_due,
    invitation_for_token,
    invitation_is_open,
)


class WorkspaceHomeView(LoginRequiredMixin, TemplateView):
    template_name = "seller/choose_shop.html"

    def get(self, request, *args, **kwargs):
        shops = list(shops_for_user(request.user))
        if len(shops) == 1:
            return redirect("seller:overview", shop_code=shops[0].code)
        return self.render_to_response(self.get_context_data(shops=shops))


class InvitationView(LoginRequiredMixin, TemplateView):
    """/seller/invitation/<token>/: the invitee sees the shop and the role, accepts or declines.

    Signed out, LoginRequiredMixin sends them to sign in (or register) with `next` back here.
    A token that does not exist or was sent to another address is a 404, the same answer.
    """

    template_name = "seller/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.invitation = invitation_for_token(token=kwargs["token"], user=request.user)
            if self.invitation is None:
                raise Http404("No invitation for this account")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        invitation_expire_if_due(self.invitation)
        self.invitation.refresh_from_db()
        return self.render_to_response(self.get_context_data(
            invitation=self.invitation, is_open=invitation_is_open(self.invitation),
        ))

    def post(self, request, *args, **kwargs):
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            return self.get(request, *args, **kwargs)
        try:
            if answer == "accept":
                member = invitation_accept(invitation=self.invitation, user=request.user)
            else:
                invitation_decline(invitation=self.invitation, user=request.user)
        except Refused as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        if answer == "decline":
            messages.info(request, _("Bạn đã từ chối lời mời của %(shop)s.") % {"shop": self.invitation.shop.name})
            return redirect("/")
        messages.success(
            request,
            _("Bạn đã tham gia %(shop)s với vai trò %(role)s.")
            % {"shop": member.shop.name, "role": member.get_role_display()},
        )
        return redirect("seller:overview", shop_code=member.shop.code)
