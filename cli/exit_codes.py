"""Exit statuses of ``vmss-runcommands``; the help text and README show the same table.

``run`` passes the script's own exit code through, so the tool's own failures sit above the
range a script can produce (124-126, as GNU ``timeout`` and ``env`` do for theirs); 2 and 3
(usage, not found, as az uses them) can be told apart from a script's with
``--exit-code-offset``.
"""

from __future__ import annotations

OK = 0
SCRIPTS_FAILED = 1
USAGE = 2
NOT_FOUND = 3
SCRIPT_EXIT_MAX = 123
TIMEOUT = 124
SERVICE_ERROR = 125
AUTH_ERROR = 126
INTERRUPTED = 130

HELP = """\
exit status:
  0        success (for run: the script succeeded)
  1-123    run: the script failed; its exit code plus --exit-code-offset (default 0), or 123
           when that is outside 1-123 or the script failed without an exit code
  1        fan-out: at least one script failed
  2        usage error: bad or missing arguments (nothing was sent)
  3        not found: the run command, instance, scale set or subscription does not exist
           (also delete of a run command that does not exist)
  124      timed out (--wait-timeout, wait --timeout); the run command keeps running
  125      service error: Azure refused the request, or could not be reached
  126      authentication error: no credential, or it was refused
  130      interrupted (Ctrl-C); fan-out still prints what it knows
"""


def for_script(exit_code: int | None, offset: int = 0) -> int:
    """The exit status of ``run`` for a script that did not succeed: ``offset`` plus its
    code, within 1-123."""
    if exit_code is None:
        return SCRIPT_EXIT_MAX
    status = exit_code + offset
    if not 1 <= status <= SCRIPT_EXIT_MAX or exit_code == 0:
        return SCRIPT_EXIT_MAX
    return status
