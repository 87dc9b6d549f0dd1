"""Read a schema (JSON or YAML) into the DSL models, with every problem at once."""

from __future__ import annotations

import codecs
import copy
import functools
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from datagen.engine import dsl
from datagen.engine.errors import InputError, Problem, SchemaError, did_you_mean, json_path

# Field names per model, for did-you-mean on unknown keys.
_KNOWN_FIELDS: set[str] = set()
for _model in list(vars(dsl).values()):
    if isinstance(_model, type) and issubclass(_model, dsl.Strict):
        for _name, _field in _model.model_fields.items():  # type: ignore[attr-defined]
            _KNOWN_FIELDS.add(_field.alias or _name)


@functools.cache
def _dataset_schema() -> dict[str, Any]:
    return dsl.Dataset.model_json_schema(by_alias=True)


def _fields_at(loc: Sequence[str | int]) -> set[str] | None:
    """The keys the object at `loc` (a pydantic error location) may have, read from the
    JSON Schema; a step no branch can take is a union's tag and is passed over."""
    schema = _dataset_schema()
    defs = schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        return node

    def step(node: dict[str, Any], key: str | int) -> dict[str, Any] | None:
        node = resolve(node)
        if isinstance(key, int):
            items = node.get("items")
            return items if isinstance(items, dict) else None
        if key in node.get("properties", {}):
            return node["properties"][key]  # type: ignore[no-any-return]
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return extra
        for branch in node.get("anyOf", []) + node.get("oneOf", []):
            taken = step(branch, key)
            if taken is not None:
                return taken
        return None

    node: dict[str, Any] = schema
    for key in loc:
        taken = step(node, key)
        if taken is not None:
            node = taken
    node = resolve(node)
    fields = set(node.get("properties", {}))
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        fields |= set(resolve(branch).get("properties", {}))
    return fields or None


