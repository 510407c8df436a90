"""Route requests by the spec's own path templates and validate them against it.

The fake answers only the operations in ``spec/marketing-subset.json`` (cut from
Mailchimp's OpenAPI file by ``spec/extract.py``), so what the project sends is
checked against Mailchimp's published contract, not against what the fake's
author remembered. Responses are checked too, more strictly (no field the spec
does not name), so the fake cannot drift from Mailchimp's response shapes.
"""

from __future__ import annotations

import copy
import functools
import json
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).parent / "spec" / "marketing-subset.json"
_SPEC_URI = "urn:fake-mailchimp:marketing-subset"
_SCHEMA_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Operation:
    """One (path template, method) of the spec, ready to match and validate."""

    template: str
    method: str
    operation_id: str
    pattern: re.Pattern[str]
    query: dict[str, dict[str, Any]]
    body_schema: str | None
    body_required: bool
    success_status: int
    response_schema: str | None


@dataclass
class Route:
    """What a request path resolved to: the operation, or the methods the path allows."""

    operation: Operation | None
    params: dict[str, str] = field(default_factory=dict)
    allowed: tuple[str, ...] = ()


@functools.cache
def spec() -> dict[str, Any]:
    """The spec subset, read once per process."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part) for part in parts
    )
    return re.compile(f"^{regex}$")


def _schema_name(schema: dict[str, Any] | None) -> str | None:
    if not schema:
        return None
    return schema["$ref"].removeprefix(_SCHEMA_PREFIX)


@functools.cache
def operations() -> tuple[Operation, ...]:
    found = []
    for template, item in spec()["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            parameters = [*shared, *operation.get("parameters", [])]
            body = operation.get("requestBody")
            success = min(int(code) for code in operation["responses"] if code.isdigit())
            content = operation["responses"][str(success)].get("content", {})
            found.append(
                Operation(
                    template=template,
                    method=method.upper(),
                    operation_id=operation["operationId"],
                    pattern=_template_pattern(template),
                    query={p["name"]: p for p in parameters if p["in"] == "query"},
                    body_schema=_schema_name(body["content"]["application/json"]["schema"])
                    if body
                    else None,
                    body_required=bool(body and body.get("required")),
                    success_status=success,
                    response_schema=_schema_name(content.get("application/json", {}).get("schema")),
                )
            )
    # Literal segments before parameters: /campaigns/{id}/content must not read as an id.
    found.sort(key=lambda op: (op.template.count("{"), -len(op.template)))
    return tuple(found)


def route(method: str, path: str) -> Route:
    """The operation ``method path`` (without ``/3.0``) is, if the spec has it."""
    allowed: list[str] = []
    for operation in operations():
        matched = operation.pattern.match(path)
        if not matched:
            continue
        if operation.method == method:
            return Route(operation, matched.groupdict())
        allowed.append(operation.method)
    return Route(None, allowed=tuple(sorted(set(allowed))))


def _is_date_time(value: object) -> bool:
    # Mailchimp writes "" for a time that is not set (send_time of a draft).
    if not isinstance(value, str) or value == "":
        return True
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


_formats = FormatChecker(formats=())
_formats.checks("date-time")(_is_date_time)


def _x_one_of(validator: Any, variants: list[dict], instance: Any, schema: dict) -> Any:
    """Segment conditions: the spec lists one schema per ``condition_type`` (x-oneOf)."""
    if not isinstance(instance, dict):
        return
    kind = instance.get("condition_type")
    for variant in variants:
        if kind in variant.get("properties", {}).get("condition_type", {}).get("enum", []):
            yield from validator.descend(instance, variant)
            return
    known = sorted(
        v["properties"]["condition_type"]["enum"][0]
        for v in variants
        if "condition_type" in v.get("properties", {})
    )
    yield ValidationError(f"condition_type {kind!r} is not one of {known}")


_Validator = validators.extend(Draft4Validator, {"x-oneOf": _x_one_of})


def _strict(node: Any) -> Any:
    """Forbid properties the spec does not name, wherever it names some."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for key, value in node.items():
            if key in ("example", "x-oneOf"):
                continue
            _strict(value)
    elif isinstance(node, list):
        for value in node:
            _strict(value)
    return node


@functools.cache
def _contents(strict: bool) -> dict[str, Any]:
    return _strict(copy.deepcopy(spec())) if strict else spec()


@functools.cache
def _registry(strict: bool) -> Registry:
    resource = Resource.from_contents(_contents(strict), default_specification=DRAFT4)
    return Registry().with_resource(_SPEC_URI, resource)


