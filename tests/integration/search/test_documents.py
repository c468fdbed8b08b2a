"""The rebuild's row-based documents are exactly the model-based `product_document` ones.

On the demo catalogue: packaging variants (children titled from their parent),
photos, several certificates, shops in many communes.
"""

from __future__ import annotations

import pytest

from catalogue.selectors import product_list_public
from search.indexing import iter_documents, iter_product_documents

pytestmark = [pytest.mark.search, pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]


def test_row_documents_equal_model_documents():
    fast = [document for batch in iter_documents(batch_size=37) for document in batch]
    reference = [document for batch in iter_product_documents(batch_size=37) for document in batch]
    assert len(fast) == product_list_public().count() > 50
    assert any(document["image"] for document in fast)
    assert any(document["ocop_certificates"] for document in fast)
    for got, expected in zip(fast, reference, strict=True):
        assert got == expected, got["id"]


def test_row_documents_of_some_ids(django_assert_max_num_queries):
    ids = list(product_list_public().order_by("-pk").values_list("pk", flat=True)[:5])
    with django_assert_max_num_queries(12):
        documents = [document for batch in iter_documents(ids) for document in batch]
    assert sorted(document["id"] for document in documents) == sorted(ids)