MAX_SCHEMA_BYTES = 32 * 1024 * 1024  # a schema is a few KB; a bigger file is a wrong path
MAX_DEPTH = 64  # the DSL nests about 8 levels; deeper is an attack or an accident
MAX_VALUES = 200_000  # a schema has a few thousand; YAML aliases can expand to billions
INT64 = (-(2**63), 2**63 - 1)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_schema_text(path: str | Path) -> str:
    """The schema file's text: UTF-8, or UTF-16/32 with a BOM; anything else is a message."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"schema file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the schema file (e.g. {path}/schema.json)")
    try:
        size = path.stat().st_size
        if size > MAX_SCHEMA_BYTES:
            raise InputError(
                f"{path} is {size:,} bytes: too big for a schema (at most {MAX_SCHEMA_BYTES:,})"
            )
        raw = path.read_bytes()[: MAX_SCHEMA_BYTES + 1]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{path}:{line}:{column}: not {encoding.upper()} text (byte 0x{raw[exc.start]:02x}); "
            "save the schema as UTF-8"
        ) from None
    if "\x00" in text:  # ASCII saved as UTF-16 without a BOM decodes as UTF-8 with NULs
        raise InputError(f"{path} holds NUL bytes (UTF-16 without a BOM?): save it as UTF-8")
    return text


class _Duplicates:
    """Whether an object of the document repeats a key (JSON and YAML keep the last silently)."""

    found = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping = dict(pairs)
        if len(mapping) != len(pairs):
            self.found = True
        return mapping


def parse_schema_text(text: str, source: str, yaml_syntax: bool) -> dict[str, Any]:
    """JSON or YAML text -> a dict, with line:column for syntax errors (no recursion crash);
    a key written twice in one object is a problem at its path, not the last one kept."""
    duplicates = _Duplicates()
    try:
        if yaml_syntax:
            data = _yaml_load(text, source, duplicates)
        else:
            data = json.loads(text, object_pairs_hook=duplicates.pairs)
    except json.JSONDecodeError as exc:
        raise SchemaError(
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}")],
            source=source,
        ) from None
    except RecursionError:
        raise SchemaError(
            [Problem("$", f"nested too deeply (at most {MAX_DEPTH} levels)")], source=source
        ) from None
    except ValueError as exc:  # a 4,300-digit integer
        reason = "a number with more than 4,300 digits" if "digits" in str(exc) else str(exc)
        raise SchemaError([Problem("$", f"invalid number: {reason}")], source=source) from None
    if duplicates.found:
        raise SchemaError(duplicate_key_problems(text), source=source)
    if not isinstance(data, dict):
        raise SchemaError(
            [Problem("$", "the schema must be an object", expected='{"nodes": [...]}')],
            source=source,
        )
    return data


def _yaml_load(text: str, source: str, duplicates: _Duplicates) -> Any:
    import yaml  # only for YAML schemas: a JSON schema does not pay its import

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            keys = [k.value for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"]
            if len(set(map(str, keys))) != len(keys):  # merged keys (`<<: *base`) may repeat
                duplicates.found = True
            return super().construct_mapping(node, deep=deep)

    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        reason = getattr(exc, "problem", None) or str(exc)
        raise SchemaError([Problem(where, f"invalid YAML: {reason}")], source=source) from None


def value_problems(data: Any) -> list[Problem]:
    """Nesting deeper than MAX_DEPTH, integers beyond int64, NaN/Infinity, NUL characters:
    anywhere, with paths (databases and CSV cannot hold a NUL; numbers must fit int64).

    Iterative (an explicit stack), so a hostile 100,000-level document cannot
    exhaust Python's recursion limit here.
    """
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    visited = 0
    while stack:
        value, loc = stack.pop()
        visited += 1
        if visited > MAX_VALUES:  # YAML aliases can make a small file a huge tree
            return [Problem("$", f"more than {MAX_VALUES:,} values: too big for a schema")]
        if len(loc) > MAX_DEPTH:
            problems.append(Problem(json_path(loc), f"nested too deeply (at most {MAX_DEPTH})"))
            continue
        if isinstance(value, dict):
            stack.extend((v, (*loc, str(k))) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*loc, i)) for i, v in enumerate(value))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
            problems.append(
                Problem(json_path(loc), "integer out of range", "a 64-bit integer (|n| < 9.2e18)")
            )
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(Problem(json_path(loc), f"`{value}` is not a finite number"))
        elif isinstance(value, str) and "\x00" in value:
            problems.append(Problem(json_path(loc), "a NUL character (\\u0000) in text"))
        if isinstance(value, dict) and any(isinstance(k, str) and "\x00" in k for k in value):
            problems.append(Problem(json_path(loc), "a NUL character (\\u0000) in a key"))
    return sorted(problems, key=lambda p: p.path)


def read_schema_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    text = read_schema_text(path)
    return parse_schema_text(text, str(path), path.suffix.lower() in (".yaml", ".yml"))


def positions(text: str) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """(line, column) of every value of a JSON or YAML document, by its location.

    Built only when there is an error to place: PyYAML's composer keeps marks
    (JSON is read the same way, being YAML's flow style). Empty when the text
    does not compose (then messages keep their JSON paths alone).
    """
    import yaml  # PyYAML's composer keeps the marks (also of JSON, YAML's flow style)

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}
    found: dict[tuple[str | int, ...], tuple[int, int]] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())] if root is not None else []
    while stack and len(found) < MAX_VALUES:
        node, loc = stack.pop()
        found[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(loc) > MAX_DEPTH:
            continue
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found[(*loc, str(key.value))] = (key.start_mark.line + 1, key.start_mark.column + 1)
                stack.append((value, (*loc, str(key.value))))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*loc, i)) for i, item in enumerate(node.value))
    return found


def duplicate_key_problems(text: str) -> list[Problem]:
    """`nodes[0].rows (line 5:5): the key `rows` is written twice in this object`, for each."""
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        root = None
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())] if root is not None else []
    while stack and len(problems) < MAX_VALUES:
        node, loc = stack.pop()
        if len(loc) > MAX_DEPTH:
            continue
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                name = str(key.value)
                if name in seen and key.tag != "tag:yaml.org,2002:merge":
                    mark = key.start_mark
                    problems.append(
                        Problem(
                            json_path((*loc, name)),
                            f"the key `{name}` is written twice in this object "
                            "(only one value can be read: remove the other)",
                            line=f"{mark.line + 1}:{mark.column + 1}",
                        )
                    )
                seen.add(name)
                stack.append((value, (*loc, name)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*loc, i)) for i, item in enumerate(node.value))
    return sorted(problems, key=lambda p: p.path) or [
        Problem("$", "a key is written twice in one object (only one value can be read)")
    ]


_PATH_PART = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def locate(
    path: str, where: dict[tuple[str | int, ...], tuple[int, int]]
) -> tuple[int, int] | None:
    """The line:column of a problem's JSON path (its deepest part found in the document)."""
    loc: tuple[str | int, ...] = ()
    best = where.get(())
    for match in _PATH_PART.finditer(path):
        part: str | int = int(match[2]) if match[2] is not None else match[1]
        if (*loc, part) in where:
            loc = (*loc, part)
            best = where[loc]
        # else: a part the messages add (a union tag): skip it, keep walking
    return best if loc else None


def with_positions(problems: list[Problem], text: str) -> list[Problem]:
    where = positions(text)
    if not where:
        return problems
    placed = []
    for problem in problems:
        if problem.line:  # placed where it was found (a repeated key: the second one)
            placed.append(problem)
            continue
        spot = locate(problem.path, where)
        placed.append(replace(problem, line=f"{spot[0]}:{spot[1]}") if spot else problem)
    return placed


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
            allowed = _fields_at(loc[:-1])
            suggestion = did_you_mean(key, (allowed or _KNOWN_FIELDS) - {key})
            if allowed and suggestion is None:
                expected = "one of " + ", ".join(sorted(allowed))
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
    dataset, problems = schema_problems(data)
    if problems or dataset is None:
        raise SchemaError(problems, source=source)
    return dataset


def schema_problems(
    data: dict[str, Any], *, warnings: bool = False
) -> tuple[dsl.Dataset | None, list[Problem]]:
    """Every problem of a schema in one pass: the models', then the preflight's and the
    semantic guards' (their warnings too when asked: `Problem.is_warning`).

    The dataset is None when the models reject the schema. Used by the CLI
    (`parse_dataset`) and by the authoring loop alike, so a person and a model
    see the same list.
    """
    from datagen.engine.preflight import preflight

    problems = value_problems(data)
    if problems:
        if all(p.path != "$" and "nested" not in p.message for p in problems):
            # bad numbers only: the models' own problems too (they cope with any value)
            try:
                dsl.Dataset.model_validate(data)
            except ValidationError as exc:
                known = {p.path for p in problems}
                problems += [p for p in problems_from_validation(exc, data) if p.path not in known]
        return None, problems
    try:
        dataset = dsl.Dataset.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, data)
        problems += _preflight_of_the_rest(data, exc, problems)
        return None, problems
    return dataset, preflight(dataset, warnings=warnings)


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
        try:
            patchable = _patch(patched, loc, patched_paths, dropped)
        except (KeyError, IndexError, TypeError, AttributeError):
            patchable = False  # a shape too broken to stand in for
        if not patchable:
            return []  # a part we cannot stand in for: the model errors must do
    for key, indexes in dropped.items():
        group, kind = key.split(".")
        items = patched.get(group, {}).get(kind, [])
        patched[group][kind] = [x for i, x in enumerate(items) if i not in indexes]
    seen = {p.path for p in known}
    extra: list[Problem] = []
    # Validators of a whole table (duplicate columns, pk) run only once its fields are
    # valid: validate the patched copy again, report what it finds, patch, repeat.
    for _round in range(4):
        try:
            dataset = dsl.Dataset.model_validate(patched)
            break
        except ValidationError as again:
            for problem in problems_from_validation(again, patched):
                if (problem.path, problem.message) not in {(p.path, p.message) for p in known}:
                    extra.append(problem)
            for err in again.errors(include_url=False):
                loc = _clean_loc(err["loc"])
                if not loc or loc[0] != "nodes":
                    return extra  # an index in a pruned list: stop at what is known
                if not (_patch(patched, loc, patched_paths, {}) or _patch_node(patched, loc)):
                    return extra
    else:
        return extra
    known = known + extra
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
        declared = col.get("type")
        type_ = (
            declared if isinstance(declared, str) and declared in _NEUTRAL_GENERATORS else "string"
        )
        if len(loc) > 4 and loc[4] == "modifiers":
            # all of them: indexes of several bad modifiers would shift if dropped one by one
            col["modifiers"] = []
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


def _patch_node(data: Any, loc: list[str | int]) -> bool:
    """Stand in for a table its own validators reject: first of each column name, a pk."""
    if len(loc) != 2 or not isinstance(loc[1], int):
        return False
    node = data["nodes"][loc[1]]
    columns = [c for c in node.get("columns") or [] if isinstance(c, dict)]
    names: list[Any] = []
    kept = []
    for col in columns:
        if col.get("name") not in names:
            names.append(col.get("name"))
            kept.append(col)
    changed = len(kept) != len(columns)
    node["columns"] = kept
    if node.get("pk") is not None and node["pk"] not in names and names:
        node["pk"] = names[0]
        changed = True
    return changed


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
    """Read and check a schema file; every problem carries its JSON path and line:column."""
    path = Path(path)
    text = read_schema_text(path)
    try:
        data = parse_schema_text(text, str(path), path.suffix.lower() in (".yaml", ".yml"))
        return parse_dataset(data, source=str(path))
    except SchemaError as exc:
        raise SchemaError(with_positions(exc.problems, text), source=exc.source) from None


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
