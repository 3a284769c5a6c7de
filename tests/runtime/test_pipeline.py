from __future__ import annotations

import asyncio
import base64
import json
import logging
import platform
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pytest
from surfaces import SURFACES, AsyncCredential
from vmss_runcommands.runtime import pipeline as pipeline_module
from vmss_runcommands.runtime.auth import BearerTokenPolicy
from vmss_runcommands.runtime.exceptions import ServiceRequestError, map_error
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.pipeline import (
    Pipeline,
    _credentials_in_header,
    apply_azure_log_level,
    build_user_agent,
    new_client_request_id,
)
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

if TYPE_CHECKING:
    from conftest import ScriptedServer

SECRETS = frozenset({"runAsPassword", "protectedParameters"})
TOKEN_PREFIX = "eyJ0eXAiOiJKV1Qi-token-"
PASSWORD = "Hunter2-Passw0rd!"
PROTECTED = "protected-value-xyz"


@dataclass(frozen=True)
class FakeToken:
    token: str
    expires_on: int


class FakeCredential:
    def __init__(self) -> None:
        self.claims: list[str | None] = []

    def get_token(
        self, *scopes: str, claims: str | None = None, tenant_id: str | None = None, **kw: Any
    ) -> FakeToken:
        self.claims.append(claims)
        return FakeToken(f"{TOKEN_PREFIX}{len(self.claims)}", 4_000_000_000)


@pytest.fixture
def credential() -> FakeCredential:
    return FakeCredential()


