"""lro.json: AutoRest's LRO acceptance tests (azure/legacy test_lro.py), translated.

Our pollers: ``begin_*`` returns an ``LROPoller``; ``result()`` polls (``polling_interval=0``);
``polling=False`` returns the initial response's result. Errors: ``HttpResponseError`` with
``status_code``; a ``Failed``/``Canceled`` operation raises ``OperationFailedError`` with
``status``; a body that is not JSON raises ``DecodeError``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import client as make_client
from support import errors, models, quirk

PACKAGE = "autorest_lro"
CUSTOM_HEADERS = {"x-ms-client-request-id": "9C4D50EE-2D56-4CD3-8152-34347DC9F2B0"}


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


@pytest.fixture
def product() -> Any:
    return models(PACKAGE).Product(location="West US")


def lro_result(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs).result(timeout=60)


def assert_operation_ended(text: str, func: Callable[..., Any], **kwargs: Any) -> None:
    """The operation ended Failed/Canceled: an HttpResponseError naming that status (or
    showing the status body's error)."""
    with pytest.raises(errors(PACKAGE).HttpResponseError) as caught:
        lro_result(func, **kwargs)
    assert text.lower() in str(caught.value).lower()


def assert_http_error(status_code: int, func: Callable[..., Any], **kwargs: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError) as caught:
        lro_result(func, **kwargs)
    assert caught.value.status_code == status_code


def test_post_double_headers_final_continuation_token(client: Any) -> None:
    poller = client.lros.begin_post_double_headers_final_location_get()
    token = poller.continuation_token()
    poller = client.lros.begin_post_double_headers_final_location_get(continuation_token=token)
    assert poller.result(timeout=60).id == "100"


def test_post_double_headers_final(client: Any) -> None:
    assert lro_result(client.lros.begin_post_double_headers_final_location_get).id == "100"
    assert lro_result(client.lros.begin_post_double_headers_final_azure_header_get).id == "100"


def test_post_double_headers_default(client: Any) -> None:
    # With no final-state-via, a POST ends at its Location (as azure-core's default).
    assert lro_result(client.lros.begin_post_double_headers_final_azure_header_get_default).id == (
        "100"
    )


def test_happy_put201_creating_succeeded200(client: Any, product: Any) -> None:
    result = lro_result(client.lros.begin_put201_creating_succeeded200, product=product)
    assert result.provisioning_state == "Succeeded"
    result = lro_result(
        client.lros.begin_put201_creating_succeeded200, product=product, polling=False
    )
    assert result.provisioning_state == "Creating"


def test_happy_put201_creating_failed200(client: Any, product: Any) -> None:
    assert_operation_ended("failed", client.lros.begin_put201_creating_failed200, product=product)
    result = lro_result(client.lros.begin_put201_creating_failed200, product=product, polling=False)
    assert result.provisioning_state == "Created"


def test_happy_put200_updating_succeeded204(client: Any, product: Any) -> None:
    result = lro_result(client.lros.begin_put200_updating_succeeded204, product=product)
    assert result.provisioning_state == "Succeeded"
    result = lro_result(
        client.lros.begin_put200_updating_succeeded204, product=product, polling=False
    )
    assert result.provisioning_state == "Updating"


def test_happy_put200_acceptedcanceled200(client: Any, product: Any) -> None:
    assert_operation_ended(
        "canceled", client.lros.begin_put200_acceptedcanceled200, product=product
    )
    result = lro_result(
        client.lros.begin_put200_acceptedcanceled200, product=product, polling=False
    )
    assert result.provisioning_state == "Accepted"


def test_happy_put_no_header_in_retry(client: Any, product: Any) -> None:
    assert lro_result(
        client.lros.begin_put_no_header_in_retry, product=product
    ).provisioning_state == ("Succeeded")
    result = lro_result(client.lros.begin_put_async_no_header_in_retry, product=product)
    assert result.provisioning_state == "Succeeded"


def test_happy_put_sub_resource(client: Any) -> None:
    sub_product = models(PACKAGE).SubProduct()
    assert lro_result(
        client.lros.begin_put_sub_resource, product=sub_product
    ).provisioning_state == ("Succeeded")
    result = lro_result(client.lros.begin_put_async_sub_resource, product=sub_product)
    assert result.provisioning_state == "Succeeded"


def test_happy_put_non_resource(client: Any) -> None:
    sku = models(PACKAGE).Sku()
    assert lro_result(client.lros.begin_put_non_resource, sku=sku).id == "100"
    assert lro_result(client.lros.begin_put_async_non_resource, sku=sku).id == "100"


def test_happy_put200_succeeded(client: Any, product: Any) -> None:
    assert lro_result(client.lros.begin_put200_succeeded, product=product).provisioning_state == (
        "Succeeded"
    )
    assert lro_result(client.lros.begin_put200_succeeded_no_state, product=product).id == "100"


def test_put201_succeeded(client: Any, product: Any) -> None:
    result = lro_result(client.lros.begin_put201_succeeded, product=product)
    assert (result.provisioning_state, result.id, result.name) == ("Succeeded", "100", "foo")


def test_happy_put202_retry200(client: Any, product: Any) -> None:
    assert lro_result(client.lros.begin_put202_retry200, product=product).id == "100"


def test_happy_put_retry_succeeded(client: Any, product: Any) -> None:
    result = lro_result(client.lros.begin_put_async_retry_succeeded, product=product)
    assert result.provisioning_state == "Succeeded"
    result = lro_result(client.lros.begin_put_async_no_retry_succeeded, product=product)
    assert result.provisioning_state == "Succeeded"


def test_happy_put_retry_failed_canceled(client: Any, product: Any) -> None:
    assert_operation_ended("failed", client.lros.begin_put_async_retry_failed, product=product)
    assert_operation_ended(
        "canceled", client.lros.begin_put_async_no_retrycanceled, product=product
    )


def test_post202_retry200(client: Any, product: Any) -> None:
    assert lro_result(client.lros.begin_post202_retry200, product=product) is None


def test_happy_delete(client: Any) -> None:
    assert lro_result(client.lros.begin_delete204_succeeded) is None
    assert lro_result(client.lros.begin_delete202_retry200) is None
    assert lro_result(client.lros.begin_delete202_no_retry204) is None


def test_happy_delete_no_header_in_retry(client: Any) -> None:
    assert lro_result(client.lros.begin_delete_no_header_in_retry) is None
    assert lro_result(client.lros.begin_delete_async_no_header_in_retry) is None


def test_happy_delete_async_retry_failed_canceled(client: Any) -> None:
    assert_operation_ended("canceled", client.lros.begin_delete_async_retrycanceled)
    assert_operation_ended("failed", client.lros.begin_delete_async_retry_failed)


def test_happy_delete_async_succeeded(client: Any) -> None:
    assert lro_result(client.lros.begin_delete_async_no_retry_succeeded) is None
    assert lro_result(client.lros.begin_delete_async_retry_succeeded) is None


def test_happy_delete_provisioning(client: Any) -> None:
    result = lro_result(client.lros.begin_delete_provisioning202_accepted200_succeeded)
    assert result.provisioning_state == "Succeeded"
    result = lro_result(client.lros.begin_delete_provisioning202_deletingcanceled200)
    assert result.provisioning_state == "Canceled"
    result = lro_result(client.lros.begin_delete_provisioning202_deleting_failed200)
    assert result.provisioning_state == "Failed"


def test_happy_post(client: Any, product: Any) -> None:
    assert lro_result(client.lros.begin_post202_no_retry204, product=product) is None
    assert lro_result(client.lros.begin_post200_with_payload).id == "1"


def test_happy_post_async_retry_failed_canceled(client: Any) -> None:
    # the Failed status carries an error: its message is what the exception shows
    assert_operation_ended("Internal Server Error", client.lros.begin_post_async_retry_failed)
    assert_operation_ended("canceled", client.lros.begin_post_async_retrycanceled)


def test_happy_post_async_succeeded(client: Any) -> None:
    assert lro_result(client.lros.begin_post_async_retry_succeeded).id == "100"
    assert lro_result(client.lros.begin_post_async_no_retry_succeeded).id == "100"


def test_retrys_put(client: Any, product: Any) -> None:
    result = lro_result(client.lro_retrys.begin_put201_creating_succeeded200, product=product)
    assert result.provisioning_state == "Succeeded"
    result = lro_result(client.lro_retrys.begin_put_async_relative_retry_succeeded, product=product)
    assert result.provisioning_state == "Succeeded"


def test_retrys_delete(client: Any) -> None:
    result = lro_result(client.lro_retrys.begin_delete_provisioning202_accepted200_succeeded)
    assert result.provisioning_state == "Succeeded"
    assert lro_result(client.lro_retrys.begin_delete202_retry200) is None
    assert lro_result(client.lro_retrys.begin_delete_async_relative_retry_succeeded) is None


def test_retrys_post(client: Any, product: Any) -> None:
    assert lro_result(client.lro_retrys.begin_post202_retry200, product=product) is None
    assert (
        lro_result(client.lro_retrys.begin_post_async_relative_retry_succeeded, product=product)
        is None
    )


def test_custom_headers_put_async_retry_succeeded(client: Any, product: Any) -> None:
    method = client.lros_custom_header.begin_put_async_retry_succeeded
    assert lro_result(method, product=product, headers=CUSTOM_HEADERS) is not None


def test_custom_headers_post_async_retry_succeeded(client: Any, product: Any) -> None:
    method = client.lros_custom_header.begin_post_async_retry_succeeded
    assert lro_result(method, product=product, headers=CUSTOM_HEADERS) is None


def test_custom_headers_put201_creating_succeeded200(client: Any, product: Any) -> None:
    method = client.lros_custom_header.begin_put201_creating_succeeded200
    assert lro_result(method, product=product, headers=CUSTOM_HEADERS) is not None


def test_custom_headers_post202_retry200(client: Any, product: Any) -> None:
    method = client.lros_custom_header.begin_post202_retry200
    assert lro_result(method, product=product, headers=CUSTOM_HEADERS) is None


def test_sads_put_non_retry(client: Any, product: Any) -> None:
    assert_http_error(400, client.lrosads.begin_put_non_retry400, product=product)
    # 201 Creating, then the poll answers 400
    assert_http_error(400, client.lrosads.begin_put_non_retry201_creating400, product=product)


def test_sads_put_async_relative(client: Any, product: Any) -> None:
    assert_http_error(400, client.lrosads.begin_put_async_relative_retry400, product=product)
    # a status body without a status, and a status response without a body
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_put_async_relative_retry_no_status, product=product)
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_put_async_relative_retry_no_status_payload, product=product)


