"""The words of products' attribute values that search matches ("500 g", "U Minh").

Staff give products attributes in Oscar's dashboard (`ProductAttributeValue`: "Khối lượng:
500 g", "Xuất xứ: U Minh", an option of a list). Search matches their text: the index's
`attribute_values` (search/indexing.py) and the folded `Product.search_text` of the database
fallback, both for a product's own values and, for a parent, its public options' values
(docs/decisions/0042-variants.md). The text is Oscar's `value_as_text`; values whose text is
no word a buyer types are left out: files and images (a path), yes/no (“Có” says nothing
without the attribute's name) and entities (a query each).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import prefetch_related_objects
from oscar.core.loading import get_model

#: Oscar attribute types whose values are not searched (see the module docstring).
UNSEARCHED_TYPES = ("file", "image", "boolean", "entity")


def attribute_texts(product_ids: Iterable[int]) -> dict[int, list[str]]:
    """Product id → the texts of its attribute values, by attribute code (one query; two when
    some value is a multi-option). Products without one are missing from the result."""
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    if not ids:
        return {}
    values = list(
        get_model("catalogue", "ProductAttributeValue").objects.filter(product_id__in=ids)
        .exclude(attribute__type__in=UNSEARCHED_TYPES)
        .select_related("attribute", "value_option")
        .order_by("product_id", "attribute__code", "pk")
    )
    prefetch_related_objects([value for value in values if value.attribute.is_multi_option],
                             "value_multi_option")
    texts: dict[int, list[str]] = {}
    for value in values:
        text = " ".join(str(value.value_as_text or "").split())
        if text:
            texts.setdefault(value.product_id, []).append(text)
    return texts


def searchable_attribute_texts(owner_ids: Iterable[int], texts: dict[int, list[str]]) -> list[str]:
    """The texts of these products' values (a product's own first, then its options' in the
    given order), each once."""
    return list(dict.fromkeys(text for pk in owner_ids for text in texts.get(pk, ())))
