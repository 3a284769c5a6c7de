"""azure-parameter-grouping.json: AutoRest's parameter-grouping tests (azure/legacy
test_parameter.py, the grouping half), translated. Group models are named as AutoRest names
them (``<OperationGroup><Operation>Parameters`` unless x-ms-parameter-grouping names one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client
from support import models

PACKAGE = "autorest_azure_parameter_grouping"


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


def test_post_all_required_parameters(client: Any) -> None:
    group = models(PACKAGE).ParameterGroupingPostRequiredParameters(
        body=1234, path="path", custom_header="header", query=21
    )
    client.parameter_grouping.post_required(group)


def test_post_required_parameters_null_optional_parameters(client: Any) -> None:
    group = models(PACKAGE).ParameterGroupingPostRequiredParameters(
        body=1234, path="path", query=None
    )
    client.parameter_grouping.post_required(group)


def test_post_required_parameters_with_null_required_property(client: Any) -> None:
    group = models(PACKAGE).ParameterGroupingPostRequiredParameters(body=None, path="path")
    with pytest.raises((TypeError, ValueError), match="body"):
        client.parameter_grouping.post_required(group)
    with pytest.raises((TypeError, ValueError)):
        client.parameter_grouping.post_required(None)


def test_post_all_optional(client: Any) -> None:
    group = models(PACKAGE).ParameterGroupingPostOptionalParameters(
        custom_header="header", query=21
    )
    client.parameter_grouping.post_optional(parameter_grouping_post_optional_parameters=group)


def test_post_none_optional(client: Any) -> None:
    client.parameter_grouping.post_optional(parameter_grouping_post_optional_parameters=None)


def test_post_all_multi_param_groups(client: Any) -> None:
    m = models(PACKAGE)
    first = m.FirstParameterGroup(header_one="header", query_one=21)
    second = m.ParameterGroupingPostMultiParamGroupsSecondParamGroup(
        header_two="header2", query_two=42
    )
    client.parameter_grouping.post_multi_param_groups(
        first_parameter_group=first,
        parameter_grouping_post_multi_param_groups_second_param_group=second,
    )


def test_post_some_multi_param_groups(client: Any) -> None:
    m = models(PACKAGE)
    first = m.FirstParameterGroup(header_one="header")
    second = m.ParameterGroupingPostMultiParamGroupsSecondParamGroup(query_two=42)
    client.parameter_grouping.post_multi_param_groups(
        first_parameter_group=first,
        parameter_grouping_post_multi_param_groups_second_param_group=second,
    )


def test_post_shared_parameter_group_object(client: Any) -> None:
    first = models(PACKAGE).FirstParameterGroup(header_one="header")
    client.parameter_grouping.post_shared_parameter_group_object(first_parameter_group=first)


def test_post_reserved_words(client: Any) -> None:
    group = models(PACKAGE).ParameterGroupingPostReservedWordsParameters(
        from_property="bob", accept="yes"
    )
    client.parameter_grouping.post_reserved_words(
        parameter_grouping_post_reserved_words_parameters=group
    )


def test_group_with_constant(client: Any) -> None:
    group = models(PACKAGE).Grouper(grouped_constant="foo", grouped_parameter="bar")
    client.parameter_grouping.group_with_constant(grouper=group)
