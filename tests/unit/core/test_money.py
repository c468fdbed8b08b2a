from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace.core.money import format_vnd, to_vnd


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1250000, "1.250.000 ₫"),
        (Decimal("1250000.00"), "1.250.000 ₫"),
        ("35000", "35.000 ₫"),
        (0, "0 ₫"),
        (999, "999 ₫"),
        (-20000, "-20.000 ₫"),
    ],
)
def test_format_vnd(value, shown):
    assert format_vnd(value) == shown


def test_vnd_refuses_floats_and_fractions():
    with pytest.raises(TypeError):
        to_vnd(1.5)
    with pytest.raises(ValueError):
        to_vnd(Decimal("100.50"))
    with pytest.raises(ValueError):
        to_vnd("mười nghìn")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_oscar_currency_filter_shows_vnd_the_vietnamese_way_in_every_language(language):
    with translation.override(language):
        rendered = Template("{% load currency_filters %}{{ price|currency }}").render(
            Context({"price": Decimal("1250000.00")})
        )
    assert rendered == "1.250.000 ₫"


def test_vnd_template_filter():
    rendered = Template("{% load vnd %}{{ a|vnd }}|{{ b|vnd }}").render(Context({"a": 45000, "b": None}))
    assert rendered == "45.000 ₫|"
