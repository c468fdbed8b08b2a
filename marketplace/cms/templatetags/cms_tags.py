"""Template tags of the content pages.

`{% cms_body page %}` renders a page's StreamField (default `body`) through
`cms/includes/stream.html`, cached (marketplace/cms/caching.py) unless previewed.
`{% footer_info_links as links %}` gives the footer's links to the info pages (rules,
returns and complaints, terms), from the cache: no query per request.
"""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe

from marketplace.cms import caching
from marketplace.cms.models import InfoPage

register = template.Library()

STREAM_TEMPLATE = "cms/includes/stream.html"


def _render_stream(context, stream) -> str:
    tmpl = context.template.engine.get_template(STREAM_TEMPLATE)
    with context.push(stream=stream):
        return tmpl.render(context)


@register.simple_tag(takes_context=True)
def cms_body(context, page, field="body"):
    stream = getattr(page, field, None)
    if not stream:
        return ""
    promo = context.get("promo")
    request = context.get("request")
    if promo is None:
        promo = page.promotions() if hasattr(page, "promotions") else None
    if promo is None or getattr(request, "is_preview", False):
        with context.push(promo=promo):
            return mark_safe(_render_stream(context, stream))  # noqa: S308 -- our templates
    key = caching.body_cache_key(page, stream, promo, field)
    html = cache.get(key)
    if html is None:
        with context.push(promo=promo):
            html = _render_stream(context, stream)
        cache.set(key, html, caching.timeout_for(promo))
    return mark_safe(html)  # noqa: S308 -- rendered by our templates


def footer_links() -> list[dict]:
    """[{title, url}] of the live, public info pages shown in menus: those under the home
    page first (rules, returns, terms), then those deeper (/chuong-trinh/…), in tree order."""
    links = cache.get(caching.FOOTER_KEY)
    if links is None:
        links = []
        pages = InfoPage.objects.live().public().filter(show_in_menus=True).order_by("depth", "path")
        for page in pages:
            url = page.get_url()
            if url:
                links.append({"title": page.title, "url": url, "slug": page.slug})
        cache.set(caching.FOOTER_KEY, links, 24 * 3600)
    return links


@register.simple_tag
def footer_info_links():
    return footer_links()