class AwaitedPipeline:
    """``AsyncPipeline`` with the sync pipeline's ``run``, awaited to its end on ``loop``."""

    def __init__(self, inner: Any, loop: asyncio.AbstractEventLoop) -> None:
        object.__setattr__(self, "inner", inner)
        object.__setattr__(self, "loop", loop)

    def run(self, request: HttpRequest, **kwargs: Any) -> Any:
        return self.loop.run_until_complete(self.inner.run(request, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.inner, name, value)


@pytest.fixture(params=SURFACES)
def pipeline(request: pytest.FixtureRequest, credential: FakeCredential) -> Iterator[Pipeline]:
    """``Pipeline`` over urllib3, or ``AsyncPipeline`` over aiohttp (awaited), the same way."""
    scope = "https://management.azure.com/.default"
    if request.param == "sync":
        transport = Urllib3Transport(retry_policy=RetryPolicy.no_retries(), proxies_from_env=False)
        auth = BearerTokenPolicy(credential, scope)
        yield Pipeline(transport, auth=auth, user_agent="test-agent/1.0", secret_fields=SECRETS)
        transport.close()
        return
    from vmss_runcommands.runtime.aio.auth import AsyncBearerTokenPolicy
    from vmss_runcommands.runtime.aio.pipeline import AsyncPipeline
    from vmss_runcommands.runtime.aio.transport import AiohttpTransport

    loop = asyncio.new_event_loop()
    aio_transport = AiohttpTransport(retry_policy=RetryPolicy.no_retries())
    aio_auth = AsyncBearerTokenPolicy(AsyncCredential(credential), scope)
    awaited = AsyncPipeline(
        aio_transport, auth=aio_auth, user_agent="test-agent/1.0", secret_fields=SECRETS
    )
    yield cast(Pipeline, AwaitedPipeline(awaited, loop))
    loop.run_until_complete(aio_transport.close())
    loop.close()


def run_command_body() -> bytes:
    return json.dumps(
        {
            "location": "eastus",
            "properties": {
                "source": {"script": "echo hi"},
                "runAsUser": "azureuser",
                "runAsPassword": PASSWORD,
                "protectedParameters": [{"name": "key", "value": PROTECTED}],
            },
        }
    ).encode()


def test_build_user_agent() -> None:
    base = build_user_agent("vmss-runcommands/0.1.0", environ={})
    assert base == (
        f"azsdk-python-vmss-runcommands/0.1.0 Python/{platform.python_version()} "
        f"({platform.platform()})"
    )
    assert build_user_agent("m/1", "myapp/2.0", environ={}).startswith(
        "myapp/2.0 azsdk-python-m/1 "
    )
    with_env = build_user_agent("m/1", "app", environ={"AZURE_HTTP_USER_AGENT": "cli/9"})
    assert with_env.startswith("app azsdk-python-m/1 Python/")
    assert with_env.endswith(") cli/9")


def test_run_sets_standard_headers(server: ScriptedServer, pipeline: Pipeline) -> None:
    request = HttpRequest("GET", f"{server.url}/rc?api-version=2024-07-01")
    response = pipeline.run(request)

    assert response.status_code == 200
    [seen] = server.requests
    request_id = seen.headers["x-ms-client-request-id"]
    assert uuid.UUID(request_id).version == 1
    assert seen.headers["user-agent"] == "test-agent/1.0"
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["authorization"] == f"Bearer {TOKEN_PREFIX}1"
    # The caller's request gets the ids but never the token; nor does the response's request.
    assert request.headers["x-ms-client-request-id"] == request_id
    assert response.request is request
    assert all(key.lower() != "authorization" for key in request.headers)
    assert TOKEN_PREFIX not in repr(request)


def test_client_request_id_is_preserved(server: ScriptedServer, pipeline: Pipeline) -> None:
    pipeline.run(HttpRequest("GET", server.url), client_request_id="given-id")
    existing = HttpRequest(
        "GET",
        server.url,
        headers={
            "X-MS-Client-Request-Id": "existing-id",
            "accept": "text/plain",
            "User-Agent": "u",
        },
    )
    pipeline.run(existing)
    override = HttpRequest("GET", server.url, headers={"x-ms-client-request-id": "old"})
    pipeline.run(override, client_request_id="new")
    first, second, third = server.requests
    assert first.headers["x-ms-client-request-id"] == "given-id"
    assert second.headers["x-ms-client-request-id"] == "existing-id"
    assert second.headers["accept"] == "text/plain"
    assert second.headers["user-agent"] == "u"
    assert third.headers["x-ms-client-request-id"] == "new"
    assert override.headers == {
        "x-ms-client-request-id": "new",
        "User-Agent": "test-agent/1.0",
        "Accept": "application/json",
    }


def test_no_auth_sends_no_authorization(server: ScriptedServer) -> None:
    with Urllib3Transport(proxies_from_env=False) as transport:
        Pipeline(transport, auth=None, user_agent="ua").run(HttpRequest("GET", server.url))
    assert "authorization" not in server.requests[0].headers


def test_claims_challenge_is_answered_once(
    server: ScriptedServer, pipeline: Pipeline, credential: FakeCredential
) -> None:
    claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
    encoded = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    challenge = {"WWW-Authenticate": f'Bearer error="insufficient_claims", claims="{encoded}"'}
    server.reply(401, headers=challenge)
    server.reply(200, b"{}")
    response = pipeline.run(HttpRequest("PUT", server.url, body=b"{}"))
    assert response.status_code == 200
    assert [r.headers["authorization"] for r in server.requests] == [
        f"Bearer {TOKEN_PREFIX}1",
        f"Bearer {TOKEN_PREFIX}2",
    ]
    assert credential.claims == [None, claims]
    assert (
        server.requests[0].headers["x-ms-client-request-id"]
        == (server.requests[1].headers["x-ms-client-request-id"])
    )

    server.reply(401, headers=challenge, times=3)
    assert pipeline.run(HttpRequest("GET", server.url)).status_code == 401
    assert len(server.requests) == 4  # one resend, not a loop


def test_plain_401_is_returned_without_resend(server: ScriptedServer, pipeline: Pipeline) -> None:
    server.reply(401, b'{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}')
    response = pipeline.run(HttpRequest("GET", server.url))
    assert response.status_code == 401
    assert len(server.requests) == 1


def test_bearer_over_plain_http_to_a_remote_host_is_refused(pipeline: Pipeline) -> None:
    with pytest.raises(ServiceRequestError):
        pipeline.run(HttpRequest("GET", "http://management.azure.com/x"))


def test_logging_redacts_headers_urls_bodies_and_secrets(
    server: ScriptedServer, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    server.reply(
        400,
        run_command_body(),
        {
            "x-ms-request-id": "rid-1",
            "Set-Cookie": "session=abc123",
            "x-ms-ratelimit-remaining-subscription-writes": "1199",
            "Content-Type": "application/json",
        },
    )
    url = f"{server.url}/rc?api-version=2024-07-01&sig=sas-signature-value"
    with caplog.at_level(logging.DEBUG, logger="vmss_runcommands"):
        response = pipeline.run(HttpRequest("PUT", url, body=run_command_body()))
        error = map_error(response, secret_fields=SECRETS)

    records = [r for r in caplog.records if r.name == "vmss_runcommands"]
    messages = [r.getMessage() for r in records]
    everything = "\n".join(messages) + str(error) + repr(error) + repr(response)
    for secret in (TOKEN_PREFIX, PASSWORD, PROTECTED, "sas-signature-value", "abc123"):
        assert secret not in everything, secret

    info = [r.getMessage() for r in records if r.levelno == logging.INFO]
    request_line, response_line = info
    assert request_line.startswith(
        "Request: PUT " + f"{server.url}/rc?api-version=2024-07-01&sig=REDACTED"
    )
    assert "Authorization: REDACTED" in request_line
    assert "User-Agent: test-agent/1.0" in request_line
    assert "x-ms-client-request-id: " in request_line
    assert response_line.startswith("Response: 400 Bad Request (")
    assert "x-ms-request-id: rid-1" in response_line
    assert "x-ms-ratelimit-remaining-subscription-writes: 1199" in response_line
    assert "Set-Cookie: REDACTED" in response_line

    debug = [r.getMessage() for r in records if r.levelno == logging.DEBUG]
    assert any(m.startswith("Request body: ") and '"runAsPassword":"***"' in m for m in debug)
    assert any(
        m.startswith("Response body: ") and '"protectedParameters":"***"' in m for m in debug
    )


def test_bodies_are_not_logged_at_info(
    server: ScriptedServer, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="vmss_runcommands"):
        pipeline.run(HttpRequest("PUT", server.url, body=run_command_body()))
    assert len(caplog.records) == 2
    assert all("runAsUser" not in r.getMessage() for r in caplog.records)


def test_disabled_logging_does_no_formatting_work(
    server: ScriptedServer, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> str:
        raise AssertionError("formatted a log line that nobody will see")

    monkeypatch.setattr(pipeline_module, "format_headers", forbidden)
    monkeypatch.setattr(pipeline_module, "redact_json_bytes", forbidden)
    monkeypatch.setattr(pipeline_module, "redact_url", forbidden)
    logger = logging.getLogger("test.pipeline.quiet")
    logger.setLevel(logging.WARNING)
    pipeline.logger = logger
    assert pipeline.run(HttpRequest("PUT", server.url, body=b"{}")).status_code == 200


def test_transport_failure_is_raised_and_logged_below_warning(
    pipeline: Pipeline, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="vmss_runcommands"),
        pytest.raises(ServiceRequestError),
    ):
        pipeline.run(HttpRequest("GET", f"http://127.0.0.1:{closed_port}/x?sig=s3cret"))
    # The caller gets the exception; a WARNING as well would print it twice.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    [failure] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert failure.levelno == logging.INFO and "ServiceRequestError" in failure.getMessage()
    assert all("s3cret" not in r.getMessage() for r in caplog.records)
    assert all(TOKEN_PREFIX not in r.getMessage() for r in caplog.records)


@pytest.fixture
def restore_logger_level() -> Iterator[None]:
    logger = logging.getLogger("vmss_runcommands")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.mark.usefixtures("restore_logger_level")
def test_azure_log_level() -> None:
    logger = logging.getLogger("vmss_runcommands")
    assert apply_azure_log_level({"AZURE_LOG_LEVEL": "debug"}) == logging.DEBUG
    assert logger.level == logging.DEBUG
    assert apply_azure_log_level({"AZURE_LOG_LEVEL": "WARNING"}) == logging.WARNING
    assert logger.level == logging.WARNING
    assert apply_azure_log_level({"AZURE_LOG_LEVEL": "chatty"}) is None
    assert apply_azure_log_level({}) is None
    assert logger.level == logging.WARNING


def test_a_request_that_got_no_response_still_names_its_client_request_id(
    pipeline: Pipeline, closed_port: int
) -> None:
    request = HttpRequest("GET", f"http://127.0.0.1:{closed_port}/x")
    with pytest.raises(ServiceRequestError) as caught:
        pipeline.run(request, client_request_id="cid-for-the-ticket")
    assert caught.value.client_request_id == "cid-for-the-ticket"
    assert str(caught.value).endswith("Request ids: x-ms-client-request-id=cid-for-the-ticket")


def test_request_ids_are_version_1_uuids_that_never_repeat() -> None:
    ids = [new_client_request_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    for request_id in ids[:: len(ids) // 50]:
        parsed = uuid.UUID(request_id)
        assert str(parsed) == request_id
        assert parsed.version == 1 and parsed.variant == uuid.RFC_4122
        assert parsed.node == uuid.getnode()
    # 100 ns ticks since 1582, as uuid1 counts them: close to uuid1's own clock now.
    assert abs(uuid.UUID(new_client_request_id()).time - uuid.uuid1().time) < 10**8


@pytest.mark.parametrize(
    ("value", "credentials"),
    [
        ("Bearer tok-123", {"Bearer tok-123", "tok-123"}),
        ("  Bearer   tok-123 ", {"Bearer   tok-123", "tok-123"}),
        ("tok-123", {"tok-123"}),
        ("Bearer a, Bearer b", {"Bearer a, Bearer b", "a", "b"}),
        ("SharedKey acct:sig=xyz", {"SharedKey acct:sig=xyz", "acct:sig=xyz", "xyz"}),
    ],
)
def test_the_credentials_of_an_authorization_header(value: str, credentials: set[str]) -> None:
    assert set(_credentials_in_header(value)) == credentials


def test_the_secrets_a_request_sent_are_on_its_response_and_a_poll_keeps_its_own(
    server: ScriptedServer, credential: FakeCredential
) -> None:
    transport = Urllib3Transport(retry_policy=RetryPolicy.no_retries(), proxies_from_env=False)
    auth = BearerTokenPolicy(credential, "https://management.azure.com/.default")
    pipeline = Pipeline(transport, auth=auth, user_agent="a/1", secret_fields=SECRETS)
    server.reply(201, b"{}", times=3)
    with transport:
        first = pipeline.run(
            HttpRequest(
                "PUT",
                f"{server.url}/rc",
                headers={"x-ms-authorization-auxiliary": "Bearer aux-token-abc"},
                body=run_command_body(),
            )
        )
        token = f"{TOKEN_PREFIX}1"
        assert {PASSWORD, PROTECTED, token, "aux-token-abc"} <= first.secret_values
        # A poll carries the first request's values, the token among them: kept as they are.
        poll = pipeline.run(
            HttpRequest("GET", f"{server.url}/status", secret_values=first.secret_values)
        )
        assert poll.secret_values is first.secret_values
        # The token's credentials are remembered with the pipeline; a caller's own header never.
        remembered = pipeline._token_credentials
        assert remembered is not None and token in remembered.credentials
        assert not any("aux-token-abc" in value for value in remembered.credentials)
        assert "aux-token-abc" not in remembered.value
        assert token not in repr(remembered)
        # Without an auth policy, nothing of a caller's Authorization header is remembered.
        bare = Pipeline(transport, auth=None, user_agent="a/1", secret_fields=SECRETS)
        answered = bare.run(
            HttpRequest("GET", f"{server.url}/x", headers={"Authorization": "Bearer mine-123"})
        )
        assert "mine-123" in answered.secret_values
        assert bare._token_credentials is None
