"""/accounts/privacy/: what the marketplace holds about the signed-in person and their rights
(PDP Law 91/2025): download it all as JSON, give or withdraw consent, ask for a correction,
delete the account. Thin views over marketplace/privacy/services.py and selectors.py."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from marketplace.core.errors import Refused
from marketplace.core.ratelimit import hit
from marketplace.privacy import selectors, services
from marketplace.privacy.forms import CorrectionForm, DeleteAccountForm, MarketingConsentForm
from marketplace.privacy.models import ConsentEvent

Purpose = ConsentEvent.Purpose


@method_decorator(never_cache, name="dispatch")
class PrivacyPageView(LoginRequiredMixin, TemplateView):
    template_name = "privacy/privacy_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        current = selectors.consents_current(user=user)
        marketing = current[Purpose.MARKETING_EMAIL]
        context.update(
            page_title=_("Dữ liệu cá nhân của tôi"),
            active_tab="privacy",
            notice=selectors.notice_current(),
            marketing=marketing,
            consent_form=kwargs.get("consent_form") or MarketingConsentForm(
                initial={"marketing_email": bool(marketing and marketing.action == ConsentEvent.Action.GIVEN)}
            ),
            correction_form=kwargs.get("correction_form") or CorrectionForm(),
            delete_form=kwargs.get("delete_form") or DeleteAccountForm(user=user),
            history=list(selectors.consent_history(user=user)[:20]),
            requests=list(selectors.person_requests(user=user)[:20]),
            blocking_shops=selectors.shops_blocking_deletion(user=user),
        )
        return context


class _PrivacyPost(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def page(self, status: int = 200, **forms):
        view = PrivacyPageView(request=self.request, args=(), kwargs={})
        response = view.render_to_response(view.get_context_data(**forms))
        response.status_code = status
        return response

    def back(self):
        return redirect(reverse("privacy:page"))

    def limited(self, scope: str, rate: str) -> int | None:
        """Count this person's request in `scope`; the seconds to wait when over `rate`."""
        verdict = hit(scope, f"user:{self.request.user.pk}", rate)
        return None if verdict.allowed else verdict.retry_after

    def too_many(self, retry_after: int, status: int = 429, **forms):
        response = self.page(status=status, **forms)
        response["Retry-After"] = str(retry_after)
        return response


def _minutes(seconds: int) -> int:
    return -(-seconds // 60)


class ExportView(_PrivacyPost):
    """POST: the person's data as a JSON file. Limited per person (a heavy read)."""

    def post(self, request):
        verdict = hit("privacy_export", f"user:{request.user.pk}", settings.PRIVACY_EXPORT_RATE_LIMIT)
        if not verdict.allowed:
            minutes = -(-verdict.retry_after // 60)
            messages.error(request, _("Bạn vừa tải dữ liệu nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")
                           % {"minutes": minutes})
            response = self.page(status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        data = selectors.person_export(user=request.user)
        services.export_logged(user=request.user)
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response


class ConsentView(_PrivacyPost):
    def post(self, request):
        if (wait := self.limited("privacy_consent", settings.PRIVACY_CONSENT_RATE_LIMIT)) is not None:
            messages.error(request, _("Bạn vừa thay đổi lựa chọn nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")
                           % {"minutes": _minutes(wait)})
            return self.too_many(wait)
        form = MarketingConsentForm(request.POST)
        form.is_valid()  # a lone optional checkbox is always valid
        given = bool(form.cleaned_data.get("marketing_email"))
        event = services.consent_set(user=request.user, purpose=Purpose.MARKETING_EMAIL, given=given)
        if event is None:
            messages.info(request, _("Lựa chọn của bạn không thay đổi."))
        elif given:
            messages.success(request, _("Đã ghi nhận: bạn đồng ý nhận e-mail giới thiệu sản phẩm."))
        else:
            messages.success(request, _("Đã ghi nhận: bạn rút lại đồng ý nhận e-mail giới thiệu sản phẩm."))
        return self.back()


class CorrectionView(_PrivacyPost):
    def post(self, request):
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self.page(status=400, correction_form=form)
        if (wait := self.limited("privacy_correction", settings.PRIVACY_CORRECTION_RATE_LIMIT)) is not None:
            form.add_error("details", _("Bạn đã gửi nhiều yêu cầu sửa dữ liệu. Vui lòng thử lại sau %(minutes)s phút.")
                           % {"minutes": _minutes(wait)})
            return self.too_many(wait, correction_form=form)
        try:
            logged = services.correction_request_submit(user=request.user, details=form.cleaned_data["details"])
        except Refused as refusal:
            for message in refusal.messages:
                form.add_error("details", message)
            return self.page(status=400, correction_form=form)
        messages.success(request, _("Đã nhận yêu cầu sửa dữ liệu. Ban quản lý sẽ trả lời trước %(due)s.")
                         % {"due": timezone.localtime(logged.due_at).strftime("%H:%M %d/%m/%Y")})
        return self.back()


@method_decorator(never_cache, name="dispatch")
class RequestDetailView(LoginRequiredMixin, TemplateView):
    """One of the person's own requests (another person's is a 404)."""

    template_name = "privacy/request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=_("Yêu cầu về dữ liệu cá nhân"), active_tab="privacy",
            privacy_request=selectors.person_request_or_404(user=self.request.user, pk=kwargs["pk"]),
        )
        return context


class DeleteAccountView(_PrivacyPost):
    def post(self, request):
        form = DeleteAccountForm(request.POST, user=request.user)
        if not form.is_valid():
            if form.retry_after is not None:
                return self.too_many(form.retry_after, delete_form=form)
            return self.page(status=400, delete_form=form)
        try:
            services.account_delete(user=request.user)
        except services.AccountGone:
            pass  # deleted by a request a moment before: the same outcome
        except Refused as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
            return self.page(status=409, delete_form=form)
        logout(request)
        messages.success(request, _("Tài khoản của bạn đã được xóa. Đơn hàng cũ được giữ lại cho sổ sách "
                                    "và thuế, không còn tên, điện thoại hay e-mail của bạn."))
        return redirect(settings.OSCAR_HOMEPAGE)
