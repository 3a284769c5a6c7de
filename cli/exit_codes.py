"""Exit statuses of ``vmss-runcommands``; the help text and README show the same table.

``run`` passes the script's own exit code through, so the tool's own failures sit above the
range a script can produce (124-126, as GNU ``timeout`` and ``env`` do for theirs).
"""

from __future__ import annotations

OK = 0
SCRIPTS_FAILED = 1
USAGE = 2
SCRIPT_EXIT_MAX = 123
TIMEOUT = 124
SERVICE_ERROR = 125
AUTH_ERROR = 126
INTERRUPTED = 130

HELP = """\
exit status:
  0        success (for run: the script succeeded)
  1-123    run: the script failed; its exit code, or 123 when it is outside 1-123 or the
           script failed without one (a usage error also exits 2, before anything is sent)
  1        fan-out: at least one script failed
  2        usage error: bad or missing arguments
  124      timed out (--wait-timeout); the run command keeps running
  125      service error: Azure refused the request, or could not be reached
  126      authentication error: no credential, or it was refused
  130      interrupted (Ctrl-C)
"""


def for_script(exit_code: int | None) -> int:
    """The exit status of ``run`` for a script that did not succeed: its code within 1-123."""
    if exit_code is None or not 1 <= exit_code <= SCRIPT_EXIT_MAX:
        return SCRIPT_EXIT_MAX
    return exit_code
