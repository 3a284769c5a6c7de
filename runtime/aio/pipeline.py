"""``AsyncPipeline``: the sync pipeline's request rules (ids, User-Agent, Accept, logging with
redaction), an awaited bearer token, then the async transport."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import cast

from ..exceptions import AzureError
from ..http import HttpRequest, HttpResponse
from ..pipeline import _STANDARD_REASONS, Pipeline, _get_header
from ..redact import CREDENTIAL_HEADERS, NO_SECRET_VALUES, SecretValues, mask_text, redact_url
from ..retry import RetryPolicy
from ..transport import Urllib3Transport
from .auth import AsyncBearerTokenPolicy
from .transport import AiohttpTransport

__all__ = ["AsyncPipeline"]


class AsyncPipeline:
    """Prepares, authorizes, logs and sends each request; the async twin of ``Pipeline``.

    The preparation and logging are the sync pipeline's own methods (an instance that never
    sends), so the two cannot drift. As there, ``Authorization`` goes on a private copy only.
    """

    def __init__(
        self,
        transport: AiohttpTransport,
        *,
        auth: AsyncBearerTokenPolicy | None,
        user_agent: str | Callable[[], str],
        secret_fields: frozenset[str] = frozenset(),
        logger: logging.Logger | None = None,
    ) -> None:
        self.transport = transport
        self.auth = auth
        self.secret_fields = secret_fields
        self._rules = Pipeline(
            cast(Urllib3Transport, None),
            auth=None,
            user_agent=user_agent,
            secret_fields=secret_fields,
            logger=logger,
        )
        self.logger = self._rules.logger
        self._rules.transport_secrets = getattr(transport, "proxy_secrets", NO_SECRET_VALUES)
        self._transport_secrets: SecretValues = self._rules.transport_secrets

    @property
    def user_agent(self) -> str:
        """The User-Agent sent."""
        return self._rules.user_agent

    async def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse:
        """Send ``request`` and return the response, whatever its status (see ``Pipeline.run``)."""
        self._rules._prepare(request, client_request_id)
        outgoing = self._rules._outgoing_copy(request)
        auth = self.auth
        if auth is not None and not auth.authorize_from_cache(outgoing):
            await auth.authorize_async(outgoing)
        outgoing.secret_values = self._sent_secrets(outgoing)
        if self.logger.isEnabledFor(logging.INFO):
            response = await self._send_logged(
                outgoing, request, timeout, retry_policy, max_response_body
            )
        else:  # _send, written out: one coroutine less around every request
            try:
                response = await self.transport.send(
                    outgoing,
                    timeout=timeout,
                    retry_policy=retry_policy,
                    max_response_body=max_response_body,
                )
            except AzureError as error:
                self._failed(error, outgoing)
                raise
            response.request = request
            self._received(response, outgoing)
        if (
            response.status_code == 401
            and auth is not None
            and await auth.handle_challenge_async(outgoing, response)
        ):
            outgoing.secret_values = self._sent_secrets(outgoing)
            response = await self._send(outgoing, request, timeout, retry_policy, max_response_body)
        return response

    async def _send(
        self,
        outgoing: HttpRequest,
        original: HttpRequest,
        timeout: float | None,
        retry_policy: RetryPolicy | None,
        max_response_body: int | None,
    ) -> HttpResponse:
        if self.logger.isEnabledFor(logging.INFO):
            return await self._send_logged(
                outgoing, original, timeout, retry_policy, max_response_body
            )
        try:
            response = await self.transport.send(
                outgoing,
                timeout=timeout,
                retry_policy=retry_policy,
                max_response_body=max_response_body,
            )
        except AzureError as error:
            self._failed(error, outgoing)
            raise
        response.request = original
        self._received(response, outgoing)
        return response

    async def _send_logged(
        self,
        outgoing: HttpRequest,
        original: HttpRequest,
        timeout: float | None,
        retry_policy: RetryPolicy | None,
        max_response_body: int | None,
    ) -> HttpResponse:
        """:meth:`_send` with the request and response logged (INFO covers every line)."""
        self._rules._log_request(outgoing)
        started = time.perf_counter()
        try:
            response = await self.transport.send(
                outgoing,
                timeout=timeout,
                retry_policy=retry_policy,
                max_response_body=max_response_body,
            )
        except AzureError as error:
            self._failed(error, outgoing)
            raise
        response.request = original
        self._received(response, outgoing)
        self._rules._log_response(response, (time.perf_counter() - started) * 1000.0)
        return response

    def forget_credentials(self) -> None:
        """``Pipeline.forget_credentials``: a closed client keeps nothing of its token."""
        self._rules.forget_credentials()
        if self.auth is not None:
            self.auth.forget()

    def _sent_secrets(self, outgoing: HttpRequest) -> SecretValues:
        """``Pipeline._sent_secrets``, with the token's part made once per token by the
        policy: a poll, which holds the operation's secrets already, makes no new set."""
        auth = self.auth
        if auth is not None:
            headers = outgoing.headers
            token_secrets = auth.header_secrets(headers.get("Authorization"))
            # The only credential header (map: no Python loop).
            if (
                token_secrets is not None
                and sum(map(CREDENTIAL_HEADERS.__contains__, map(str.lower, headers))) == 1
            ):
                held = outgoing.secret_values
                extra = self._transport_secrets
                if held.issuperset(token_secrets) and held.issuperset(extra):
                    return held
                return SecretValues(held | token_secrets | extra)
        return self._rules._sent_secrets(outgoing)

    def _received(self, response: HttpResponse, outgoing: HttpRequest) -> None:
        """``Pipeline._received``, the secrets worked out before sending."""
        values = response.secret_values = outgoing.secret_values
        if response.reason not in _STANDARD_REASONS:
            response.reason = mask_text(response.reason, self.secret_fields, values)

    def _failed(self, error: AzureError, outgoing: HttpRequest) -> None:
        if error.client_request_id is None:
            error.client_request_id = _get_header(outgoing.headers, "x-ms-client-request-id")
        error.scrub(self._rules._sent_secrets(outgoing), self.secret_fields)
        # Raised to the caller, who sees it: logged for the record, not as a warning.
        if self.logger.isEnabledFor(logging.INFO):
            self.logger.info(
                "%s %s failed: %s: %s",
                outgoing.method,
                redact_url(outgoing.url),
                type(error).__name__,
                error.message,
            )

    def __repr__(self) -> str:
        return f"AsyncPipeline(transport={self.transport!r}, auth={self.auth!r})"


# pyright --strict (nox -s lint): this async driver reuses the sync classes' own rules (their
# underscored helpers, inside this package) rather than copying them.
# pyright: reportPrivateUsage=false
