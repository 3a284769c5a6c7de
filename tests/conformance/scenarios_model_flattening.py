"""model-flattening.json: AutoRest's flattening tests (vanilla/legacy
test_model_flattening.py), translated. The file's operations have no operation group; as in
AutoRest (and azure-mgmt-* mixins) they are methods of the client itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client
from support import models

PACKAGE = "autorest_model_flattening"


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


def assert_flattened(product: Any, id_: str, name: str, full: bool) -> None:
    assert (product.id, product.name) == (id_, name)
    if full:
        assert product.provisioning_state_values == "OK"
        assert product.p_name == f"Product{id_}"
        assert product.type_properties_type == "Flat"
        assert product.location == "Building 44"
        assert product.provisioning_state == "Succeeded"
        assert product.type == "Microsoft.Web/sites"
        assert product.tags == {"tag1": "value1", "tag2": "value3"}


def test_flattening_array(client: Any) -> None:
    result = client.get_array()
    assert len(result) == 3
    assert_flattened(result[0], "1", "Resource1", full=True)
    assert_flattened(result[1], "2", "Resource2", full=False)
    assert result[1].location == "Building 44"
    assert_flattened(result[2], "3", "Resource3", full=False)
    # As in AutoRest's test: plain mappings are accepted where a list of models is expected.
    client.put_array(
        [
            {"location": "West US", "tags": {"tag1": "value1", "tag2": "value3"}},
            {"location": "Building 44"},
        ]
    )


def test_flattening_dictionary(client: Any) -> None:
    result = client.get_dictionary()
    assert len(result) == 3
    assert_flattened(result["Product1"], "1", "Resource1", full=True)
    assert_flattened(result["Product2"], "2", "Resource2", full=False)
    assert_flattened(result["Product3"], "3", "Resource3", full=False)
    m = models(PACKAGE)
    client.put_dictionary(
        {
            "Resource1": m.FlattenedProduct(
                location="West US",
                tags={"tag1": "value1", "tag2": "value3"},
                p_name="Product1",
                type_properties_type="Flat",
            ),
            "Resource2": m.FlattenedProduct(
                location="Building 44", p_name="Product2", type_properties_type="Flat"
            ),
        }
    )


def test_flattening_complex_object(client: Any) -> None:
    result = client.get_resource_collection()
    assert len(result.dictionaryofresources) == 3
    assert_flattened(result.dictionaryofresources["Product1"], "1", "Resource1", full=True)
    assert len(result.arrayofresources) == 3
    assert_flattened(result.arrayofresources[0], "4", "Resource4", full=True)
    assert (result.productresource.id, result.productresource.name) == ("7", "Resource7")
    m = models(PACKAGE)
    client.put_resource_collection(
        m.ResourceCollection(
            dictionaryofresources={
                "Resource1": m.FlattenedProduct(
                    location="West US",
                    tags={"tag1": "value1", "tag2": "value3"},
                    p_name="Product1",
                    type_properties_type="Flat",
                ),
                "Resource2": m.FlattenedProduct(
                    location="Building 44", p_name="Product2", type_properties_type="Flat"
                ),
            },
            arrayofresources=[
                m.FlattenedProduct(
                    location="West US",
                    tags={"tag1": "value1", "tag2": "value3"},
                    p_name="Product1",
                    type_properties_type="Flat",
                ),
                m.FlattenedProduct(
                    location="East US", p_name="Product2", type_properties_type="Flat"
                ),
            ],
            productresource=m.FlattenedProduct(
                location="India", p_name="Azure", type_properties_type="Flat"
            ),
        )
    )


def _simple_product(**extra: Any) -> Any:
    # capacity is a single-value enum ("Large"): a constant, always sent, never passed
    return models(PACKAGE).SimpleProduct(
        product_id="123",
        description="product description",
        max_product_display_name="max name",
        odata_value="http://foo",
        **extra,
    )


def test_model_flattening_simple(client: Any) -> None:
    product = _simple_product(generic_value="https://generic")
    result = client.put_simple_product(product)
    result.additional_properties.clear()
    assert result == product


def test_model_flattening_with_parameter_flattening(client: Any) -> None:
    # x-ms-client-flatten on the body parameter: the model's fields are the arguments.
    result = client.post_flattened_simple_product(
        "123",
        description="product description",
        max_product_display_name="max name",
        generic_value=None,
        odata_value="http://foo",
    )
    result.additional_properties.clear()
    assert result == _simple_product()


def test_model_flattening_with_grouping(client: Any) -> None:
    group = models(PACKAGE).FlattenParameterGroup(
        product_id="123",
        description="product description",
        max_product_display_name="max name",
        odata_value="http://foo",
        name="groupproduct",
    )
    result = client.put_simple_product_with_grouping(group)
    result.additional_properties.clear()
    assert result == _simple_product()
