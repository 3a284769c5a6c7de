from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from surfaces import SURFACES, AsyncCredential, shared_loop
from vmss_runcommands.runtime.aio.auth import AsyncBearerTokenPolicy
from vmss_runcommands.runtime.auth import (
    BearerTokenPolicy,
    TokenCredential,
    scope_for_endpoint,
)
from vmss_runcommands.runtime.exceptions import ServiceRequestError
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse

SCOPE = "https://management.azure.com/.default"
START = 1_000_000.0


@dataclass(frozen=True)
class FakeToken:
    token: str
    expires_on: int


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class FakeCredential:
    def __init__(self, clock: FakeClock, lifetime: int = 3600, delay: float = 0.0) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
        self.calls: list[tuple[tuple[str, ...], str | None]] = []
        self._lock = threading.Lock()

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        **kwargs: Any,
    ) -> FakeToken:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.calls.append((scopes, claims))
            number = len(self.calls)
        return FakeToken(f"secret-token-{number}", int(self.clock() + self.lifetime))


SURFACE = {"kind": "sync"}


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    """``make_policy`` gives the sync policy, or ``AsyncBearerTokenPolicy`` (awaited)."""
    SURFACE["kind"] = request.param
    yield request.param
    SURFACE["kind"] = "sync"


class AwaitedPolicy:
    """``AsyncBearerTokenPolicy`` with the sync policy's calls, each awaited to its end."""

    def __init__(self, policy: AsyncBearerTokenPolicy) -> None:
        self.inner = policy

    def __repr__(self) -> str:
        return repr(self.inner)

    @property
    def _cached(self) -> Any:
        return self.inner._cached

    def authorize(self, request: HttpRequest) -> None:
        shared_loop().run_until_complete(self.inner.authorize_async(request))

    def handle_challenge(self, request: HttpRequest, response: HttpResponse) -> bool:
        answered: bool = shared_loop().run_until_complete(
            self.inner.handle_challenge_async(request, response)
        )
        return answered


def make_policy(
    lifetime: int = 3600, jitter: float = 0.0, delay: float = 0.0
) -> tuple[BearerTokenPolicy, FakeCredential, FakeClock]:
    clock = FakeClock()
    credential = FakeCredential(clock, lifetime, delay)
    if SURFACE["kind"] == "async":
        awaited = AsyncBearerTokenPolicy(
            AsyncCredential(credential), SCOPE, clock=clock, jitter=lambda: jitter
        )
        return cast(BearerTokenPolicy, AwaitedPolicy(awaited)), credential, clock
    policy = BearerTokenPolicy(credential, SCOPE, clock=clock, jitter=lambda: jitter)
    return policy, credential, clock


def authorized(policy: BearerTokenPolicy, url: str = "https://management.azure.com/x") -> str:
    request = HttpRequest("GET", url)
    policy.authorize(request)
    return request.headers["Authorization"]


def unauthorized(www_authenticate: str | None) -> HttpResponse:
    headers = {"WWW-Authenticate": www_authenticate} if www_authenticate else {}
    return HttpResponse(
        status_code=401,
        reason="Unauthorized",
        headers=headers,
        body=b"",
        request=HttpRequest("GET", "https://management.azure.com/x"),
    )


@pytest.mark.parametrize(
    ("endpoint", "scope"),
    [
        ("https://management.azure.com/", "https://management.azure.com/.default"),
        ("https://management.azure.com", "https://management.azure.com/.default"),
        (
            "https://management.usgovcloudapi.net/x/y",
            "https://management.usgovcloudapi.net/.default",
        ),
        ("http://127.0.0.1:8443/", "http://127.0.0.1:8443/.default"),
    ],
)
def test_scope_for_endpoint(endpoint: str, scope: str) -> None:
    assert scope_for_endpoint(endpoint) == scope


def test_scope_for_endpoint_rejects_relative_urls() -> None:
    with pytest.raises(ValueError):
        scope_for_endpoint("management.azure.com")


def test_fake_credential_satisfies_the_protocol() -> None:
    assert isinstance(FakeCredential(FakeClock()), TokenCredential)


@pytest.mark.usefixtures("surface")
def test_token_is_cached_until_the_refresh_margin() -> None:
    policy, credential, clock = make_policy()
    assert authorized(policy) == "Bearer secret-token-1"
    clock.now += 3600 - 301  # 301 s left: still outside the 300 s margin
    assert authorized(policy) == "Bearer secret-token-1"
    assert credential.calls == [((SCOPE,), None)]
    clock.now += 2  # 299 s left
    assert authorized(policy) == "Bearer secret-token-2"
    assert len(credential.calls) == 2


