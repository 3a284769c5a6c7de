"""Exceptions turned into an exit status and a message that says what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..runtime.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from ..runtime.polling import OperationFailedError
from . import exit_codes
from .connection import AuthenticationSetupError

__all__ = ["Failure", "describe", "worst_exit_code"]

_FORBIDDEN = 403
# The client names its Python parameters; the user typed these options.
_OPTIONS = {
    "resource_group_name": "--resource-group",
    "vm_scale_set_name": "--vmss-name",
    "instance_id": "--instance-id",
    "run_command_name": "--name",
    "subscription_id": "--subscription",
}
_THROTTLED = 429


@dataclass(frozen=True)
class Failure:
    exit_code: int
    message: str


@dataclass(frozen=True)
class Context:
    """What the command was about, for the suggestions in messages."""

    show_command: str
    emulator: bool
    embedded_emulator: bool
    endpoint: str


def describe(error: BaseException, context: Context) -> Failure:
    """The exit status and message for ``error``; unknown errors are service errors."""
    if isinstance(error, AuthenticationSetupError):
        return Failure(exit_codes.AUTH_ERROR, str(error))
    if _is_identity_error(error):
        return Failure(
            exit_codes.AUTH_ERROR,
            f"Could not get an Azure token: {_first_line(error)}\nSign in with `az login`, or "
            "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service "
            "principal (DefaultAzureCredential tries these and a managed identity).",
        )
    if isinstance(error, ClientAuthenticationError):
        hint = (
            "Pass the token `python -m vmss_runcommands.emulator` printed as --emulator-token "
            "(tokens die with the emulator)."
            if context.emulator
            else "Sign in again with `az login`, or check the credential's environment variables."
        )
        return Failure(exit_codes.AUTH_ERROR, f"Authentication failed: {_message(error)}\n{hint}")
    if isinstance(error, HttpResponseError) and error.status_code == _FORBIDDEN:
        return Failure(
            exit_codes.AUTH_ERROR,
            f"Not allowed: {_message(error)}\nThe signed-in identity needs a role such as "
            "Virtual Machine Contributor on the scale set.",
        )
    if isinstance(error, TimeoutError):
        # The library's message speaks of continuation tokens; here the way on is a command.
        return Failure(
            exit_codes.TIMEOUT,
            f"Timed out{_stage(error)}. The run command keeps running on the instance; see "
            f"how it ends with: {context.show_command}",
        )
    if isinstance(error, ResourceNotFoundError):
        hint = (
            "--emulator starts an empty emulator for each command; for a session, start "
            "`python -m vmss_runcommands.emulator` and use --endpoint and --emulator-token."
            if context.embedded_emulator
            else "Check --resource-group, --vmss-name, --instance-id and --name; "
            "`vmss-runcommands list` shows an instance's run commands."
        )
        return Failure(exit_codes.NOT_FOUND, f"Not found: {_message(error)}\n{hint}")
    if isinstance(error, ResourceExistsError):
        return Failure(
            exit_codes.SERVICE_ERROR,
            f"Conflict: {_message(error)}\nAnother operation on this run command may still be "
            f"running; follow it with `{context.show_command}` and try again when it is done.",
        )
    if isinstance(error, OperationFailedError):
        return Failure(
            exit_codes.SERVICE_ERROR,
            f"The operation failed: {_message(error)}\nSee the run command's instance view: "
            f"{context.show_command}",
        )
    if isinstance(error, HttpResponseError) and error.status_code == _THROTTLED:
        return Failure(
            exit_codes.SERVICE_ERROR,
            f"Throttled by Azure Resource Manager: {_message(error)}\nWait a few minutes and "
            "try again; for fan-out, lower --max-in-flight.",
        )
    if isinstance(error, HttpResponseError):
        return Failure(
            exit_codes.SERVICE_ERROR,
            f"The service refused the request: {error}",
        )
    if isinstance(error, ServiceRequestError | ServiceResponseError):
        where = (
            "Is the emulator still running? Start one with `python -m vmss_runcommands.emulator`."
            if context.emulator
            else "Check the network, a proxy (HTTPS_PROXY) and --endpoint."
        )
        return Failure(
            exit_codes.SERVICE_ERROR,
            f"Could not talk to {context.endpoint}: {_first_line(error)}\n{where}",
        )
    if isinstance(error, AzureError):
        return Failure(exit_codes.SERVICE_ERROR, f"{type(error).__name__}: {error}")
    if isinstance(error, ValueError | TypeError):
        # The client checks names before sending anything (e.g. a run command named "..").
        text = str(error)
        for parameter, option in _OPTIONS.items():
            text = text.replace(parameter, option)
        return Failure(exit_codes.USAGE, f"Invalid argument: {text}")
    return Failure(
        exit_codes.SERVICE_ERROR,
        f"Unexpected {type(error).__name__}: {_first_line(error)}\nRun again with --debug for "
        "the requests and responses.",
    )


def _stage(error: TimeoutError) -> str:
    execution = getattr(error, "execution_state", None)
    provisioning = getattr(error, "provisioning_state", None)
    if execution:
        return f" while the script was {execution}"
    if provisioning:
        return f" while provisioning was {provisioning}"
    text = str(error).split(". ", 1)[0].strip()
    return f": {text}" if text else ""


def worst_exit_code(errors: Sequence[BaseException], context: Context) -> int:
    """For fan-out: authentication beats timeout beats any other service error."""
    codes = {describe(error, context).exit_code for error in errors}
    for code in (
        exit_codes.AUTH_ERROR,
        exit_codes.TIMEOUT,
        exit_codes.SERVICE_ERROR,
        exit_codes.NOT_FOUND,
    ):
        if code in codes:
            return code
    return exit_codes.SERVICE_ERROR


def _is_identity_error(error: BaseException) -> bool:
    # azure-identity raises azure-core's ClientAuthenticationError (or its
    # CredentialUnavailableError subclass); matched by name so that azure-core is never
    # imported just to look. Ours are azure-core's too when it is installed (twins), and are
    # service answers, not identity errors.
    return not isinstance(error, HttpResponseError) and any(
        cls.__module__.startswith("azure.")
        and cls.__name__ in ("ClientAuthenticationError", "CredentialUnavailableError")
        for cls in type(error).__mro__
    )


def _message(error: HttpResponseError) -> str:
    return error.message


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
