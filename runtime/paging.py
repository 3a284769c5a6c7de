"""``ItemPaged``: lazy iteration over a ``nextLink``-chained list, shaped like azure-core's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from .exceptions import ServiceResponseError

__all__ = ["ItemPaged", "PageFetcher", "PageIterator"]

T = TypeVar("T")

PageFetcher = Callable[[str | None], tuple[Sequence[T], str | None]]
"""``fetch(None)`` gets the first page, ``fetch(next_link)`` a later one; returns
``(items, next_link or None)``."""


class PageIterator(Iterator[Iterator[T]]):
    """Iterates pages; :attr:`continuation_token` is the next page's link (``None`` at the end).

    Pass that token to :meth:`ItemPaged.by_page` (possibly in another process) to resume.
    """

    def __init__(self, fetch: PageFetcher[T], continuation_token: str | None = None) -> None:
        self._fetch = fetch
        self.continuation_token: str | None = continuation_token or None
        # Every link fetched so far: a service leading back to one of them would loop forever.
        self._fetched: set[str] = set()
        self._started = False
        self._finished = False

    def __iter__(self) -> PageIterator[T]:
        return self

    def __next__(self) -> Iterator[T]:
        if self._finished:
            raise StopIteration
        if self._started and self.continuation_token is None:
            self._finished = True
            raise StopIteration
        link = self.continuation_token
        items, next_link = self._fetch(link)
        self._started = True
        if link is not None:
            self._fetched.add(link)
        if next_link is not None and next_link in self._fetched:
            self._finished = True
            what = (
                "the same nextLink as the page just fetched"
                if next_link == link
                else "a nextLink that was already fetched (the chain of pages loops)"
            )
            raise ServiceResponseError(f"The service returned {what}; stopping")
        self.continuation_token = next_link or None
        if self.continuation_token is None:
            self._finished = True
        return iter(items)


class ItemPaged(Iterator[T], Generic[T]):
    """Items of a paged list, fetched one page at a time and only when iterated.

    Like azure-core's, it is an iterator: iterate it once, or call :meth:`by_page` for pages
    and a resumable continuation token.
    """

    def __init__(self, fetch: PageFetcher[T]) -> None:
        self._fetch = fetch
        self._items: Iterator[T] | None = None

    def by_page(self, continuation_token: str | None = None) -> PageIterator[T]:
        """An iterator of pages (each an iterator of items), starting at ``continuation_token``
        (a next link from an earlier :attr:`PageIterator.continuation_token`) when given."""
        return PageIterator(self._fetch, continuation_token)

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