@functools.cache
def _validator(schema_name: str, strict: bool) -> Any:
    reference = {"$ref": f"{_SPEC_URI}{_SCHEMA_PREFIX}{schema_name}"}
    return _Validator(reference, registry=_registry(strict), format_checker=_formats)


def _field(error: ValidationError) -> str:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = re.match(r"^'(.+)' is a required property$", error.message)
        if missing:
            path.append(missing.group(1))
    return ".".join(path)


# A fast yes/no check, compiled once per schema --------------------------------------------
#
# jsonschema walks a schema anew for every instance (a 500-member batch costs it ~60 ms of
# CPU). The spec's schemas use a handful of Draft 4 keywords, so each one is compiled here
# once into plain Python checks that answer only "valid or not". They accept exactly what
# jsonschema accepts; a schema with a keyword they do not know is left to jsonschema
# alone, and any instance they refuse is validated again by jsonschema, whose errors are
# the ones reported. The answer is therefore always jsonschema's; only its cost changes.

_Check = Callable[[Any], bool]
# Words that validate nothing (Draft 4 ignores them, or they are the spec's annotations).
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "default",
        "readOnly",
        "writeOnly",
        "deprecated",
        "x-title",
        "x-value",
        "x-discriminator",
    }
)
# Draft 4 types exactly as jsonschema's Draft4Validator checks them (a bool is neither an
# integer nor a number; 1.0 is not an integer).
_TYPE_CHECKS: dict[str, _Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, numbers.Number) and not isinstance(value, bool),
}


class _Unsupported(Exception):
    """The schema uses a keyword the fast check does not implement."""


