"""Read a schema (JSON or YAML) into the DSL models, with every problem at once."""

from __future__ import annotations

import copy
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
        for _name, _field in _model.model_fields.items():  # type: ignore[attr-defined]
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
    """Models first, then the plan's semantic preflight; raise every problem at once.

    When the models reject parts of the schema, those parts are swapped for
    neutral placeholders and the preflight still runs on the rest, so one
    report lists both kinds of problems (a repair turn then fixes all of them).
    """
    from datagen.engine.preflight import preflight

    try:
        dataset = dsl.Dataset.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, data)
        problems += _preflight_of_the_rest(data, exc, problems)
        raise SchemaError(problems, source=source) from None
    problems = preflight(dataset)
    if problems:
        raise SchemaError(problems, source=source)
    return dataset


_NEUTRAL_GENERATORS: dict[str, dict[str, Any]] = {
    "int": {"sequence": {}},
    "float": {"distribution": {"type": "uniform"}},
    "string": {"enum_list": {"values": ["x"]}},
    "bool": {"enum_list": {"values": [True]}},
    "date": {"datetime_series": {"within": {"start": "2000-01-01", "end": "2000-01-02"}}},
    "datetime": {"datetime_series": {"within": {"start": "2000-01-01", "end": "2000-01-02"}}},
}


def _preflight_of_the_rest(
    data: dict[str, Any], exc: ValidationError, known: list[Problem]
) -> list[Problem]:
    from datagen.engine.preflight import preflight

    patched = copy.deepcopy(data)
    patched_paths: set[str] = set()
    dropped: dict[str, set[int]] = {}
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        if not _patch(patched, loc, patched_paths, dropped):
            return []  # a part we cannot stand in for: the model errors must do
    for key, indexes in dropped.items():
        group, kind = key.split(".")
        items = patched.get(group, {}).get(kind, [])
        patched[group][kind] = [x for i, x in enumerate(items) if i not in indexes]
    try:
        dataset = dsl.Dataset.model_validate(patched)
    except ValidationError:
        return []
    seen = {p.path for p in known}
    extra = []
    for problem in preflight(dataset):
        path = _unshift(problem.path, dropped)
        if any(
            path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in patched_paths
        ):
            continue
        if path in seen and problem.message in {p.message for p in known}:
            continue
        extra.append(Problem(path, problem.message, problem.expected, problem.suggestion))
    return extra


def _patch(
    data: Any, loc: list[str | int], patched: set[str], dropped: dict[str, set[int]]
) -> bool:
    if (
        len(loc) >= 2
        and loc[0] in ("constraints", "targets")
        and len(loc) >= 3
        and isinstance(loc[2], int)
    ):
        dropped.setdefault(f"{loc[0]}.{loc[1]}", set()).add(loc[2])
        return True
    if len(loc) >= 4 and loc[0] == "nodes" and loc[2] == "columns" and isinstance(loc[3], int):
        node = data["nodes"][loc[1]]
        col = node["columns"][loc[3]]
        cpath = json_path(loc[:4])
        if not isinstance(col, dict):
            return False
        type_ = str(col.get("type")) if col.get("type") in _NEUTRAL_GENERATORS else "string"
        if len(loc) > 4 and loc[4] == "modifiers" and len(loc) > 5:
            col["modifiers"][loc[5]] = None
            col["modifiers"] = [m for m in col["modifiers"] if m is not None]
            patched.add(cpath + ".modifiers")
            return True
        if len(loc) > 4 and loc[4] == "generator":
            col["generator"] = _NEUTRAL_GENERATORS[type_]
            patched.add(json_path(loc[:5]))
            return True
        name = col.get("name") if isinstance(col.get("name"), str) else f"column_{loc[3]}"
        node["columns"][loc[3]] = {
            "name": name,
            "type": type_,
            "generator": _NEUTRAL_GENERATORS[type_],
        }
        patched.add(cpath)
        return True
    if len(loc) >= 3 and loc[0] == "nodes" and loc[2] == "fanout":
        data["nodes"][loc[1]]["fanout"] = {"distribution": "poisson", "lambda": 1}
        patched.add(json_path(loc[:3]))
        return True
    return False


def _unshift(path: str, dropped: dict[str, set[int]]) -> str:
    """Map a preflight path on the pruned lists back to the original indexes."""
    for key, indexes in dropped.items():
        prefix = key + "["
        if path.startswith(prefix):
            index_text, rest = path[len(prefix) :].split("]", 1)
            index = int(index_text)
            for removed in sorted(indexes):
                if removed <= index:
                    index += 1
            return f"{prefix}{index}]{rest}"
    return path


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
        if (
            isinstance(part, str)
            and out
            and out[-2:-1] == ["modifiers"]
            and part in dsl.MODIFIER_KINDS
        ):
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
