"""The base of programme staff's decision queues: a list to work through, a decision per item.

A queue is declared, not written again: its decisions (`Decision`: the service, whether a
reason is required, the success message, the statuses that offer it), a list view
(`QueueListView`: filter form → selector, status counts, pagination that never 404s), a
decision view (`DecisionView`: POST only, 404 for an unknown action, the reason checked
with `DecisionForm`, the service called with the actor and reason, its refusal shown as a
message, redirect back) and, where the queue has a detail page, `DecisionDetailMixin` for
the decisions its status offers. Shop applications, OCOP certificates, product moderation
and payments are queues; settlement, tax and complaints will be.

The services own the rules: each checks the transition again under a lock, writes the audit
row and triggers the notification, so a decision taken here has the same effects as one
taken anywhere else. The list pages share `dashboard/decision_queue_list.html`.

A new queue, say settlements, is a few declarations (then two URLs and a template that
extends the list page and fills `queue_items`):

    DECISIONS = {
        "approve": Decision(service=settlement_approve, success=_("Đã duyệt “%(name)s”.")),
        "reject": Decision(service=settlement_reject, reason_required=True, success=...),
    }

    class SettlementListView(QueueListView):
        template_name, context_object_name, title = ..., "settlements", _("Quyết toán")
        filter_form_class, status_choices = SettlementFilterForm, Settlement.Status.choices

        def list_items(self, **filters):
            return settlement_list(**filters)

        def count_statuses(self):
            return settlement_status_counts()

    class SettlementDecisionView(DecisionView):
        model, pk_url_kwarg, decisions, subject = Settlement, "pk", DECISIONS, "settlement"

        def describe(self, item):
            return {"name": item.shop.name}

        def get_success_url(self):
            return next_or(self.request, reverse("settlements:list"))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView
from django.views.generic.detail import SingleObjectMixin

from marketplace.core.errors import Refused
from marketplace.core.staff import DecisionForm, ProgrammeStaffRequiredMixin


@dataclass(frozen=True)
class Decision:
    """One decision staff may take on an item of a queue.

    `service` is called as `service(<subject>=item, actor=user, reason=reason)`; without
    `reason` when `asks_reason` is False (bind other keywords with `functools.partial`).
    `success` is %-formatted with the view's `describe(item)`. `offered_for` are the
    statuses whose detail page offers the decision, as a button `label` in `style`.
    """

    service: Callable[..., Any]
    success: str
    reason_required: bool = False
    asks_reason: bool = True
    offered_for: tuple[str, ...] = ()
    label: str = ""
    style: str = "primary"


@dataclass(frozen=True)
class OfferedDecision:
    """A decision as a detail page offers it: the action's name, the decision, its URL."""

    action: str
    decision: Decision
    url: str


def actions_for(decisions: Mapping[str, Decision], status: str) -> tuple[str, ...]:
    """The actions offered for an item in `status`, in the order they were declared."""
    return tuple(action for action, decision in decisions.items() if status in decision.offered_for)


def next_or(request, fallback: str) -> str:
    """Where to go back to: the local page the form came from (its `next`), else `fallback`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class StaffPageMixin(ProgrammeStaffRequiredMixin):
    """A programme-staff page: gives the list-page template its header.

    Context: `page_title` (the window title and the breadcrumb), `page_heading` (the page's
    heading; the title unless told) and `page_class` (added to the body's class).
    """

    title: str = ""
    heading: str = ""
    body_class: str = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=self.title,
            page_heading=self.heading or self.title,
            page_class=self.body_class,
        )
        return context


class QueueListView(StaffPageMixin, ListView):
    """The list of a queue: filters, status tabs with counts, one page of items.

    Declare `list_items` (the selector, called with the filters), `filter_form_class` (a
    form with `filters() -> dict`; an invalid one is ignored with `invalid_filter_message`)
    and, for status tabs, `status_choices` and `count_statuses`. A page number out of range
    or not a number shows the last or first page instead of a 404.

    Context besides ListView's: `filter_form`, `filters`, `status_counts` [(value, label,
    count)] when the queue counts statuses, `active_tab` (the status filtered on, or "").
    """

    paginate_by = 50
    filter_form_class: type[forms.Form] | None = None
    filter_form: forms.Form | None = None
    invalid_filter_message = _("Trạng thái lọc không hợp lệ đã được bỏ qua.")
    status_choices: Sequence[tuple[str, str]] = ()

    def list_items(self, **filters) -> QuerySet:
        raise NotImplementedError

    def count_statuses(self) -> Mapping[str, int] | None:
        """The number of items per status, for the tabs; None for a queue without tabs."""
        return None

    def get_filters(self) -> dict:
        if self.filter_form_class is None:
            return {}
        self.filter_form = self.filter_form_class(self.request.GET or None)
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            messages.warning(self.request, self.invalid_filter_message)
        return self.filter_form.filters()

    def get_queryset(self):
        self.filters = self.get_filters()
        return self.list_items(**self.filters)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def active_tab(self) -> str:
        return self.filters.get("status") or ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form, filters=self.filters, active_tab=self.active_tab()
        )
        counts = self.count_statuses()
        if counts is not None:
            context["status_counts"] = [
                (value, label, counts.get(value, 0)) for value, label in self.status_choices
            ]
        return context


class DecisionDetailMixin:
    """A detail page that offers the decisions its item's status allows.

    Declare `decisions` and `decide_url_name` (the DecisionView's URL, reversed with this
    page's URL arguments and the action). Context: `actions` (the names) and
    `offered_decisions` [OfferedDecision] for `dashboard/partials/decisions.html`.
    """

    decisions: Mapping[str, Decision] = {}
    decide_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actions = actions_for(self.decisions, self.object.status)
        context.update(
            actions=actions,
            offered_decisions=[
                OfferedDecision(
                    action=action,
                    decision=self.decisions[action],
                    url=reverse(self.decide_url_name, kwargs={**self.kwargs, "action": action}),
                )
                for action in actions
            ],
        )
        return context


class DecisionView(ProgrammeStaffRequiredMixin, SingleObjectMixin, View):
    """POST …/<action>/: take one decision on one item, say how it went, go back.

    Declare `decisions`, `subject` (the keyword the services take the item by), how to find
    the item (SingleObjectMixin: `queryset`, `slug_field`/`slug_url_kwarg` or
    `pk_url_kwarg`), `get_success_url()` (where to go back) and `describe(item)` (the
    success message's values). A view for a single decision names it in `action`; otherwise
    the URL's `action` picks it. The service's refusal (`Refused`, or a class the queue
    lists in `refusals`) becomes error messages; nothing else is caught.
    """

    http_method_names = ["post"]
    decisions: Mapping[str, Decision] = {}
    subject = ""
    action: str | None = None
    refusals: tuple[type[Exception], ...] = ()

    def describe(self, item) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        decision = self.decisions.get(self.action or kwargs.get("action", ""))
        if decision is None:
            raise Http404
        self.object = item = self.get_object()
        arguments = {self.subject: item, "actor": request.user}
        if decision.asks_reason:
            form = DecisionForm(request.POST, reason_required=decision.reason_required)
            if not form.is_valid():
                for error in form.errors.get("reason", []):
                    messages.error(request, error)
                return redirect(self.get_success_url())
            arguments["reason"] = form.cleaned_data["reason"]
        try:
            decision.service(**arguments)
        except (Refused, *self.refusals) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
        else:
            messages.success(request, decision.success % self.describe(item))
        return redirect(self.get_success_url())
