"""Workflows take a client, errors have azure-core's fields and no others."""

from vmss_runcommands import HttpResponseError
from vmss_runcommands.models import VirtualMachineRunCommand
from vmss_runcommands.workflows import run_and_wait

run_and_wait("client", "rg", "ss", "0", "n", VirtualMachineRunCommand())  # expect-error
try:
    pass
except HttpResponseError as error:
    code: int = error.status_code  # expect-error
    error.status  # expect-error
    error.error.code  # expect-error
