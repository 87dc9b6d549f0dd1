"""Read a schema (JSON or YAML) into the DSL models, with every problem at once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from datagen.engine import dsl
from datagen.engine.errors import InputError, Problem, SchemaError, did_you_mean, json_path

# Field names per model, for did-you-mean on unknown keys.
_KNOWN_FIELDS: set[str] = set()
for _model in list(vars(dsl).values()):
    if isinstance(_model, type) and issubclass(_model, dsl.Strict):
        for _name, _field in _model.model_fields.items():
            _KNOWN_FIELDS.add(_field.alias or _name)


def read_schema_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"schema file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the schema file (e.g. {path}/schema.json)")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}")],
            source=str(path),
        ) from None
    except yaml.YAMLError as exc:
        raise SchemaError([Problem("$", f"invalid YAML: {exc}")], source=str(path)) from None
    if not isinstance(data, dict):
        raise SchemaError(
            [Problem("$", "the schema must be an object", expected='{"nodes": [...]}')],
            source=str(path),
        )
    return data


def problems_from_validation(exc: ValidationError, data: Any) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        path = json_path(loc)
        kind = err["type"]
        suggestion = None
        expected = None
        message = err["msg"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            message = f"unknown field `{key}`"
            suggestion = did_you_mean(key, _KNOWN_FIELDS)
        elif kind == "unknown_generator":
            keys = _value_at(data, loc)
            given = list(keys)[0] if isinstance(keys, dict) and keys else None
            message = (
                f"unknown generator `{given}`" if given else "a generator needs exactly one kind"
            )
            expected = "one of " + ", ".join(dsl.GENERATOR_KINDS)
            suggestion = did_you_mean(str(given), dsl.GENERATOR_KINDS) if given else None
        elif kind == "union_tag_invalid":
            given = str(err.get("ctx", {}).get("tag", ""))
            message = f"unknown transform `{given}`"
            expected = "one of " + ", ".join(dsl.MODIFIER_KINDS)
            suggestion = did_you_mean(given, dsl.MODIFIER_KINDS)
        elif kind == "literal_error":
            given = _value_at(data, loc)
            expected = err.get("ctx", {}).get("expected")
            message = f"`{given}` is not allowed"
            options = [o.strip(" '") for o in str(expected or "").replace(" or ", ",").split(",")]
            suggestion = did_you_mean(str(given), [o for o in options if o])
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(Problem(path, message, expected, suggestion))
    return problems


def parse_dataset(data: dict[str, Any], source: str | None = None) -> dsl.Dataset:
    """Models first, then the plan's semantic preflight; raise every problem at once."""
    from datagen.engine.plan import preflight

    try:
        dataset = dsl.Dataset.model_validate(data)
    except ValidationError as exc:
        raise SchemaError(problems_from_validation(exc, data), source=source) from None
    problems = preflight(dataset)
    if problems:
        raise SchemaError(problems, source=source)
    return dataset


def load_dataset(path: str | Path) -> dsl.Dataset:
    return parse_dataset(read_schema_file(path), source=str(path))


def schema_hash(dataset: dsl.Dataset) -> str:
    canonical = json.dumps(dataset.to_json_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    # Tagged unions repeat the tag ('generator', 'lookup', 'lookup', 'from'); literal
    # discriminators add the class tag ('modifiers', 0, 'multiply', 'args').
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if i > 0 and part == loc[i - 1] and isinstance(part, str):
            continue
        if isinstance(part, str) and out and out[-2:-1] == ["modifiers"] and part in dsl.MODIFIER_KINDS:
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        out.append(part)
    return out


def _value_at(data: Any, loc: list[str | int]) -> Any:
    cur = data
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return None
    return cur
