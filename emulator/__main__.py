"""``python -m vmss_runcommands.emulator``: run the emulator in the foreground."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Sequence
from types import FrameType

from .emulator import DEFAULT_SUBSCRIPTION_ID, ArmEmulator

# A separate process cannot call emu.credential, so it gets a token printed at startup.
_PRINTED_TOKEN_LIFETIME = 24 * 3600


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, serve until Ctrl-C or SIGTERM, return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m vmss_runcommands.emulator",
        description="Serve an in-process ARM emulator of VMSS VM run commands on loopback.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--subscription-id", default=DEFAULT_SUBSCRIPTION_ID)
    parser.add_argument(
        "--polls-before-done", type=int, default=1, help="InProgress polls per operation"
    )
    parser.add_argument("--retry-after", type=float, default=0, help="Retry-After seconds")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    try:
        emulator = ArmEmulator(
            port=args.port,
            host=args.host,
            subscription_id=args.subscription_id,
            polls_before_done=args.polls_before_done,
            retry_after=args.retry_after,
        )
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    with emulator as emu:
        emu.credential.token_lifetime = _PRINTED_TOKEN_LIFETIME
        token = emu.credential.get_token("https://management.azure.com/.default").token
        print(f"base_url: {emu.base_url}", flush=True)
        print(f"subscription_id: {emu.subscription_id}", flush=True)
        print(f"token: {token}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
