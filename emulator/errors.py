"""ARM CloudError values: the one error shape every emulator failure is answered with."""

from __future__ import annotations

from typing import Any

from .wire import Response, json_response


class ArmError(Exception):
    """Raised anywhere in request handling; becomes a CloudError response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(f"({code}) {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.headers = list(headers or [])
        self.details = details

    def to_response(self) -> Response:
        """The CloudError response for this error."""
        return json_response(
            self.status,
            cloud_error_body(self.code, self.message, target=self.target, details=self.details),
            self.headers,
        )


def cloud_error_body(
    code: str,
    message: str,
    *,
    target: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``{"error": {"code", "message", "target"?, "details"?}}`` as Compute answers it."""
    error: dict[str, Any] = {"code": code, "message": message}
    if target is not None:
        error["target"] = target
    if details:
        error["details"] = details
    return {"error": error}
