"""Assemble the intermediate model of one api-version folder of spec/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import __version__, naming
from .config import GeneratorConfig
from .errors import check_spec, relocate
from .ir import ApiVersion, Model, OperationGroup, Parameter, TypeRef
from .load import Located, SpecError, load_spec
from .normalize import Normalizer
from .operations import build_operations
from .provenance import spec_provenance
from .python_api import CLIENT_ARGUMENTS
from .schemas import SchemaResolver


def build_api_version(version_dir: Path, config: GeneratorConfig) -> ApiVersion:
    """The intermediate model of ``version_dir``; a ``SpecError`` names the file under it."""
    try:
        return _build(version_dir, config)
    except SpecError as exc:
        raise relocate(exc, version_dir) from exc


def _build(version_dir: Path, config: GeneratorConfig) -> ApiVersion:
    api_version = version_dir.name
    spec = load_spec(version_dir / config.entry)
    check_spec(spec)
    info = spec.entry_document.get("info") or {}
    normalizer = Normalizer(spec, SchemaResolver(spec), config)
    groups = build_operations(spec, normalizer, config)
    roots: list[TypeRef] = []
    for group in groups:
        for op in group.operations:
            if op.body is not None:
                roots.append(op.body.type)
            if op.result is not None:
                roots.append(op.result)
            roots.extend(t for _, t in op.status_results if t is not None)
            roots.extend(
                p.type
                for p in (
                    *op.path_parameters,
                    *op.query_parameters,
                    *op.header_parameters,
                    *op.form_parameters,
                )
            )
    roots.extend(_error_types(spec, normalizer, config))
    collected = normalizer.collect(roots)
    secrets = sorted({f.wire_name for m in collected.models for f in m.fields if f.secret})
    unknown = sorted(name for name in config.secrets if not _secret_exists(name, normalizer))
    if unknown:
        raise SpecError(f"codegen.yaml names secrets that the spec does not have: {unknown}")
    return ApiVersion(
        api_version=api_version,
        module=naming.module_name_for_api_version(api_version),
        title=str(info.get("title") or config.client_name),
        description=" ".join(str(info.get("description") or "").split()),
        client_name=config.client_name,
        models=_hide_what_secrets_hold(tuple(collected.models)),
        enums=tuple(collected.enums),
        groups=groups,
        secret_wire_names=tuple(secrets),
        client_parameters=_client_parameters(groups),
        provenance={
            "api_version": api_version,
            "generator": f"vmss-runcommands-codegen {__version__}",
            "spec": spec_provenance(spec, version_dir),
        },
    )


def _hide_what_secrets_hold(models: tuple[Model, ...]) -> tuple[Model, ...]:
    """Models a secret field holds (``protectedParameters``: a list of name/value pairs) with
    every field but ``name`` left out of their own repr: a protected value must not show when
    the list or one of its items is printed, though the field holding them is already hidden.
    The same model elsewhere (``parameters``) hides its values too; they stay readable as
    attributes."""
    names = {model.name for model in models}
    held = {
        name
        for model in models
        for field in model.fields
        if field.secret
        for name in field.type.referenced
        if name in names
    }
    return tuple(
        replace(
            model,
            fields=tuple(
                field if field.secret or field.wire_name == "name" else replace(field, hidden=True)
                for field in model.fields
            ),
        )
        if model.name in held
        else model
        for model in models
    )


def _error_types(spec, normalizer: Normalizer, config: GeneratorConfig) -> list[TypeRef]:  # type: ignore[no-untyped-def]
    found: list[TypeRef] = []
    for path, item in (spec.entry_document.get("paths") or {}).items():
        for method, raw in item.items():
            if not isinstance(raw, dict) or not config.selects(str(raw.get("operationId", ""))):
                continue
            default = (raw.get("responses") or {}).get("default")
            if not isinstance(default, dict):
                continue
            pointer = (
                f"/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}/responses/default"
            )
            response = spec.deref(default, spec.entry, pointer)
            schema = response.value.get("schema") if isinstance(response.value, dict) else None
            if schema is not None:
                found.append(
                    normalizer.type_for_schema_node(
                        Located(response.document, response.pointer + "/schema", schema)
                    )
                )
    return found


def _client_parameters(groups: tuple[OperationGroup, ...]) -> tuple[Parameter, ...]:
    found: dict[str, Parameter] = {}
    for group in groups:
        for op in group.operations:
            for p in (
                *op.host_parameters,
                *op.path_parameters,
                *op.query_parameters,
                *op.header_parameters,
            ):
                if p.client_level and p.wire_name not in ("api-version", "subscriptionId"):
                    found.setdefault(p.wire_name, p)
    # The client's own arguments keep their names; a spec parameter named the same is renamed.
    taken = {"credential", "subscription_id", "api_version", *CLIENT_ARGUMENTS}
    return tuple(
        replace(p, python_name=f"{p.python_name}_parameter") if p.python_name in taken else p
        for p in found.values()
    )


def _secret_exists(name: str, normalizer: Normalizer) -> bool:
    definition, _, wire = name.partition(".")
    for ref, schema in normalizer.schemas.items():
        if ref.endswith(f"#/definitions/{definition}"):
            return any(f.wire_name == wire for f in schema.fields)
    return False