def _resolve(contents: dict[str, Any], reference: str) -> dict[str, Any]:
    if not reference.startswith("#/"):
        raise _Unsupported(reference)
    node: Any = contents
    for part in reference[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _compile(node: Any, contents: dict[str, Any], compiled: dict[int, _Check]) -> _Check:
    if node is True or node == {}:
        return lambda value: True
    if not isinstance(node, dict):
        raise _Unsupported(repr(node))
    if "$ref" in node:  # Draft 4: a $ref's siblings are ignored
        node = _resolve(contents, node["$ref"])
    key = id(node)
    if key in compiled:
        return compiled[key]
    # A schema that refers to itself reaches this placeholder until it is compiled.
    late: list[_Check] = []
    compiled[key] = lambda value: late[0](value)
    late.append(_compile_keywords(node, contents, compiled))
    compiled[key] = late[0]
    return late[0]


def _compile_keywords(
    node: dict[str, Any], contents: dict[str, Any], compiled: dict[int, _Check]
) -> _Check:
    unknown = (
        set(node)
        - _ANNOTATIONS
        - {
            "type",
            "enum",
            "format",
            "minimum",
            "maximum",
            "required",
            "properties",
            "additionalProperties",
            "items",
        }
    )
    if unknown:
        raise _Unsupported(", ".join(sorted(unknown)))
    checks: list[_Check] = []
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not set(kinds) <= set(_TYPE_CHECKS):
            raise _Unsupported(f"type {kinds}")
        type_checks = [_TYPE_CHECKS[kind] for kind in kinds]
        if len(type_checks) == 1:
            checks.append(type_checks[0])
        else:
            checks.append(lambda value: any(check(value) for check in type_checks))
    if "enum" in node:
        if not all(type(choice) is str for choice in node["enum"]):
            raise _Unsupported("enum of other than strings")
        choices = frozenset(node["enum"])
        checks.append(lambda value: isinstance(value, str) and value in choices)
    if "format" in node and node["format"] in _formats.checkers:
        conforms = _formats.checkers[node["format"]][0]
        checks.append(lambda value: bool(conforms(value)))
    for word, holds in (
        ("minimum", lambda value, bound: value >= bound),
        ("maximum", lambda value, bound: value <= bound),
    ):
        if word in node:
            bound = node[word]
            checks.append(
                lambda value, bound=bound, holds=holds: (
                    not _TYPE_CHECKS["number"](value) or holds(value, bound)
                )
            )
    if "required" in node:
        required = frozenset(node["required"])
        checks.append(lambda value: not isinstance(value, dict) or value.keys() >= required)
    if "properties" in node or "additionalProperties" in node:
        checks.append(_compile_object(node, contents, compiled))
    if "items" in node:
        if not isinstance(node["items"], dict):
            raise _Unsupported("items as a list")
        item = _compile(node["items"], contents, compiled)
        checks.append(lambda value: not isinstance(value, list) or all(map(item, value)))
    if len(checks) == 1:
        return checks[0]
    return _all_of(tuple(checks))


def _all_of(checks: tuple[_Check, ...]) -> _Check:
    # A plain loop: a generator in all() costs more than most of the checks it runs.
    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 (the loop is the point)
            if not one(value):
                return False
        return True

    return check


def _compile_object(
    node: dict[str, Any], contents: dict[str, Any], compiled: dict[int, _Check]
) -> _Check:
    properties = {
        name: _compile(schema, contents, compiled)
        for name, schema in node.get("properties", {}).items()
    }
    extra = node.get("additionalProperties", True)
    forbid = extra is False
    extra_check = (
        None if extra is True or extra == {} or forbid else _compile(extra, contents, compiled)
    )

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, item in value.items():
            found = properties.get(name)
            if found is not None:
                if not found(item):
                    return False
            elif forbid or (extra_check is not None and not extra_check(item)):
                return False
        return True

    return check


@functools.cache
def _fast_check(schema_name: str, strict: bool) -> _Check | None:
    """A compiled check of ``schema_name``, or None where only jsonschema will do."""
    contents = _contents(strict)
    try:
        return _compile({"$ref": f"{_SCHEMA_PREFIX}{schema_name}"}, contents, compiled={})
    except _Unsupported:
        return None


def _schema_errors(schema_name: str, instance: Any, *, strict: bool) -> list[dict[str, str]]:
    fast = _fast_check(schema_name, strict)
    if fast is not None and fast(instance):
        return []
    errors = sorted(
        _validator(schema_name, strict).iter_errors(instance), key=lambda e: list(e.absolute_path)
    )
    return [{"field": _field(error), "message": error.message} for error in errors]


def _query_value_errors(name: str, schema: dict[str, Any], raw: str) -> list[str]:
    kind = schema.get("type")
    if kind == "array":
        item = schema.get("items", {})
        return [m for part in raw.split(",") for m in _query_value_errors(name, item, part)]
    if kind == "integer":
        try:
            number = int(raw)
        except ValueError:
            return [f"{raw!r} is not an integer"]
        if "maximum" in schema and number > schema["maximum"]:
            return [f"{number} is greater than the maximum of {schema['maximum']}"]
        if number < schema.get("minimum", 0):
            return [f"{number} is less than the minimum of {schema.get('minimum', 0)}"]
        return []
    if kind == "boolean":
        # The SDK writes Python's True/False; other clients write true/false.
        return [] if raw.lower() in ("true", "false") else [f"{raw!r} is not a boolean"]
    if "enum" in schema and raw not in schema["enum"]:
        return [f"{raw!r} is not one of {schema['enum']}"]
    if schema.get("format") == "date-time" and not _is_date_time(raw):
        return [f"{raw!r} is not an ISO 8601 date-time with a UTC offset"]
    return []


def validate_request(
    operation: Operation, query: dict[str, list[str]], raw_body: bytes, *, sample_every: int = 1
) -> tuple[Any, list[dict[str, str]]]:
    """The parsed JSON body and the ways the request departs from the spec.

    ``sample_every`` above 1 is for benchmarks only: of a body with a list of
    ``members`` (batch subscribe), the envelope and one member in ``sample_every``
    are checked (the first, then every ``sample_every``-th), and an error's field
    names the member's place in that sample, not in the body.
    """
    errors = []
    for name, values in query.items():
        parameter = operation.query.get(name)
        if parameter is None:
            errors.append({"field": name, "message": "unknown query parameter"})
            continue
        for value in values:
            for message in _query_value_errors(name, parameter["schema"], value):
                errors.append({"field": name, "message": message})

    text = raw_body.decode("utf-8", errors="replace").strip()
    try:
        body = json.loads(text) if text else None
    except ValueError as error:
        return None, [*errors, {"field": "", "message": f"body is not JSON: {error}"}]

    if operation.body_schema is None:
        # The SDK sends the text `null` for calls without a body (campaign send).
        if body is not None:
            errors.append({"field": "", "message": "this operation takes no request body"})
    elif body is None:
        if operation.body_required:
            errors.append({"field": "", "message": "a JSON request body is required"})
    else:
        checked = body
        if sample_every > 1 and isinstance(body, dict) and isinstance(body.get("members"), list):
            checked = {**body, "members": body["members"][::sample_every]}
        errors.extend(_schema_errors(operation.body_schema, checked, strict=False))
    return body, errors


def validate_response(operation: Operation, body: Any) -> list[dict[str, str]]:
    """Ways an answer of the fake departs from the spec's response schema."""
    if operation.response_schema is None:
        return []
    return _schema_errors(operation.response_schema, body, strict=True)
