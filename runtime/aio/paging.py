"""``AsyncItemPaged``: ``async for`` over a ``nextLink`` chain, driving the same
:class:`~..paging_core.PageChain` as the sync ``ItemPaged``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, TypeVar

from ..paging_core import DEFAULT_MAX_EMPTY_PAGES, PagedList, PageWalk

__all__ = ["AsyncItemPaged", "AsyncPage", "AsyncPageFetcher", "AsyncPageIterator"]

T = TypeVar("T")

AsyncPageFetcher = Callable[[str | None], Awaitable[tuple[Sequence[T], str | None]]]
"""``await fetch(None)`` gets the first page, ``await fetch(link)`` a later one."""


class AsyncPage(Iterator[T], AsyncIterator[T]):
    """One page's items, already fetched: iterate with ``async for`` (as azure-core's async
    pages are iterated) or with a plain ``for``."""

    __slots__ = ("_items",)

    def __init__(self, items: Sequence[T]) -> None:
        self._items = iter(items)

    def __iter__(self) -> AsyncPage[T]:
        return self

    def __next__(self) -> T:
        return next(self._items)

    def __aiter__(self) -> AsyncPage[T]:
        return self

    async def __anext__(self) -> T:
        for item in self._items:
            return item
        raise StopAsyncIteration


class AsyncPageIterator(PageWalk[AsyncPageFetcher[T]], AsyncIterator[AsyncPage[T]]):
    """Pages, each an :class:`AsyncPage` of items; :attr:`continuation_token` resumes (either
    driver)."""

    def __aiter__(self) -> AsyncPageIterator[T]:
        return self

    async def __anext__(self) -> AsyncPage[T]:
        return AsyncPage(await self.next_items())

    async def next_items(self) -> Sequence[T]:
        """The next page's items as fetched; ``StopAsyncIteration`` after the last page."""
        if self._chain.done():
            raise StopAsyncIteration
        items, next_link = await self._fetch(self._chain.continuation_token)
        self._chain.receive(items, next_link)
        return items


class AsyncItemPaged(PagedList[AsyncPageFetcher[T]], AsyncIterator[T], Generic[T]):
    """Items of a paged list, fetched one page at a time as they are iterated."""

    def __init__(
        self, fetch: AsyncPageFetcher[T], *, max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES
    ) -> None:
        super().__init__(fetch, max_empty_pages=max_empty_pages)
        self._pages: AsyncPageIterator[T] | None = None
        self._items: Iterator[T] = iter(())

    def by_page(
        self, continuation_token: str | None = None, *, max_empty_pages: int | None = None
    ) -> AsyncPageIterator[T]:
        """Pages from ``continuation_token`` (a next link) on; see ``ItemPaged.by_page``."""
        return AsyncPageIterator(
            self._fetch, continuation_token, max_empty_pages=self._empty_page_limit(max_empty_pages)
        )

    def __aiter__(self) -> AsyncItemPaged[T]:
        return self

    async def __anext__(self) -> T:
        if self._pages is None:
            self._pages = self.by_page()
        while True:
            for item in self._items:
                return item
            self._items = iter(await self._pages.next_items())

    def __repr__(self) -> str:
        return f"<AsyncItemPaged iterating={self._pages is not None}>"
