"""A block of a buyer page that does not depend on the visitor, from the cache.

    {% load catalogue_fragments %}
    {% fragment "product-gallery" product.pk %}…{% endfragment %}

Kept under the name, the values given, the catalogue version, language and date
(marketplace/core/fragments.py). Never put the CSRF token, the basket, messages or anything
of the user inside. `{% local_fragment %}` is the same, kept in the worker's memory (the
site's header and footer, rendered by every page).

    {% product_breadcrumb product as crumbs %}   the breadcrumb's categories, one query
"""

from django import template

from catalogue.selectors import product_breadcrumb as _product_breadcrumb
from marketplace.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    store = staticmethod(fragments.cached)

    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        return self.store(
            context.get("request"), name, vary_on, lambda: self.nodelist.render(context)
        )


class LocalFragmentNode(FragmentNode):
    store = staticmethod(fragments.cached_locally)


def _parse(parser, token, node_class):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{{% {bits[0]} %}} needs a name")
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    return node_class(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


@register.tag("fragment")
def do_fragment(parser, token):
    return _parse(parser, token, FragmentNode)


@register.tag("local_fragment")
def do_local_fragment(parser, token):
    """`{% local_fragment "name" vary… %}…{% endlocal_fragment %}`: kept in the worker's
    memory instead of the cache (the site's header and footer)."""
    return _parse(parser, token, LocalFragmentNode)


@register.simple_tag
def product_breadcrumb(product):
    return _product_breadcrumb(product)
