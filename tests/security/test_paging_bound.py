"""Paging always returns control: endless empty pages with fresh nextLinks end in a typed error."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from lro_script_server import Reply, ScriptServer, arm_client, script_server
from surfaces import SURFACES, make_pager, unwrap
from vmss_runcommands.runtime.exceptions import ServiceResponseError
from vmss_runcommands.runtime.paging import (
    DEFAULT_MAX_EMPTY_PAGES,
    TooManyEmptyPagesError,
)

LIST = "/subscriptions/sub/resourceGroups/rg/providers/Test.RP/things"


class Endless:
    """A hostile fetch: each page is empty and links to a page never seen before."""

    def __init__(self, first_items: Sequence[int] = ()) -> None:
        self.calls = 0
        self.first_items = list(first_items)

    def __call__(self, link: str | None) -> tuple[Sequence[int], str | None]:
        self.calls += 1
        items = self.first_items if link is None else []
        return items, f"https://management.azure.com/next/{self.calls}"


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    with script_server() as running:
        yield running


@pytest.mark.parametrize("surface", SURFACES)
def test_endless_empty_pages_from_a_server_stop_at_the_default_bound(
    server: ScriptServer, surface: str
) -> None:
    server.reply(
        *(
            Reply(200, {"value": [], "nextLink": "{base}" + LIST + f"?page={n}"})
            for n in range(DEFAULT_MAX_EMPTY_PAGES + 20)
        )
    )
    client = arm_client(server, surface, api_version="1")
    with client:
        pages = client.paged(client.base_url + LIST + "?api-version=1", item_from_dict=dict)
        with pytest.raises(TooManyEmptyPagesError) as caught:
            list(pages)
    assert len(server.seen) == DEFAULT_MAX_EMPTY_PAGES == 50
    error = caught.value
    assert isinstance(error, ServiceResponseError)
    assert error.empty_pages == 50
    assert "50 empty pages in a row" in str(error) and "max_empty_pages" in str(error)
    assert error.continuation_token.endswith("page=49")


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("limit", [1, 3, 7])
def test_the_bound_is_configurable_per_list(limit: int, surface: str) -> None:
    fetch = Endless()
    pages = make_pager(surface, fetch)
    unwrap(pages).max_empty_pages = limit
    with pytest.raises(TooManyEmptyPagesError):
        list(pages)
    assert fetch.calls == limit
    fetch = Endless()
    with pytest.raises(TooManyEmptyPagesError):
        for _ in make_pager(surface, fetch).by_page(max_empty_pages=limit):
            pass
    assert fetch.calls == limit


@pytest.mark.parametrize("surface", SURFACES)
def test_items_reset_the_count_and_are_all_delivered_first(surface: str) -> None:
    fetch = Endless(first_items=[1, 2])
    seen: list[int] = []
    with pytest.raises(TooManyEmptyPagesError):
        seen.extend(make_pager(surface, fetch, max_empty_pages=4))
    assert seen == [1, 2]
    assert fetch.calls == 5  # the page with items, then four empty ones


@pytest.mark.parametrize("surface", SURFACES)
def test_a_few_empty_pages_on_the_way_are_fine(surface: str) -> None:
    pages = {
        None: ([], "a"),
        "a": ([], "b"),
        "b": ([1], "c"),
        "c": ([], "d"),
        "d": ([], None),
    }
    assert list(make_pager(surface, lambda link: pages[link], max_empty_pages=3)) == [1]


@pytest.mark.parametrize("surface", SURFACES)
def test_the_error_token_carries_on_where_it_stopped(surface: str) -> None:
    fetch = Endless()
    pages = make_pager(surface, fetch, max_empty_pages=2)
    with pytest.raises(TooManyEmptyPagesError) as caught:
        list(pages)
    resumed = pages.by_page(caught.value.continuation_token, max_empty_pages=1)
    with pytest.raises(TooManyEmptyPagesError):
        next(resumed)
    assert fetch.calls == 3


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (-1, ValueError), (2.5, TypeError)])
def test_a_bad_bound_is_refused(value: object, error: type[Exception], surface: str) -> None:
    with pytest.raises(error, match="max_empty_pages"):
        make_pager(surface, Endless(), max_empty_pages=value)


def test_the_error_is_importable_with_the_others() -> None:
    import vmss_runcommands

    assert vmss_runcommands.TooManyEmptyPagesError is TooManyEmptyPagesError
