"""``ItemPaged``: lazy iteration over a ``nextLink``-chained list, shaped like azure-core's.

The sync driver of :class:`.paging_core.PageChain`, which decides what to fetch and when to stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from .paging_core import (
    DEFAULT_MAX_EMPTY_PAGES,
    PagedList,
    PageWalk,
    TooManyEmptyPagesError,
)

__all__ = [
    "DEFAULT_MAX_EMPTY_PAGES",
    "ItemPaged",
    "PageFetcher",
    "PageIterator",
    "TooManyEmptyPagesError",
]

T = TypeVar("T")

PageFetcher = Callable[[str | None], tuple[Sequence[T], str | None]]
"""``fetch(None)`` gets the first page, ``fetch(next_link)`` a later one; returns
``(items, next_link or None)``."""


class PageIterator(PageWalk[PageFetcher[T]], Iterator[Iterator[T]]):
    """Iterates pages; :attr:`continuation_token` is the next page's link (``None`` at the end).

    Pass that token to :meth:`ItemPaged.by_page` (possibly in another process) to resume.
    """

    def __iter__(self) -> PageIterator[T]:
        return self

    def __next__(self) -> Iterator[T]:
        if self._chain.done():
            raise StopIteration
        items, next_link = self._fetch(self._chain.continuation_token)
        self._chain.receive(items, next_link)
        return iter(items)


class ItemPaged(PagedList[PageFetcher[T]], Iterator[T], Generic[T]):
    """Items of a paged list, fetched one page at a time and only when iterated.

    Like azure-core's, it is an iterator: iterate it once, or call :meth:`by_page` for pages
    and a resumable continuation token.
    """

    def __init__(
        self, fetch: PageFetcher[T], *, max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES
    ) -> None:
        super().__init__(fetch, max_empty_pages=max_empty_pages)
        self._items: Iterator[T] | None = None

    def by_page(
        self, continuation_token: str | None = None, *, max_empty_pages: int | None = None
    ) -> PageIterator[T]:
        """An iterator of pages (each an iterator of items), starting at ``continuation_token``
        (a next link from an earlier :attr:`PageIterator.continuation_token`) when given.

        ``max_empty_pages`` (default :attr:`max_empty_pages`) empty pages in a row that each
        link to another page raise :class:`TooManyEmptyPagesError`.
        """
        return PageIterator(
            self._fetch, continuation_token, max_empty_pages=self._empty_page_limit(max_empty_pages)
        )

    def __iter__(self) -> ItemPaged[T]:
        return self

    def __next__(self) -> T:
        if self._items is None:
            self._items = _chain(self.by_page())
        return next(self._items)

    def __repr__(self) -> str:
        return f"<ItemPaged iterating={self._items is not None}>"


def _chain(pages: Iterator[Iterator[T]]) -> Iterator[T]:
    for page in pages:
        yield from page
