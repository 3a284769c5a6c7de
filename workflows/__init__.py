"""What people do with run commands, on top of the generated operations.

- :func:`run_and_wait`: create or update a run command, wait for the script, return its
  :class:`RunResult` (execution state, exit code, output, error, times).
- :func:`fan_out`: the same run command over many instances, a bounded number in flight,
  paced by a shared :class:`Throttle`, outcomes streamed as they complete.
"""

from .fanout import FanOut, FanOutProgress, FanOutSummary, InstanceOutcome, fan_out
from .result import (
    TERMINAL_EXECUTION_STATES,
    RunCommandFailedError,
    RunResult,
    RunTimeoutError,
    is_terminal_execution_state,
)
from .run import RunCommandBody, RunStatus, run_and_wait
from .throttle import Throttle, ThrottleAwareRetryPolicy

__all__ = [
    "TERMINAL_EXECUTION_STATES",
    "FanOut",
    "FanOutProgress",
    "FanOutSummary",
    "InstanceOutcome",
    "RunCommandBody",
    "RunCommandFailedError",
    "RunResult",
    "RunStatus",
    "RunTimeoutError",
    "Throttle",
    "ThrottleAwareRetryPolicy",
    "fan_out",
    "is_terminal_execution_state",
    "run_and_wait",
]