@pytest.mark.usefixtures("surface")
def test_jitter_moves_the_refresh_point_earlier_by_at_most_a_minute() -> None:
    policy, _, clock = make_policy(jitter=60.0)
    authorized(policy)
    clock.now += 3600 - 241  # 241 s left: margin 300 - jitter 60 = 240
    assert authorized(policy) == "Bearer secret-token-1"
    clock.now += 2
    assert authorized(policy) == "Bearer secret-token-2"


def test_default_jitter_is_between_0_and_60_seconds() -> None:
    clock = FakeClock()
    credential = FakeCredential(clock)
    policy = BearerTokenPolicy(credential, SCOPE, clock=clock)
    authorized(policy)
    clock.now += 3600 - 301  # 301 s left: no jitter makes this a refresh
    assert authorized(policy) == "Bearer secret-token-1"
    clock.now += 62  # 239 s left: below 300 - 60, every jitter makes this a refresh
    assert authorized(policy) == "Bearer secret-token-2"


@pytest.mark.usefixtures("surface")
def test_short_lived_token_is_not_fetched_on_every_request() -> None:
    policy, credential, clock = make_policy(lifetime=100)
    for _ in range(5):
        authorized(policy)
    assert len(credential.calls) == 1
    clock.now += 51  # past half its life
    assert authorized(policy) == "Bearer secret-token-2"


def test_concurrent_callers_share_one_refresh() -> None:
    policy, credential, _ = make_policy(delay=0.05)
    barrier = threading.Barrier(10)
    seen: list[str] = []

    def worker() -> None:
        barrier.wait()
        seen.append(authorized(policy))

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(credential.calls) == 1
    assert seen == ["Bearer secret-token-1"] * 10


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    "url",
    ["http://management.azure.com/x", "http://localhost.example.com/x", "http://10.0.0.1/x"],
)
def test_bearer_token_refused_over_plain_http(url: str) -> None:
    policy, credential, _ = make_policy()
    request = HttpRequest("GET", f"{url}?sig=s3cret")
    with pytest.raises(ServiceRequestError) as caught:
        policy.authorize(request)
    assert str(caught.value).startswith(
        "Bearer token authentication is not permitted for non-TLS protected (non-https) URLs"
    )
    assert "s3cret" not in str(caught.value)
    assert "Authorization" not in request.headers
    assert credential.calls == []


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:1/x", "http://127.9.9.9/"],
)
def test_loopback_http_is_allowed(url: str) -> None:
    policy, _, _ = make_policy()
    assert authorized(policy, url) == "Bearer secret-token-1"


@pytest.mark.usefixtures("surface")
def test_existing_authorization_header_is_replaced() -> None:
    policy, _, _ = make_policy()
    request = HttpRequest("GET", "https://h/x", headers={"authorization": "Basic old"})
    policy.authorize(request)
    assert request.headers == {"Authorization": "Bearer secret-token-1"}


@pytest.mark.usefixtures("surface")
def test_claims_challenge_gets_a_new_token_for_the_claims() -> None:
    policy, credential, _ = make_policy()
    request = HttpRequest("GET", "https://management.azure.com/x")
    policy.authorize(request)
    claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
    encoded = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    challenge = (
        'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
        f'error="insufficient_claims", claims="{encoded}"'
    )
    assert policy.handle_challenge(request, unauthorized(challenge)) is True
    assert credential.calls[-1] == ((SCOPE,), claims)
    assert request.headers["Authorization"] == "Bearer secret-token-2"
    # The claims token is cached for later requests.
    assert authorized(policy) == "Bearer secret-token-2"
    assert len(credential.calls) == 2


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    "challenge",
    [
        None,
        'Bearer authorization_uri="https://login", error="invalid_token"',
        'Bearer error="insufficient_claims"',
        'Bearer error="insufficient_claims", claims="%%%not-base64%%%"',
    ],
)
def test_other_401s_drop_the_cached_token_and_are_not_answered(challenge: str | None) -> None:
    policy, credential, _ = make_policy()
    request = HttpRequest("GET", "https://management.azure.com/x")
    policy.authorize(request)
    assert policy.handle_challenge(request, unauthorized(challenge)) is False
    assert authorized(policy) == "Bearer secret-token-2"  # the next request fetches afresh
    assert [claims for _, claims in credential.calls] == [None, None]


@pytest.mark.usefixtures("surface")
def test_non_401_is_not_a_challenge() -> None:
    policy, credential, _ = make_policy()
    authorized(policy)
    response = unauthorized(None)
    response.status_code = 403
    assert policy.handle_challenge(response.request, response) is False
    assert authorized(policy) == "Bearer secret-token-1"
    assert len(credential.calls) == 1


@pytest.mark.usefixtures("surface")
def test_token_never_in_repr() -> None:
    policy, _, _ = make_policy()
    authorized(policy)
    assert "secret-token" not in repr(policy)
    assert "secret-token" not in repr(policy._cached)


def test_needs_a_scope() -> None:
    with pytest.raises(ValueError):
        BearerTokenPolicy(FakeCredential(FakeClock()))
