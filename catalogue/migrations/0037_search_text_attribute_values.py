"""`Product.search_text` now holds the text of the attribute values of the product and of a
parent's public options, and only public options' names (catalogue/attributes.py): written
again for the products it changes. Historical models only, so the text rule is repeated here
(Oscar's `value_as_text`, files, images, yes/no and entities left out)."""

from django.db import migrations

UNSEARCHED_TYPES = ("file", "image", "boolean", "entity")


def _text(value) -> str:
    kind = value.attribute.type
    if kind == "option":
        raw = value.value_option.option if value.value_option_id else ""
    elif kind == "multi_option":
        raw = ", ".join(option.option for option in value.value_multi_option.all())
    elif kind == "richtext":
        from django.utils.html import strip_tags

        raw = strip_tags(value.value_richtext or "")
    else:
        raw = getattr(value, f"value_{kind}", None)
    return " ".join(str(raw if raw is not None else "").split())


#: Products written per batch: one query for their options, one or two for the values, one
#: UPDATE (`bulk_update`) for those whose text changed.
BATCH = 1000


def refresh_search_text(apps, schema_editor):
    from marketplace.core.text import fold

    Product = apps.get_model("catalogue", "Product")
    Value = apps.get_model("catalogue", "ProductAttributeValue")
    owners_with_values = Value.objects.exclude(attribute__type__in=UNSEARCHED_TYPES).values("product_id")
    ids = set(Product.objects.filter(structure="parent").values_list("pk", flat=True))
    ids |= set(Product.objects.filter(pk__in=owners_with_values).exclude(structure="child")
               .values_list("pk", flat=True))
    ids |= set(Product.objects.filter(pk__in=owners_with_values, structure="child")
               .values_list("parent_id", flat=True))
    ids.discard(None)
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start:start + BATCH]
        children: dict[int, list[tuple[int, str]]] = {}
        for child_id, parent_id, title in (
            Product.objects.filter(parent_id__in=chunk, is_public=True).order_by("pk")
            .values_list("pk", "parent_id", "title")
        ):
            children.setdefault(parent_id, []).append((child_id, title))
        owners = [*chunk, *(child_id for options in children.values() for child_id, _title in options)]
        texts: dict[int, list[str]] = {}
        values = (
            Value.objects.filter(product_id__in=owners).exclude(attribute__type__in=UNSEARCHED_TYPES)
            .select_related("attribute", "value_option")
            .prefetch_related("value_multi_option")
            .order_by("product_id", "attribute__code", "pk")
        )
        for value in values:
            text = _text(value)
            if text:
                texts.setdefault(value.product_id, []).append(text)
        changed = []
        for product in Product.objects.filter(pk__in=chunk).only("pk", "title", "search_text"):
            options = children.get(product.pk, [])
            parts = [product.title or "", *(option for _child_id, option in options if option)]
            owner_ids = [product.pk, *(child_id for child_id, _option in options)]
            parts += dict.fromkeys(text for owner in owner_ids for text in texts.get(owner, ()))
            folded = fold(" ".join(parts)).lower()
            if folded != product.search_text:
                product.search_text = folded
                changed.append(product)
        Product.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0036_ocopcertificate_verified_snapshot"),
    ]

    operations = [
        migrations.RunPython(refresh_search_text, migrations.RunPython.noop),
    ]
