"""A block of a buyer page that does not depend on the visitor, from the cache.

    {% load catalogue_fragments %}
    {% fragment "product-gallery" product.pk %}…{% endfragment %}

Kept under the name, the values given, the catalogue version, language and date
(marketplace/core/fragments.py). Never put the CSRF token, the basket, messages or anything
of the user inside.

    {% product_breadcrumb product as crumbs %}   the breadcrumb's categories, one query
"""

from django import template

from catalogue.selectors import product_breadcrumb as _product_breadcrumb
from marketplace.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        return fragments.cached(
            context.get("request"), name, vary_on, lambda: self.nodelist.render(context)
        )


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


@register.simple_tag
def product_breadcrumb(product):
    return _product_breadcrumb(product)
