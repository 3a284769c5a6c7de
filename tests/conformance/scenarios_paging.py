"""paging.json: AutoRest's paging tests (azure/legacy test_paging.py), translated. Pagers are
iterables of items; an error on any page raises while iterating."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client
from support import errors, models

PACKAGE = "autorest_paging"


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


def assert_one_product(items: list[Any]) -> None:
    assert len(items) == 1
    assert (items[0].properties.id, items[0].properties.name) == (1, "Product")


def test_get_no_item_name_pages(client: Any) -> None:
    assert_one_product(list(client.paging.get_no_item_name_pages()))


def test_get_null_next_link_name_pages(client: Any) -> None:
    assert_one_product(list(client.paging.get_null_next_link_name_pages()))


def test_get_empty_next_link_name_pages(client: Any) -> None:
    assert_one_product(list(client.paging.get_empty_next_link_name_pages()))


def test_get_single_pages(client: Any) -> None:
    assert_one_product(list(client.paging.get_single_pages()))


def test_get_single_pages_with_body_params(client: Any) -> None:
    assert_one_product(list(client.paging.get_single_pages_with_body_params({"name": "body"})))


def test_get_multiple_pages(client: Any) -> None:
    assert len(list(client.paging.get_multiple_pages())) == 10


def test_query_params(client: Any) -> None:
    assert len(list(client.paging.get_with_query_params(required_query_parameter=100))) == 2


def test_get_odata_multiple_pages(client: Any) -> None:
    assert len(list(client.paging.get_odata_multiple_pages())) == 10


def test_get_multiple_pages_retry_first(client: Any) -> None:
    assert len(list(client.paging.get_multiple_pages_retry_first())) == 10


def test_get_multiple_pages_retry_second(client: Any) -> None:
    assert len(list(client.paging.get_multiple_pages_retry_second())) == 10


def test_get_multiple_pages_with_offset(client: Any) -> None:
    options = models(PACKAGE).PagingGetMultiplePagesWithOffsetOptions(offset=100)
    items = list(
        client.paging.get_multiple_pages_with_offset(
            paging_get_multiple_pages_with_offset_options=options
        )
    )
    assert len(items) == 10
    assert items[-1].properties.id == 110


def test_get_single_pages_failure(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        list(client.paging.get_single_pages_failure())


def test_get_multiple_pages_failure(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        list(client.paging.get_multiple_pages_failure())


def test_get_multiple_pages_failure_uri(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        list(client.paging.get_multiple_pages_failure_uri())


def test_paging_fragment_path(client: Any) -> None:
    items = list(
        client.paging.get_multiple_pages_fragment_next_link(api_version="1.6", tenant="test_user")
    )
    assert len(items) == 10
    # the next-page operation is not a public method of its own
    assert not hasattr(client.paging, "get_multiple_pages_fragment_next_link_next")


def test_get_multiple_pages_lro(client: Any) -> None:
    pager = client.paging.begin_get_multiple_pages_lro().result(timeout=60)
    items = list(pager)
    assert len(items) == 10
    assert [items[0].properties.id, items[1].properties.id] == [1, 2]


def test_item_name_with_xms_client_name(client: Any) -> None:
    assert len(list(client.paging.get_paging_model_with_item_name_with_xms_client_name())) == 1


def test_initial_response_no_items(client: Any) -> None:
    assert len(list(client.paging.first_response_empty())) == 1


def test_duplicate_params(client: Any) -> None:
    assert_one_product(list(client.paging.duplicate_params(filter="foo")))


def test_append_api_version(client: Any) -> None:
    assert_one_product(list(client.paging.append_api_version()))


def test_replace_api_version(client: Any) -> None:
    assert_one_product(list(client.paging.replace_api_version()))
