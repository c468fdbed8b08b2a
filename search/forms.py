"""The site-wide search box form (Oscar's context processor puts it in every page).

A plain Django form instead of Oscar's haystack form: search itself reads its
parameters with search.query.SearchParams.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Tìm kiếm"),
        widget=SearchInput(
            {"placeholder": _("Tìm mật ong, khô cá, tôm khô…"), "class": "form-control",
             "autocomplete": "off"}
        ),
    )
