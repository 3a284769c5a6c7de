"""``ItemPaged`` on its own, and ``ArmClient.paged`` over a scripted pipeline; every test runs
against the sync surface and the async one (``AsyncItemPaged``, ``AsyncArmClient.paged``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from surfaces import SURFACES, make_pager, with_scripted_pipeline
from vmss_runcommands.runtime.client import ArmClient
from vmss_runcommands.runtime.exceptions import (
    DecodeError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

SURFACE = {"kind": "sync"}


@pytest.fixture(autouse=True, params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    SURFACE["kind"] = request.param
    yield request.param
    SURFACE["kind"] = "sync"


def ItemPaged(fetch: Any, **kwargs: Any) -> Any:
    """``ItemPaged(fetch)``, or ``AsyncItemPaged`` over the same pages (see ``surface``)."""
    return make_pager(SURFACE["kind"], fetch, **kwargs)


BASE = "https://management.azure.com"
LIST_URL = (
    f"{BASE}/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/"
    "virtualMachineScaleSets/ss/virtualMachines/0/runCommands?api-version=2024-07-01"
)


class PageSource:
    """A fake ``fetch`` over a dict of link -> (items, next link)."""

    def __init__(self, pages: dict[str | None, tuple[Sequence[int], str | None]]) -> None:
        self.pages = pages
        self.calls: list[str | None] = []

    def __call__(self, link: str | None) -> tuple[Sequence[int], str | None]:
        self.calls.append(link)
        return self.pages[link]


def three_pages() -> PageSource:
    return PageSource(
        {None: ([1, 2], "p2"), "p2": ([], "p3"), "p3": ([3], "p4"), "p4": ([4, 5], None)}
    )


def test_item_paged_is_lazy_and_flattens_pages() -> None:
    source = three_pages()
    paged = ItemPaged(source)
    assert source.calls == []
    assert next(paged) == 1
    assert source.calls == [None]
    assert list(paged) == [2, 3, 4, 5]
    assert source.calls == [None, "p2", "p3", "p4"]
    assert list(paged) == []  # an iterator, like azure-core's


def test_by_page_exposes_the_continuation_token() -> None:
    pages = ItemPaged(three_pages()).by_page()
    assert pages.continuation_token is None
    assert list(next(pages)) == [1, 2]
    assert pages.continuation_token == "p2"
    assert list(next(pages)) == []  # empty pages are pages too
    assert pages.continuation_token == "p3"
    assert [list(page) for page in pages] == [[3], [4, 5]]
    assert pages.continuation_token is None
    with pytest.raises(StopIteration):
        next(pages)


def test_by_page_resumes_from_a_token() -> None:
    source = three_pages()
    assert [list(page) for page in ItemPaged(source).by_page("p3")] == [[3], [4, 5]]
    assert source.calls == ["p3", "p4"]


def test_single_page_without_next_link() -> None:
    source = PageSource({None: ([7], None)})
    assert list(ItemPaged(source)) == [7]
    assert source.calls == [None]


def test_empty_result() -> None:
    assert list(ItemPaged(PageSource({None: ([], None)}))) == []


def test_a_next_link_pointing_at_itself_stops_instead_of_looping() -> None:
    source = PageSource({None: ([1], "p2"), "p2": ([2], "p2")})
    paged = ItemPaged(source)
    with pytest.raises(ServiceResponseError, match="same nextLink"):
        list(paged)
    assert source.calls == [None, "p2"]


def test_a_next_link_cycle_stops_instead_of_looping() -> None:
    source = PageSource({None: ([1], "a"), "a": ([2], "b"), "b": ([3], "a")})
    pages = ItemPaged(source).by_page()
    assert [list(page) for page in itertools.islice(pages, 2)] == [[1], [2]]
    with pytest.raises(ServiceResponseError, match="already fetched"):
        next(pages)
    assert source.calls == [None, "a", "b"]
    assert list(pages) == []


def test_a_next_link_cycle_is_caught_when_resuming_from_a_token() -> None:
    source = PageSource({"a": ([2], "b"), "b": ([3], "a")})
    with pytest.raises(ServiceResponseError, match="already fetched"):
        list(itertools.islice(ItemPaged(source).by_page(continuation_token="a"), 5))
    assert source.calls == ["a", "b"]


# --- ArmClient.paged -------------------------------------------------------------------------


class FakePipeline:
    def __init__(self, *pages: tuple[int, Any]) -> None:
        self.pages = list(pages)
        self.requests: list[HttpRequest] = []

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> HttpResponse:
        self.requests.append(request)
        status, body = self.pages.pop(0)
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return HttpResponse(
            status_code=status,
            reason="X",
            headers={"x-ms-request-id": f"req-{len(self.requests)}"},
            body=raw,
            request=request,
        )


_TRANSPORT = Urllib3Transport()


def make_client(pipeline: FakePipeline) -> ArmClient:
    if SURFACE["kind"] == "sync":
        client: Any = ArmClient(
            None, "sub", api_version="2024-07-01", sdk_moniker="test/0.0.1", transport=_TRANSPORT
        )
    else:
        from vmss_runcommands.runtime.aio.client import AsyncArmClient

        client = AsyncArmClient(None, "sub", api_version="2024-07-01", sdk_moniker="test/0.0.1")
    made: ArmClient = with_scripted_pipeline(SURFACE["kind"], client, pipeline)
    return made


def item(data: Any) -> str:
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str):
        raise ValueError("an item needs a name")
    return name


def test_paged_follows_next_links_and_forces_api_version() -> None:
    next2 = f"{BASE}/subscriptions/sub/runCommands?api-version=2019-01-01&$skiptoken=abc%2B1%3D"
    next3 = f"{BASE}/subscriptions/sub/runCommands?%24skiptoken=def&API-VERSION=2020-01-01"
    next4 = "/subscriptions/sub/runCommands?$skiptoken=ghi"
    pipeline = FakePipeline(
        (200, {"value": [{"name": "a"}, {"name": "b"}], "nextLink": next2}),
        (200, {"value": [], "nextLink": next3}),
        (200, {"value": [{"name": "c"}], "nextLink": next4}),
        (200, {"value": [{"name": "d"}]}),
    )
    client = make_client(pipeline)
    paged = client.paged(LIST_URL, item_from_dict=item)
    assert pipeline.requests == []  # lazy
    assert list(paged) == ["a", "b", "c", "d"]
    urls = [request.url for request in pipeline.requests]
    assert urls == [
        LIST_URL,
        f"{BASE}/subscriptions/sub/runCommands?$skiptoken=abc%2B1%3D&api-version=2024-07-01",
        f"{BASE}/subscriptions/sub/runCommands?%24skiptoken=def&api-version=2024-07-01",
        f"{BASE}/subscriptions/sub/runCommands?$skiptoken=ghi&api-version=2024-07-01",
    ]
    assert all(request.method == "GET" for request in pipeline.requests)


def test_paged_by_page_token_resumes_with_next_link() -> None:
    next2 = f"{BASE}/subscriptions/sub/runCommands?$skiptoken=2&api-version=2024-07-01"
    pipeline = FakePipeline(
        (200, {"value": [{"name": "a"}], "nextLink": next2}), (200, {"value": [{"name": "b"}]})
    )
    client = make_client(pipeline)
    pages = client.paged(LIST_URL, item_from_dict=item).by_page()
    assert list(next(pages)) == ["a"]
    token = pages.continuation_token
    assert token == next2
    resumed = make_client(FakePipeline((200, {"value": [{"name": "b"}]})))
    assert [list(p) for p in resumed.paged(LIST_URL, item_from_dict=item).by_page(token)] == [["b"]]


def test_paged_refuses_a_foreign_next_link() -> None:
    pipeline = FakePipeline(
        (200, {"value": [{"name": "a"}], "nextLink": "https://evil.example/steal?x=1"})
    )
    paged = make_client(pipeline).paged(LIST_URL, item_from_dict=item)
    assert next(paged) == "a"
    with pytest.raises(ServiceRequestError, match="nextLink"):
        next(paged)
    assert len(pipeline.requests) == 1


@pytest.mark.parametrize(
    "link", ["http://management.azure.com/x", "https://management.azure.com:444/x"]
)
def test_paged_refuses_scheme_or_port_change(link: str) -> None:
    pipeline = FakePipeline((200, {"value": [], "nextLink": link}))
    with pytest.raises(ServiceRequestError):
        list(make_client(pipeline).paged(LIST_URL, item_from_dict=item))


def test_paged_item_error_names_the_item() -> None:
    pipeline = FakePipeline((200, {"value": [{"name": "a"}, {"nope": 1}]}))
    with pytest.raises(DecodeError) as caught:
        list(make_client(pipeline).paged(LIST_URL, item_from_dict=item))
    assert "value[1]" in str(caught.value)
    assert caught.value.status_code == 200
    assert caught.value.request_id == "req-1"
    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", [1, 2], {"value": {"name": "a"}}, {"value": [], "nextLink": 5}],
)
def test_paged_bad_page_shapes_are_decode_errors(body: Any) -> None:
    with pytest.raises(DecodeError):
        list(make_client(FakePipeline((200, body))).paged(LIST_URL, item_from_dict=item))


def test_paged_missing_value_is_an_empty_page() -> None:
    assert list(make_client(FakePipeline((200, {}))).paged(LIST_URL, item_from_dict=item)) == []


def test_paged_custom_keys_and_no_next_link_key() -> None:
    body = {"items": [{"name": "a"}], "nextLink": f"{BASE}/never"}
    client = make_client(FakePipeline((200, body)))
    paged = client.paged(LIST_URL, item_from_dict=item, items_key="items", next_link_key=None)
    assert list(paged) == ["a"]


def test_paged_error_status_is_mapped() -> None:
    body = {"error": {"code": "ResourceNotFound", "message": "no vmss"}}
    with pytest.raises(ResourceNotFoundError, match="no vmss"):
        list(make_client(FakePipeline((404, body))).paged(LIST_URL, item_from_dict=item))
