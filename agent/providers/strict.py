"""The DSL's JSON Schema made strict-compatible for function calling, and its inputs made DSL again.

Strict mode (OpenAI's `strict: true`) takes a subset of JSON Schema: every
object closed (`additionalProperties: false`) with every property required,
`anyOf` but not `oneOf`, no `default`/`prefixItems`/discriminators. So:

- an optional property becomes required and nullable; `from_strict` drops the nulls;
- a free-form map (`params`, `mapping`) becomes a list of `{key, value}` pairs;
  `from_strict` turns such lists back into objects;
- `oneOf` becomes `anyOf`, a tuple (`prefixItems`) a fixed-length list.

`strict_schema` returns None for a construct it cannot express: the caller
then uses the schema as it is, non-strict.
"""

from __future__ import annotations

import os
from typing import Any

_DROPPED = {
    "default",
    "discriminator",
    "examples",
    "title",
    "$schema",
    "maxLength",
    "minLength",
    "propertyName",
}


class NotStrict(Exception):
    pass


class StrictRejected(Exception):
    """The API refused the strict tool schema (400): the provider retries without strict."""


def strict_tools_default(api_default: bool) -> bool:
    """DATAGEN_STRICT_TOOLS=1/0 overrides a provider's default for strict tool use."""
    value = os.environ.get("DATAGEN_STRICT_TOOLS", "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return api_default


def strict_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return _convert(schema)  # type: ignore[no-any-return]
    except NotStrict:
        return None


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "oneOf":
            out["anyOf"] = _convert(value)
        elif key == "prefixItems":
            items = _convert(value)
            out["items"] = items[0] if len(items) == 1 else {"anyOf": items}
            out["minItems"] = out["maxItems"] = len(items)
        elif key in ("properties", "$defs"):
            out[key] = {name: _convert(sub) for name, sub in value.items()}
        else:
            out[key] = _convert(value)
    if out.get("type") == "object" or "properties" in out:
        extra = out.get("additionalProperties")
        patterns = list((out.get("patternProperties") or {}).values())
        if "properties" not in out and isinstance(extra, dict):
            return _map_as_pairs(extra)
        if "properties" not in out and len(patterns) == 1:  # a map with keys of a pattern
            return _map_as_pairs(patterns[0])
        if "properties" not in out:
            raise NotStrict("an object with no declared properties")
        required = set(node.get("required", []))
        for name, sub in list(out["properties"].items()):
            if name not in required:
                out["properties"][name] = {"anyOf": [sub, {"type": "null"}]}
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def _map_as_pairs(value_schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "array",
        "description": "a map, as a list of {key, value} pairs",
        "items": {
            "type": "object",
            "properties": {"key": {"type": "string"}, "value": value_schema},
            "required": ["key", "value"],
            "additionalProperties": False,
        },
    }


def from_strict(value: Any) -> Any:
    """A strict-mode tool input back in the DSL's shape: nulls dropped, pair lists as maps."""
    if isinstance(value, dict):
        return {k: from_strict(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and set(v) == {"key", "value"} for v in value):
            return {str(v["key"]): from_strict(v["value"]) for v in value}
        return [from_strict(v) for v in value]
    return value
