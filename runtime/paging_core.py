"""The sans-I/O core of paging: which page to fetch next, and when the chain must stop.

:class:`PageChain` takes each page as ``(items, next_link)`` and says what to fetch next (a
link, or ``None`` for the first page) or that the chain is over. It refuses chains that loop
and bounds runs of empty pages; both the sync ``ItemPaged`` and the async ``AsyncItemPaged``
drive it, so the two cannot disagree on when a list ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from .exceptions import ServiceResponseError

__all__ = [
    "DEFAULT_MAX_EMPTY_PAGES",
    "PageChain",
    "PageWalk",
    "PagedList",
    "TooManyEmptyPagesError",
    "check_max_empty_pages",
]

T = TypeVar("T")
F = TypeVar("F")
"""A driver's page fetcher: blocking, or a coroutine function."""

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


class PageChain:
    """The state of one walk along a ``nextLink`` chain; no I/O.

    Use: ``if chain.done(): stop``; fetch ``chain.continuation_token`` (``None``: the first
    page); then ``chain.receive(items, next_link)``, which raises when the chain must stop
    with an error.
    """

    def __init__(
        self,
        continuation_token: str | None = None,
        *,
        max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES,
    ) -> None:
        self.continuation_token: str | None = continuation_token or None
        self._max_empty_pages = check_max_empty_pages(max_empty_pages)
        self._empty_in_a_row = 0
        # Every link fetched so far: a service leading back to one of them would loop forever.
        self._fetched: set[str] = set()
        self._started = False
        self._finished = False

    def done(self) -> bool:
        """Whether no page is left to fetch."""
        if not self._finished and self._started and self.continuation_token is None:
            self._finished = True
        return self._finished

    def receive(self, items: Sequence[object], next_link: str | None) -> None:
        """Take the page fetched from :attr:`continuation_token`; move to the next link."""
        link = self.continuation_token
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


class PageWalk(Generic[F]):
    """What both drivers' page iterators hold: the fetcher and the :class:`PageChain`."""

    def __init__(
        self,
        fetch: F,
        continuation_token: str | None = None,
        *,
        max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES,
    ) -> None:
        self._fetch = fetch
        self._chain = PageChain(continuation_token, max_empty_pages=max_empty_pages)

    @property
    def continuation_token(self) -> str | None:
        """The next page's link; ``None`` before the first page of a fresh walk and at the end.

        Pass it to ``by_page`` (possibly in another process, with either driver) to resume.
        """
        return self._chain.continuation_token


class PagedList(Generic[F]):
    """What both drivers' item lists hold: the fetcher and the empty-page limit."""

    def __init__(self, fetch: F, *, max_empty_pages: int = DEFAULT_MAX_EMPTY_PAGES) -> None:
        self._fetch = fetch
        self.max_empty_pages = check_max_empty_pages(max_empty_pages)
        """Consecutive empty pages with a nextLink before :class:`TooManyEmptyPagesError`."""

    def _empty_page_limit(self, max_empty_pages: int | None) -> int:
        return self.max_empty_pages if max_empty_pages is None else max_empty_pages


def check_max_empty_pages(value: int) -> int:
    """A positive int (bool is not one); typed errors naming ``max_empty_pages``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"max_empty_pages must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"max_empty_pages must be at least 1, not {value}")
    return value