def test_sads_put_error201_no_provisioning_state_payload(client: Any, product: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_put_error201_no_provisioning_state_payload, product=product)


def test_sads_put200_invalid_json_with_exception(client: Any, product: Any) -> None:
    with pytest.raises(errors(PACKAGE).DecodeError):
        lro_result(client.lrosads.begin_put200_invalid_json, product=product)


def test_sads_put_async_relative_with_exception(client: Any, product: Any) -> None:
    with pytest.raises(errors(PACKAGE).DecodeError):
        lro_result(
            client.lrosads.begin_put_async_relative_retry_invalid_json_polling, product=product
        )
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_put_async_relative_retry_invalid_header, product=product)


def test_sads_put_non_retry201_creating400_invalid_json_with_exception(
    client: Any, product: Any
) -> None:
    # The poll answers 400 with a body that is not JSON. azure-core parses before it looks at
    # the status and raises DecodeError (one of its HttpResponseErrors); the status is what
    # matters, so: an HttpResponseError for the 400 (a DecodeError would do as well).
    with pytest.raises(errors(PACKAGE).HttpResponseError) as caught:
        lro_result(client.lrosads.begin_put_non_retry201_creating400_invalid_json, product=product)
    assert caught.value.status_code == 400


def test_sads_delete_non_retry(client: Any) -> None:
    assert_http_error(400, client.lrosads.begin_delete_non_retry400)
    assert_http_error(400, client.lrosads.begin_delete202_non_retry400)


