"""ARM's front door for the run-command operations: auth, api-version, routing, validation."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .credential import EmulatorCredential, TokenCheck
from .errors import ArmError
from .model import clean_properties, clean_tags, normalize_location
from .ratelimit import RateLimits
from .scale_sets import ScaleSets
from .status_urls import OperationUrls
from .store import OperationRef, OperationStatus, ResourceRef, RunCommandStore
from .wire import Request, Response, empty_response, json_response

_AUTHORITY = "https://login.microsoftonline.com/common"
_JSON_MEDIA_TYPES = frozenset({"application/json", "text/json"})

_COLLECTION_LITERALS = (
    (0, "subscriptions"),
    (2, "resourcegroups"),
    (4, "providers"),
    (5, "microsoft.compute"),
    (6, "virtualmachinescalesets"),
    (8, "virtualmachines"),
    (10, "runcommands"),
)
_SCALE_SET_LITERALS = (
    (0, "subscriptions"),
    (2, "resourcegroups"),
    (4, "providers"),
    (5, "microsoft.compute"),
    (6, "virtualmachinescalesets"),
)
_OPERATION_LITERALS = (
    (0, "subscriptions"),
    (2, "providers"),
    (3, "microsoft.compute"),
    (4, "locations"),
    (6, "operations"),
)


@dataclass(frozen=True)
class Route:
    """What a path addresses: a run command, a VM's run-command collection, or an operation."""

    kind: str  # "resource" | "collection" | "operation" | "scaleset"
    subscription_id: str
    ref: ResourceRef | None = None
    resource_group: str = ""
    scale_set: str = ""
    location: str = ""
    operation_id: str = ""


_Handler = Callable[[Request, Route, str], Response]


def _literals_match(segments: Sequence[str], literals: tuple[tuple[int, str], ...]) -> bool:
    return all(segments[i].lower() == literal for i, literal in literals)


def parse_route(raw_path: str) -> Route | None:
    """Match a raw request path; segments are percent-decoded, literals case-insensitive."""
    path = raw_path[:-1] if raw_path.endswith("/") and raw_path != "/" else raw_path
    if not path.startswith("/"):
        return None
    segments = [unquote(segment, errors="strict") for segment in path[1:].split("/")]
    if any(not segment for segment in segments):
        return None
    if len(segments) in (11, 12) and _literals_match(segments, _COLLECTION_LITERALS):
        if len(segments) == 11:
            ref = ResourceRef(segments[3], segments[7], segments[9], "")
            return Route("collection", segments[1], ref=ref)
        ref = ResourceRef(segments[3], segments[7], segments[9], segments[11])
        return Route("resource", segments[1], ref=ref)
    if len(segments) == 8 and _literals_match(segments, _SCALE_SET_LITERALS):
        return Route("scaleset", segments[1], resource_group=segments[3], scale_set=segments[7])
    if len(segments) == 8 and _literals_match(segments, _OPERATION_LITERALS):
        return Route("operation", segments[1], location=segments[5], operation_id=segments[7])
    return None


def _bearer_challenge(description: str) -> list[tuple[str, str]]:
    value = (
        f'Bearer authorization_uri="{_AUTHORITY}", error="invalid_token", '
        f'error_description="{description}"'
    )
    return [("WWW-Authenticate", value)]


def _unauthorized(code: str, message: str, description: str) -> ArmError:
    return ArmError(401, code, message, headers=_bearer_challenge(description))


