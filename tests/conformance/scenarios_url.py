"""url.json: AutoRest's URL tests (vanilla/legacy test_url.py), translated: path and query
parameters of every type. AutoRest's ``ValidationError`` for a None required parameter is our
``ValueError`` naming the parameter; optional parameters are passed by keyword (ours are
keyword-only). Single-value enum parameters are constants the caller does not pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client
from support import models

PACKAGE = "autorest_url"
BYTES = "\u554a\u9f44\u4e02\u72db\u72dc\uf9f1\uf92c\uf9f1\ufa0c\ufa29".encode()
ARRAY_QUERY = ["ArrayQuery1", r"begin!*'();:@ &=+$,/?#[]end", None, ""]


@pytest.fixture
def client() -> Iterator[Any]:
    # AutoRest's own fixture: AutoRestUrlTestService("", ...), an empty global path parameter
    with make_client(PACKAGE, global_string_path="") as c:
        yield c


def test_byte_empty_and_null(client: Any) -> None:
    client.paths.byte_empty()
    with pytest.raises(ValueError, match="byte_path"):
        client.paths.byte_null(None)


def test_byte_multi_byte(client: Any) -> None:
    client.paths.byte_multi_byte(BYTES)


def test_date_null(client: Any) -> None:
    with pytest.raises(ValueError, match="date_path"):
        client.paths.date_null(None)


def test_date_time_null(client: Any) -> None:
    with pytest.raises(ValueError, match="date_time_path"):
        client.paths.date_time_null(None)


def test_date_time_valid(client: Any) -> None:
    client.paths.date_time_valid()


def test_date_valid(client: Any) -> None:
    client.paths.date_valid()


def test_unix_time_url(client: Any) -> None:
    client.paths.unix_time_url(dt.datetime(2016, 4, 13, tzinfo=dt.timezone.utc))


def test_double_decimal(client: Any) -> None:
    client.paths.double_decimal_negative()
    client.paths.double_decimal_positive()


def test_float_scientific(client: Any) -> None:
    client.paths.float_scientific_negative()
    client.paths.float_scientific_positive()


def test_get_boolean(client: Any) -> None:
    client.paths.get_boolean_false()
    client.paths.get_boolean_true()


def test_int(client: Any) -> None:
    client.paths.get_int_negative_one_million()
    client.paths.get_int_one_million()


def test_get_long(client: Any) -> None:
    client.paths.get_negative_ten_billion()
    client.paths.get_ten_billion()


def test_string_empty_and_null(client: Any) -> None:
    client.paths.string_empty()
    with pytest.raises(ValueError, match="string_path"):
        client.paths.string_null(None)


def test_array_csv_in_path(client: Any) -> None:
    client.paths.array_csv_in_path(["ArrayPath1", r"begin!*'();:@ &=+$,/?#[]end", None, ""])


def test_string_url_encoded(client: Any) -> None:
    client.paths.string_url_encoded()


def test_paths_unicode(client: Any) -> None:
    client.paths.string_unicode()


def test_string_url_non_encoded(client: Any) -> None:
    client.paths.string_url_non_encoded()


def test_enum_valid(client: Any) -> None:
    client.paths.enum_valid(models(PACKAGE).UriColor.GREEN_COLOR)


def test_enum_null(client: Any) -> None:
    with pytest.raises(ValueError, match="enum_path"):
        client.paths.enum_null(None)


def test_base64_url(client: Any) -> None:
    client.paths.base64_url(b"lorem")


def test_queries_byte(client: Any) -> None:
    client.queries.byte_empty()
    client.queries.byte_multi_byte(byte_query=BYTES)
    client.queries.byte_null()


def test_queries_date(client: Any) -> None:
    client.queries.date_null()
    client.queries.date_valid()


def test_queries_date_time(client: Any) -> None:
    client.queries.date_time_null()
    client.queries.date_time_valid()


def test_queries_double(client: Any) -> None:
    client.queries.double_null()
    client.queries.double_decimal_negative()
    client.queries.double_decimal_positive()


def test_queries_float_scientific(client: Any) -> None:
    client.queries.float_scientific_negative()
    client.queries.float_scientific_positive()
    client.queries.float_null()


def test_queries_boolean(client: Any) -> None:
    client.queries.get_boolean_false()
    client.queries.get_boolean_true()
    client.queries.get_boolean_null()


def test_queries_int(client: Any) -> None:
    client.queries.get_int_negative_one_million()
    client.queries.get_int_one_million()
    client.queries.get_int_null()


def test_queries_long(client: Any) -> None:
    client.queries.get_negative_ten_billion()
    client.queries.get_ten_billion()
    client.queries.get_long_null()


def test_queries_string(client: Any) -> None:
    client.queries.string_empty()
    client.queries.string_null()
    client.queries.string_url_encoded()


def test_queries_enum(client: Any) -> None:
    client.queries.enum_valid(enum_query=models(PACKAGE).UriColor.GREEN_COLOR)
    client.queries.enum_null(enum_query=None)


def test_queries_unicode(client: Any) -> None:
    client.queries.string_unicode()


def test_array_string_csv(client: Any) -> None:
    client.queries.array_string_csv_empty(array_query=[])
    client.queries.array_string_csv_null(array_query=None)
    client.queries.array_string_csv_valid(array_query=ARRAY_QUERY)


def test_array_string_miscellaneous(client: Any) -> None:
    client.queries.array_string_pipes_valid(array_query=ARRAY_QUERY)
    client.queries.array_string_ssv_valid(array_query=ARRAY_QUERY)
    client.queries.array_string_tsv_valid(array_query=ARRAY_QUERY)


def test_array_string_no_collection_format(client: Any) -> None:
    client.queries.array_string_no_collection_format_empty(
        array_query=["hello", "nihao", "bonjour"]
    )


def test_get_all_with_values() -> None:
    with make_client(
        PACKAGE, global_string_path="globalStringPath", global_string_query="globalStringQuery"
    ) as c:
        c.path_items.get_all_with_values(
            "pathItemStringPath",
            "localStringPath",
            path_item_string_query="pathItemStringQuery",
            local_string_query="localStringQuery",
        )


def test_get_global_and_local_query_null() -> None:
    with make_client(PACKAGE, global_string_path="globalStringPath") as c:
        c.path_items.get_global_and_local_query_null(
            "pathItemStringPath",
            "localStringPath",
            path_item_string_query="pathItemStringQuery",
            local_string_query=None,
        )


def test_get_global_query_null() -> None:
    with make_client(PACKAGE, global_string_path="globalStringPath") as c:
        c.path_items.get_global_query_null(
            "pathItemStringPath",
            "localStringPath",
            path_item_string_query="pathItemStringQuery",
            local_string_query="localStringQuery",
        )


def test_get_local_path_item_query_null() -> None:
    with make_client(
        PACKAGE, global_string_path="globalStringPath", global_string_query="globalStringQuery"
    ) as c:
        c.path_items.get_local_path_item_query_null(
            "pathItemStringPath",
            "localStringPath",
            path_item_string_query=None,
            local_string_query=None,
        )