def test_sads_delete_async_relative(client: Any) -> None:
    assert_http_error(400, client.lrosads.begin_delete_async_relative_retry400)
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_delete_async_relative_retry_no_status)


def test_sads_delete204_succeeded(client: Any) -> None:
    assert lro_result(client.lrosads.begin_delete204_succeeded) is None


def test_sads_delete_async_relative_with_exception(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_delete_async_relative_retry_invalid_header)
    with pytest.raises(errors(PACKAGE).DecodeError):
        lro_result(client.lrosads.begin_delete_async_relative_retry_invalid_json_polling)


def test_sads_delete202_retry_invalid_header_with_exception(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_delete202_retry_invalid_header)


def test_sads_post_non_retry(client: Any, product: Any) -> None:
    assert_http_error(400, client.lrosads.begin_post_non_retry400, product=product)
    assert_http_error(400, client.lrosads.begin_post202_non_retry400, product=product)


def test_sads_post_async_relative(client: Any, product: Any) -> None:
    assert_http_error(400, client.lrosads.begin_post_async_relative_retry400, product=product)
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_post_async_relative_retry_no_payload)


def test_sads_post202_no_location(client: Any) -> None:
    # A 202 without a Location: the initial 2xx is taken as the end (as azure-core does).
    assert lro_result(client.lrosads.begin_post202_no_location) is None


