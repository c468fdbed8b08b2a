"""Two of Oscar's account views made safe (mounted in marketplace/urls.py before Oscar's).

- Sign-out only by POST: Oscar signs out on GET, so any other site could sign a buyer out
  with an <img>. A GET shows a one-button confirmation page instead.
- An order line: Oscar has no template for its GET page (a 500) and answers an unknown line
  with an unhandled DoesNotExist. A GET goes to the order's page; POST (re-order) is Oscar's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import generic
from django.views.decorators.cache import never_cache
from oscar.core.loading import get_class, get_model

Order = get_model("order", "Order")
OscarOrderLineView = get_class("customer.views", "OrderLineView")


@method_decorator(never_cache, name="dispatch")
class LogoutView(generic.TemplateView):
    template_name = "oscar/customer/logout_confirm.html"

    def post(self, request, *args, **kwargs):
        logout(request)
        response = redirect(settings.OSCAR_HOMEPAGE)
        for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
            response.delete_cookie(cookie)
        return response


class OrderLineView(OscarOrderLineView):
    def get(self, request, *args, **kwargs):
        self.get_object()  # 404 for another buyer's order or an unknown line
        return redirect("customer:order", order_number=kwargs["order_number"])

    def get_object(self, queryset=None):
        order = get_object_or_404(Order, user=self.request.user, number=self.kwargs["order_number"])
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])
