"""Template tags of personal data: the privacy policy's URL and the notice in force.

`{% privacy_policy_url as url %}` — the live info page with slug settings.PRIVACY_POLICY_SLUG
(from the footer's cached links: no query), "" when it is not published.
`{% privacy_notice as notice %}` — the PrivacyNotice in force today.
`{% privacy_notice_for page as notice %}` — the same, only on the privacy policy's own page.
"""

from __future__ import annotations

from django import template
from django.conf import settings

from marketplace.cms.templatetags.cms_tags import footer_links
from marketplace.privacy import selectors

register = template.Library()


@register.simple_tag
def privacy_policy_url() -> str:
    for link in footer_links():
        if link.get("slug") == settings.PRIVACY_POLICY_SLUG:
            return link["url"]
    return ""


@register.simple_tag
def privacy_notice():
    return selectors.notice_current()


@register.simple_tag
def privacy_notice_for(page):
    if getattr(page, "slug", None) != settings.PRIVACY_POLICY_SLUG:
        return None
    return {"current": selectors.notice_current(), "upcoming": selectors.notice_upcoming()}
