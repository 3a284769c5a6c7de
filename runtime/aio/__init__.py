"""The asyncio driver of the runtime (installed with the ``aio`` extra: aiohttp).

Nothing here decides anything of its own: requests are prepared, authorized, logged,
retried and polled by the same rules as the sync driver -- the sans-I/O cores
(:mod:`..lro_core`, :mod:`..paging_core`) and the shared helpers -- only the waiting is
``await``. Importing the sync runtime never imports this package.
"""
