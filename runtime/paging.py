"""``ItemPaged``: lazy iteration over a ``nextLink``-chained list, shaped like azure-core's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from .exceptions import ServiceResponseError

__all__ = [
    "DEFAULT_MAX_EMPTY_PAGES",
    "ItemPaged",
    "PageFetcher",
    "PageIterator",
    "TooManyEmptyPagesError",
]

T = TypeVar("T")

DEFAULT_MAX_EMPTY_PAGES = 50
"""Consecutive empty pages that still link to a next page before iteration gives up.

A service may send a few empty pages on the way (ARM does, while it gathers results), but a
service that keeps sending empty pages with fresh nextLinks would otherwise keep the caller
fetching forever without ever seeing an item. Set ``ItemPaged.max_empty_pages`` (or pass
``max_empty_pages`` to :meth:`ItemPaged.by_page`) to change it.
"""


class TooManyEmptyPagesError(ServiceResponseError):
    """The service sent ``empty_pages`` empty pages in a row, each with a new nextLink.

    ``continuation_token`` is the next link that was not followed: pass it to
    :meth:`ItemPaged.by_page` to carry on, if the service is known to be slow to fill pages.
    """

    def __init__(self, message: str, *, empty_pages: int, continuation_token: str) -> None:
        super().__init__(message)
        self.empty_pages = empty_pages
        self.continuation_token = continuation_token


PageFetcher = Callable[[str | None], tuple[Sequence[T], str | None]]
"""``fetch(None)`` gets the first page, ``fetch(next_link)`` a later one; returns
``(items, next_link or None)``."""


class PageIterator(Iterator[Iterator[T]]):
    """Iterates pages; :attr:`continuation_token` is the next page's link (``None`` at the end).

    Pass that token to :meth:`ItemPaged.by_page` (possibly in another process) to resume.
    """

    def __init__(
        self,
        fetch: PageFetcher[T],
        continuation_token: str | None = None,
        *,
        max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES,
    ) -> None:
        self._fetch = fetch
        self.continuation_token: str | None = continuation_token or None
        self._max_empty_pages = _check_max_empty_pages(max_empty_pages)
        self._empty_in_a_row = 0
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
        elif items:
            self._empty_in_a_row = 0
        else:
            self._empty_in_a_row += 1
            if self._empty_in_a_row >= self._max_empty_pages:
                self._finished = True
                raise TooManyEmptyPagesError(
                    f"The service sent {self._empty_in_a_row} empty pages in a row, each "
                    "linking to another; stopping (the limit is max_empty_pages="
                    f"{self._max_empty_pages})",
                    empty_pages=self._empty_in_a_row,
                    continuation_token=self.continuation_token,
                )
        return iter(items)


class ItemPaged(Iterator[T], Generic[T]):
    """Items of a paged list, fetched one page at a time and only when iterated.

    Like azure-core's, it is an iterator: iterate it once, or call :meth:`by_page` for pages
    and a resumable continuation token.
    """

    def __init__(
        self, fetch: PageFetcher[T], *, max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES
    ) -> None:
        self._fetch = fetch
        self._items: Iterator[T] | None = None
        self.max_empty_pages = _check_max_empty_pages(max_empty_pages)
        """Consecutive empty pages with a nextLink before :class:`TooManyEmptyPagesError`."""

    def by_page(
        self, continuation_token: str | None = None, *, max_empty_pages: int | None = None
    ) -> PageIterator[T]:
        """An iterator of pages (each an iterator of items), starting at ``continuation_token``
        (a next link from an earlier :attr:`PageIterator.continuation_token`) when given.

        ``max_empty_pages`` (default :attr:`max_empty_pages`) empty pages in a row that each
        link to another page raise :class:`TooManyEmptyPagesError`.
        """
        limit = self.max_empty_pages if max_empty_pages is None else max_empty_pages
        return PageIterator(self._fetch, continuation_token, max_empty_pages=limit)

    def __iter__(self) -> ItemPaged[T]:
        return self

    def __next__(self) -> T:
        if self._items is None:
            self._items = _chain(self.by_page())
        return next(self._items)

    def __repr__(self) -> str:
        return f"<ItemPaged iterating={self._items is not None}>"


def _check_max_empty_pages(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"max_empty_pages must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"max_empty_pages must be at least 1, not {value}")
    return value


def _chain(pages: Iterator[Iterator[T]]) -> Iterator[T]:
    for page in pages:
        yield from page
