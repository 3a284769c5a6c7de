"""The sans-I/O paging core: what to fetch next, and when a chain of pages must stop."""

from __future__ import annotations

import pytest
from vmss_runcommands.runtime.exceptions import ServiceResponseError
from vmss_runcommands.runtime.paging_core import PageChain, TooManyEmptyPagesError


def test_walks_links_until_a_page_has_none() -> None:
    chain = PageChain()
    fetched: list[str | None] = []
    pages = {None: (["a"], "l1"), "l1": ([], "l2"), "l2": (["b"], None)}
    while not chain.done():
        fetched.append(chain.continuation_token)
        chain.receive(*pages[chain.continuation_token])
    assert fetched == [None, "l1", "l2"]


def test_resumes_from_a_token() -> None:
    chain = PageChain("l5")
    assert not chain.done() and chain.continuation_token == "l5"
    chain.receive(["x"], None)
    assert chain.done()


def test_a_loop_back_to_a_fetched_link_stops_with_an_error() -> None:
    chain = PageChain()
    chain.receive(["a"], "l1")
    chain.receive(["b"], "l2")
    with pytest.raises(ServiceResponseError, match="loops"):
        chain.receive(["c"], "l1")
    assert chain.done()


def test_empty_pages_in_a_row_are_bounded_and_resumable() -> None:
    chain = PageChain(max_empty_pages=3)
    chain.receive([], "l1")
    chain.receive([], "l2")
    with pytest.raises(TooManyEmptyPagesError) as caught:
        chain.receive([], "l3")
    assert caught.value.empty_pages == 3 and caught.value.continuation_token == "l3"


def test_an_item_resets_the_empty_run() -> None:
    chain = PageChain(max_empty_pages=2)
    chain.receive([], "l1")
    chain.receive(["x"], "l2")
    chain.receive([], "l3")
    assert not chain.done()


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (True, TypeError), ("3", TypeError)])
def test_max_empty_pages_is_checked(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_empty_pages"):
        PageChain(max_empty_pages=value)  # type: ignore[arg-type]
