"""azure-special-properties.json: AutoRest's tests of ARM's special parameters (azure/legacy
test_xms.py and the subscription/api-version/skip-url-encoding/odata half of
test_parameter.py), translated.

The client's ``client_request_id=`` option is our per-call x-ms-client-request-id (AutoRest's
``request_id``); the subscription id is the client's, as in every azure-mgmt-* client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import SUBSCRIPTION_ID, errors, models
from support import client as make_client

PACKAGE = "autorest_azure_special_properties"
REQUEST_ID = "9C4D50EE-2D56-4CD3-8152-34347DC9F2B0"


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE, subscription_id=SUBSCRIPTION_ID) as c:
        yield c


def test_client_request_id_in_exception(client: Any) -> None:
    # The server wants the fixed id; a fresh uuid is refused with an error.
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        client.x_ms_client_request_id.get()


def test_xms_request_client_id_in_client(client: Any) -> None:
    client.x_ms_client_request_id.get(client_request_id=REQUEST_ID)


def test_xms_request_client_overwrite_via_parameter(client: Any) -> None:
    client.x_ms_client_request_id.param_get(x_ms_client_request_id=REQUEST_ID)


def test_xms_custom_named_request_id(client: Any) -> None:
    client.header.custom_named_request_id(foo_client_request_id=REQUEST_ID)


def test_xms_custom_named_request_id_parameter_group(client: Any) -> None:
    group = models(PACKAGE).HeaderCustomNamedRequestIdParamGroupingParameters(
        foo_client_request_id=REQUEST_ID
    )
    client.header.custom_named_request_id_param_grouping(group)


def test_xms_custom_named_request_id_head(client: Any) -> None:
    assert client.header.custom_named_request_id_head(foo_client_request_id=REQUEST_ID) is True


def test_subscription_in_credentials(client: Any) -> None:
    client.subscription_in_credentials.post_method_global_not_provided_valid()
    client.subscription_in_credentials.post_method_global_valid()
    client.subscription_in_credentials.post_path_global_valid()
    client.subscription_in_credentials.post_swagger_global_valid()


def test_subscription_in_credentials_null() -> None:
    with pytest.raises(ValueError, match="subscription_id"):
        make_client(PACKAGE, subscription_id=None)  # type: ignore[arg-type]


def test_subscription_in_method(client: Any) -> None:
    client.subscription_in_method.post_method_local_valid(SUBSCRIPTION_ID)
    client.subscription_in_method.post_path_local_valid(SUBSCRIPTION_ID)
    client.subscription_in_method.post_swagger_local_valid(SUBSCRIPTION_ID)
    with pytest.raises(ValueError, match="subscription_id"):
        client.subscription_in_method.post_method_local_null(None)


def test_api_version_default(client: Any) -> None:
    client.api_version_default.get_method_global_not_provided_valid()
    client.api_version_default.get_method_global_valid()
    client.api_version_default.get_path_global_valid()
    client.api_version_default.get_swagger_global_valid()


def test_api_version_local(client: Any) -> None:
    client.api_version_local.get_method_local_valid()
    client.api_version_local.get_method_local_null()
    client.api_version_local.get_path_local_valid()
    client.api_version_local.get_swagger_local_valid()


def test_skip_url_encoding(client: Any) -> None:
    unencoded_path, unencoded_query = "path1/path2/path3", "value1&q2=value2&q3=value3"
    client.skip_url_encoding.get_method_path_valid(unencoded_path)
    # AutoRest's modeler drops the repeated word of getPathPathValid; we keep the operationId's
    client.skip_url_encoding.get_path_path_valid(unencoded_path)
    client.skip_url_encoding.get_swagger_path_valid()
    client.skip_url_encoding.get_method_query_valid(unencoded_query)
    client.skip_url_encoding.get_path_query_valid(unencoded_query)
    client.skip_url_encoding.get_swagger_query_valid()
    client.skip_url_encoding.get_method_query_null()
    client.skip_url_encoding.get_method_query_null(q1=None)


def test_azure_odata(client: Any) -> None:
    client.odata.get_with_filter(filter="id gt 5 and name eq 'foo'", top=10, orderby="id")
