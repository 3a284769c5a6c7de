"""Throttle on fake time, and its retry policy."""

from __future__ import annotations

import pytest
from vmss_runcommands import RetryPolicy, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.workflows import Throttle, ThrottleAwareRetryPolicy


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def throttle_on(fake: FakeTime, **kwargs: float) -> Throttle:
    return Throttle(clock=fake.clock, sleep=fake.sleep, **kwargs)


def test_an_unthrottled_throttle_never_waits(fake: FakeTime) -> None:
    throttle = throttle_on(fake)
    assert [throttle.acquire() for _ in range(100)] == [0.0] * 100
    assert fake.slept == [] and throttle.rate is None


def test_a_429_pauses_every_worker_for_the_retry_after(fake: FakeTime) -> None:
    throttle = throttle_on(fake)
    for _ in range(20):  # 20 starts within the last second: 20 requests/s observed
        throttle.acquire()
    assert throttle.throttled(retry_after=3.0) == 3.0
    assert throttle.paused_for == 3.0
    assert throttle.acquire() == 3.0  # any worker, not just the throttled one
    assert throttle.rate == pytest.approx(10.0)  # half of what was being sent
    # From now on starts are spaced by the limited rate.
    assert throttle.acquire() == pytest.approx(0.1)


def test_429s_during_a_pause_lengthen_it_but_cut_the_rate_once(fake: FakeTime) -> None:
    throttle = throttle_on(fake, rate=8.0)
    throttle.throttled(retry_after=1.0)
    throttle.throttled(retry_after=2.0)
    throttle.throttled(retry_after=0.5)
    assert throttle.rate == pytest.approx(4.0)
    assert throttle.paused_for == 2.0
    assert throttle.throttle_count == 1


def test_without_retry_after_the_pause_backs_off_exponentially(fake: FakeTime) -> None:
    throttle = throttle_on(fake, backoff=1.0, max_pause=3.0)
    pauses = []
    for _ in range(4):
        pauses.append(throttle.throttled())
        fake.now += throttle.paused_for  # the pause ends and the next start is throttled again
    assert pauses == [1.0, 2.0, 3.0, 3.0]


def test_the_rate_recovers_linearly_and_never_drops_below_the_minimum(fake: FakeTime) -> None:
    throttle = throttle_on(fake, rate=2.0, min_rate=1.5, recovery=0.5)
    throttle.throttled(retry_after=1.0)
    assert throttle.rate == pytest.approx(1.5)  # half of 2.0 is under the minimum
    fake.now += 1.0 + 4.0  # the pause, then four seconds of recovery
    assert throttle.rate == pytest.approx(3.5)


def test_a_worker_asleep_when_a_429_arrives_waits_for_the_new_pause(fake: FakeTime) -> None:
    throttle = throttle_on(fake, rate=1.0)
    throttle.acquire()

    def sleep_while_throttled(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.slept) == 1:
            throttle.throttled(retry_after=5.0)

    throttle._sleep = sleep_while_throttled
    waited = throttle.acquire()
    assert waited == pytest.approx(1.0 + 5.0)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"rate": 0}, ValueError), ({"min_rate": -1}, ValueError), ({"backoff": "1"}, TypeError)],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error, match=next(iter(kwargs))):
        Throttle(**kwargs)  # type: ignore[arg-type]


def test_the_retry_policy_keeps_the_base_settings_and_reports_only_429(fake: FakeTime) -> None:
    throttle = throttle_on(fake)
    policy = throttle.retry_policy(RetryPolicy(total=4, status=2, retry_after_max=7.0))
    assert isinstance(policy, ThrottleAwareRetryPolicy)
    assert (policy.total, policy.status, policy.retry_after_max) == (4, 2, 7.0)
    assert policy.should_retry_response("GET", 503, has_retry_after=False)
    assert throttle.throttle_count == 0
    assert policy.should_retry_response("PUT", 429, has_retry_after=True)
    assert policy.retry_after(429, {"Retry-After": "30"}) == 7.0  # capped by the policy
    assert throttle.throttle_count == 1 and throttle.paused_for == 7.0


def test_a_429_absorbed_by_the_clients_retries_still_reaches_the_throttle() -> None:
    throttle = Throttle(backoff=0.01)
    with ArmEmulator() as emu:
        emu.fail_next(429, "TooManyRequests", "Slow down.", headers={"Retry-After": "0"})
        with RunCommandsClient(
            emu.credential,
            emu.subscription_id,
            base_url=emu.base_url,
            retry_policy=throttle.retry_policy(),
        ) as client:
            listed = list(client.virtual_machine_scale_set_vm_run_commands.list("rg", "ss", "0"))
    assert listed == []  # the retry succeeded
    assert throttle.throttle_count == 1 and throttle.rate is not None