def test_sads_post_async_relative_with_exception(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_post_async_relative_retry_invalid_header)
    with pytest.raises(errors(PACKAGE).DecodeError):
        lro_result(client.lrosads.begin_post_async_relative_retry_invalid_json_polling)


def test_post202_retry_invalid_header_with_exception(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).HttpResponseError):
        lro_result(client.lrosads.begin_post202_retry_invalid_header)


def test_polling_interval_operation(client: Any) -> None:
    method = client.lros.begin_post_double_headers_final_azure_header_get_default
    started = time.monotonic()
    first = lro_result(method)
    assert time.monotonic() - started < 3
    started = time.monotonic()
    second = lro_result(method, polling_interval=1)
    # AutoRest's bounds. Our poller polls once at once (a Retry-After aside), as documented,
    # so this one-poll operation need not wait the interval; azure-core's waits it first.
    assert abs(time.monotonic() - started - 1) < 3
    assert first.id == second.id == "100"


def test_polling_interval_config() -> None:
    with make_client(PACKAGE, polling_interval=1) as slow:
        started = time.monotonic()
        result = lro_result(slow.lros.begin_post_double_headers_final_azure_header_get_default)
        assert abs(time.monotonic() - started - 1) < 3  # AutoRest's bounds, as above
    assert result.id == "100"


def test_lro_list(client: Any) -> None:
    products = lro_result(client.lros.begin_post202_list)
    assert [(p.id, p.name) for p in products] == [("100", "foo")]


def test_patch201_retry_with_async_header(client: Any, product: Any) -> None:
    result = lro_result(client.lros.begin_patch201_retry_with_async_header, product=product)
    assert (result.provisioning_state, result.id, result.name) == (
        "Succeeded",
        "/lro/patch/201/retry/onlyAsyncHeader",
        "foo",
    )


def test_patch202_retry_with_async_and_location_header(client: Any, product: Any) -> None:
    result = lro_result(
        client.lros.begin_patch202_retry_with_async_and_location_header, product=product
    )
    assert (result.provisioning_state, result.id, result.name) == (
        "Succeeded",
        "/lro/patch/202/retry/asyncAndLocationHeader",
        "foo",
    )


_ = quirk  # quirks of this file are marked where a scenario shows one
