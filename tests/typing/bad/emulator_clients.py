"""The emulator's clients take the clients' own typed keywords, and async pages hold models."""

from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.runtime.retry import RetryPolicy

emu = ArmEmulator()
emu.client(retry_polcy=RetryPolicy())  # expect-error
emu.client(polling_interval="fast")  # expect-error
emu.async_client(pool_manager=None)  # expect-error


async def pages() -> None:
    async with emu.async_client() as client:
        async for page in client.virtual_machine_scale_set_vm_run_commands.list(
            "rg", "s", "0"
        ).by_page():
            async for item in page:
                item.no_such_field  # expect-error