def _retry_after_value(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


class ArmApi:
    """Turns a :class:`Request` into a :class:`Response` the way ARM + Compute would."""

    def __init__(
        self,
        *,
        store: RunCommandStore,
        credential: EmulatorCredential,
        subscription_id: str,
        api_versions: Sequence[str],
        page_size: int,
        retry_after: float | None,
        base_url: Callable[[], str],
        scale_sets: ScaleSets,
        lenient: bool = False,
    ) -> None:
        self._store = store
        self._credential = credential
        self._subscription_id = subscription_id
        self._api_versions = tuple(api_versions)
        self._page_size = page_size
        self._retry_after = retry_after
        self._base_url = base_url
        self._scale_sets = scale_sets
        self._lenient = lenient
        self._urls = OperationUrls(
            base_url=base_url, subscription_id=subscription_id, signed=not lenient
        )
        self._rate_limits = RateLimits()
        self._handlers: dict[tuple[str, str], _Handler] = {
            ("resource", "GET"): self._resource_get,
            ("resource", "PUT"): self._resource_put,
            ("resource", "PATCH"): self._resource_patch,
            ("resource", "DELETE"): self._resource_delete,
            ("collection", "GET"): self._collection_get,
            ("operation", "GET"): self._operation_get,
            ("scaleset", "GET"): self._scale_set_get,
        }

    def handle(self, request: Request) -> Response:
        """Answer one request; every failure becomes a CloudError response."""
        try:
            return self._handle(request)
        except ArmError as error:
            return error.to_response()

    # -- front door -----------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        self._authenticate(request)
        try:
            route = parse_route(request.path)
        except UnicodeDecodeError:
            route = None
        api_version = self._api_version(request, route)
        if route is None:
            raise ArmError(
                404,
                "InvalidResourceType",
                f"The resource type could not be found in the namespace 'Microsoft.Compute' "
                f"for api version '{api_version}'. The emulator serves VMSS VM run commands "
                "and their operation statuses only.",
            )
        if route.subscription_id.lower() != self._subscription_id.lower():
            raise ArmError(
                404,
                "SubscriptionNotFound",
                f"The subscription '{route.subscription_id}' could not be found.",
            )
        self._check_scale_set(route)
        method = request.method.upper()
        handler = self._handlers.get((route.kind, method))
        if handler is None:
            allowed = [m for kind, m in self._handlers if kind == route.kind]
            raise ArmError(
                405,
                "MethodNotAllowed",
                f"The requested resource does not support http method '{method}'.",
                headers=[("Allow", ", ".join(allowed))],
            )
        response = handler(request, route, api_version)
        if not self._lenient:
            response.headers.extend(self._rate_limits.headers(method, route.ref))
        return response

    def _check_scale_set(self, route: Route) -> None:
        """404 for a scale set that does not exist: the scale set itself, or the parent of
        the run commands addressed."""
        group, name = route.resource_group, route.scale_set
        if route.ref is not None:
            group, name = route.ref.resource_group, route.ref.vmss
        if route.kind == "operation" or self._scale_sets.exists(group, name):
            return
        if route.kind == "scaleset":
            raise ArmError(
                404,
                "ResourceNotFound",
                f"The Resource 'Microsoft.Compute/virtualMachineScaleSets/{name}' under "
                f"resource group '{group}' was not found. "
                "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
            )
        parent = f"{name}/{route.ref.instance_id}" if route.ref is not None else name
        raise ArmError(
            404,
            "ParentResourceNotFound",
            "Can not perform requested operation on nested resource. "
            f"Parent resource '{parent}' not found.",
        )

    def _authenticate(self, request: Request) -> None:
        header = request.header("Authorization")
        if not header:
            raise _unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            )
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid "
                "format.",
                "The authentication failed because of an invalid 'Authorization' header.",
            )
        check = self._credential.check(token)
        if check is TokenCheck.EXPIRED:
            raise _unauthorized(
                "ExpiredAuthenticationToken",
                "The access token has expired. Get a new token from the credential and retry.",
                "The access token has expired.",
            )
        if check is not TokenCheck.VALID:
            raise _unauthorized(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                "The access token is invalid.",
            )

    def _api_version(self, request: Request, route: Route | None) -> str:
        version = request.query_value("api-version")
        if not version:
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        on_status_url = route is not None and route.kind == "operation"
        if on_status_url and self._urls.accepts_api_version(version):
            return version
        if version not in self._api_versions:
            supported = ", ".join(f"'{v}'" for v in self._api_versions)
            raise ArmError(
                400,
                "InvalidApiVersionParameter",
                f"The api-version '{version}' is invalid. The supported versions are {supported}.",
            )
        return version

    # -- helpers --------------------------------------------------------------------------

    def _retry_headers(self) -> list[tuple[str, str]]:
        if self._retry_after is None:
            return []
        return [("Retry-After", _retry_after_value(self._retry_after))]

    def _operation_url(self, operation: OperationRef, api_version: str, *, monitor: bool) -> str:
        return self._urls.url(
            operation.location, operation.operation_id, api_version, monitor=monitor
        )

    def _lro_headers(
        self, operation: OperationRef, api_version: str, *, location: bool = False
    ) -> list[tuple[str, str]]:
        """Azure-AsyncOperation (and, for DELETE, Location) plus what ARM sends with them."""
        headers = [
            ("Azure-AsyncOperation", self._operation_url(operation, api_version, monitor=False))
        ]
        if location:
            headers.append(("Location", self._operation_url(operation, api_version, monitor=True)))
        if not self._lenient:
            headers.append(("azure-asyncnotification", "Enabled"))
        return headers + self._retry_headers()

    @staticmethod
    def _expand(request: Request) -> bool:
        value = request.query_value("$expand")
        if value is None:
            return False
        if value.lower() == "instanceview":
            return True
        raise ArmError(
            400,
            "InvalidParameter",
            f"The value '{value}' of parameter '$expand' is invalid. "
            "The only supported value is 'instanceView'.",
            target="$expand",
        )

    @staticmethod
    def _json_object(request: Request) -> dict[str, Any]:
        content_type = request.header("Content-Type")
        if content_type:
            media_type = content_type.split(";", 1)[0].strip().lower()
            if media_type not in _JSON_MEDIA_TYPES:
                raise ArmError(
                    415,
                    "UnsupportedMediaType",
                    f"The content media type '{media_type}' is not supported. "
                    "Only 'application/json' and 'text/json' are supported.",
                )
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ArmError(
                400,
                "InvalidRequestContent",
                f"The request content was invalid and could not be deserialized: {exc}.",
            ) from None
        if not isinstance(payload, dict):
            raise ArmError(
                400,
                "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: "
                f"expected a JSON object, got {type(payload).__name__}.",
            )
        return payload

    @staticmethod
    def _ref(route: Route) -> ResourceRef:
        assert route.ref is not None  # parse_route always sets it for resources/collections
        return route.ref

    # -- handlers -------------------------------------------------------------------------

    def _resource_put(self, request: Request, route: Route, api_version: str) -> Response:
        payload = self._json_object(request)
        location = payload.get("location")
        if location is None or (isinstance(location, str) and not location.strip()):
            raise ArmError(
                400,
                "LocationRequired",
                "The location property is required for this definition.",
                target="location",
            )
        if not isinstance(location, str):
            raise ArmError(
                400,
                "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: "
                "'location' must be a string.",
                target="location",
            )
        created, body, operation = self._store.put(
            self._ref(route),
            location=normalize_location(location),
            tags=clean_tags(payload.get("tags")),
            properties=clean_properties(payload.get("properties")),
        )
        headers = self._lro_headers(operation, api_version)
        return json_response(201 if created else 200, body, headers)

    def _resource_patch(self, request: Request, route: Route, api_version: str) -> Response:
        payload = self._json_object(request)
        body, operation = self._store.patch(
            self._ref(route),
            tags=clean_tags(payload.get("tags"), patch=True) if "tags" in payload else None,
            properties=clean_properties(payload.get("properties"), patch=True),
        )
        return json_response(200, body, self._lro_headers(operation, api_version))

    def _resource_get(self, request: Request, route: Route, api_version: str) -> Response:
        expand = self._expand(request)
        return json_response(200, self._store.get(self._ref(route), expand=expand))

    def _resource_delete(self, request: Request, route: Route, api_version: str) -> Response:
        operation = self._store.delete(self._ref(route))
        if operation is None:
            return empty_response(204)
        if self._lenient:
            location = self._operation_url(operation, api_version, monitor=True)
            return empty_response(202, [("Location", location), *self._retry_headers()])
        return empty_response(202, self._lro_headers(operation, api_version, location=True))

    def _scale_set_get(self, request: Request, route: Route, api_version: str) -> Response:
        return json_response(
            200, self._scale_sets.body(self._subscription_id, route.resource_group, route.scale_set)
        )

    def _collection_get(self, request: Request, route: Route, api_version: str) -> Response:
        expand = self._expand(request)
        start = self._skip_token(request)
        items = self._store.list(self._ref(route).parent_key, expand=expand)
        page = items[start : start + self._page_size]
        body: dict[str, Any] = {"value": page}
        if start + self._page_size < len(items):
            query = f"api-version={api_version}"
            if expand:
                query += "&$expand=instanceView"
            query += f"&$skiptoken={start + self._page_size}"
            body["nextLink"] = f"{self._base_url()}{request.path}?{query}"
        return json_response(200, body)

    @staticmethod
    def _skip_token(request: Request) -> int:
        token = request.query_value("$skiptoken")
        if token is None:
            return 0
        if not token.isascii() or not token.isdigit():
            raise ArmError(
                400,
                "InvalidParameter",
                f"The value '{token}' of parameter '$skiptoken' is invalid. "
                "Use the nextLink returned by the previous page.",
                target="$skiptoken",
            )
        return int(token)

    def _operation_get(self, request: Request, route: Route, api_version: str) -> Response:
        if not self._store.has_operation(route.operation_id, normalize_location(route.location)):
            raise ArmError(
                404,
                "OperationNotFound",
                f"The operation '{route.operation_id}' was not found in location "
                f"'{route.location}'.",
            )
        self._urls.verify(request)
        status = self._store.poll(route.operation_id, normalize_location(route.location))
        monitor = (request.query_value("monitor") or "").lower() == "true"
        if monitor:
            return self._monitor_response(status, request, api_version, route)
        headers = [] if status.done else self._retry_headers()
        return json_response(200, status.body, headers)

    def _monitor_response(
        self, status: OperationStatus, request: Request, api_version: str, route: Route
    ) -> Response:
        # Location-header semantics: 202 while running, then the final status code.
        if not status.done:
            location = self._operation_url(
                OperationRef(route.operation_id, normalize_location(route.location)),
                api_version,
                monitor=True,
            )
            return empty_response(202, [("Location", location), *self._retry_headers()])
        error = status.body.get("error")
        if error is not None:
            return json_response(400, {"error": error})
        return empty_response(200)
