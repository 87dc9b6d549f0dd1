"""A schema fuzzer: whatever the schema, `datagen generate` answers 0, 1 or 2, never a traceback,
writes nothing outside --out, and stays small.

Two sources of schemas, both driven by hypothesis with a derandomized profile (the
same cases on every machine, so CI is stable):
- `from_json_schema`: values built from the DSL's own JSON Schema (`datagen schema`),
  mostly valid shapes with hostile values where the schema allows any (hypothesis-
  jsonschema does not run on this hypothesis, so the builder is here, small);
- `mutated_example`: the shipped examples with one to four mutations (a key dropped,
  a value swapped for a hostile one, a node duplicated, a name changed in case).
Rows are capped after mutation (entities <= 12, fanouts <= 5) so a case that passes
the preflight generates in milliseconds; absurd values are left alone, they must be
refused. The engine runs in-process through click's CliRunner.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import traceback
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from datagen.agent.cli import main
from datagen.engine import dsl

ROOT = Path(__file__).resolve().parent.parent
# tpch.json is left out: 46 KB of vocabularies make each case ten times slower, and its
# shapes are the other examples' shapes
EXAMPLES = {
    path.stem: json.loads(path.read_text())
    for path in [
        *sorted((ROOT / "examples").glob("*.json")),
        ROOT / "tests/data/hostile/tiny.json",
    ]
    if path.stem != "tpch"
}
CASES = int(os.environ.get("DATAGEN_FUZZ_CASES", "2000"))
MAX_RSS_MB = 2048

settings.register_profile(
    "fuzz",
    max_examples=CASES,
    derandomize=True,  # the same cases everywhere: CI stays stable
    deadline=None,  # no timed assertions: time is bounded by the row caps instead
    database=None,
    suppress_health_check=list(HealthCheck),
    # no shrinking: on a 2-core CI it can take minutes; the case is printed (truncated) as is
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    print_blob=False,
)

HOSTILE_SCALARS = st.sampled_from(
    [
        None, True, False, 0, -1, 1, 2**31, 2**63 - 1, -(2**63), 2**64, 10**30, 1e308, -1e-308,
        0.5, "", " ", "x", "[/]", "[bold]", "\u0000", "é", "../../etc/passwd", "/abs/path",
        "customer", "customer.customer_id", "order.amount", "timeframe", "2024-01-01",
        "9999-12-31", "0001-01-01", "2024-13-45", "zipf@1.5", "zipf@0", "head_tail@{0.2,0.8}",
        "name", "date_time_this_year", "binary", "h", "D", "s", "normal", "poisson", "int",
        "string", "float", "date", "datetime", "bool", "fact", "entity", "vocab", "a" * 300,
    ]
)  # fmt: skip
JSON_VALUES = st.recursive(
    HOSTILE_SCALARS | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


# --------------------------------------------------------------------------- from the JSON Schema


class SchemaStrategies:
    """Hypothesis strategies for a (pydantic-made) JSON Schema: $ref, anyOf/oneOf, objects,
    arrays, enums and consts, typed scalars; beyond MAX_DEPTH, hostile scalars."""

    MAX_DEPTH = 7

    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.defs = root.get("$defs", {})

    def build(self, node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        if depth > self.MAX_DEPTH:
            return HOSTILE_SCALARS
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return st.deferred(lambda: self.build(self.defs[name], depth + 1))
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                return st.one_of([self.build(option, depth + 1) for option in node[key]])
        if "allOf" in node and len(node["allOf"]) == 1:
            return self.build(node["allOf"][0], depth + 1)
        kind = node.get("type")
        if kind == "object" or "properties" in node:
            return self._object(node, depth)
        if kind == "array":
            return self._array(node, depth)
        if kind == "string":
            return st.one_of(
                st.sampled_from(node.get("examples") or ["x"]),
                HOSTILE_SCALARS.filter(lambda v: isinstance(v, str)),
            )
        if kind == "integer":
            low = node.get("minimum", node.get("exclusiveMinimum", -5))
            return st.one_of(st.integers(int(low), int(low) + 40), st.sampled_from([2**62, -1]))
        if kind == "number":
            return st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1e300, -1e-300]))
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return JSON_VALUES

    def _object(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        fixed = {k: self.build(v, depth + 1) for k, v in properties.items() if k in required}
        optional = {k: self.build(v, depth + 1) for k, v in properties.items() if k not in required}
        base = st.fixed_dictionaries(fixed, optional=optional)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):  # a map (params, mapping): a few entries
            base = st.dictionaries(
                st.text(min_size=1, max_size=6), self.build(extra, depth + 1), max_size=3
            )
        return base

    def _array(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if "prefixItems" in node:
            return st.tuples(*(self.build(i, depth + 1) for i in node["prefixItems"])).map(list)
        items = self.build(node.get("items", {}), depth + 1)
        low = node.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=max(low, min(node.get("maxItems", 3), 3)))


def from_json_schema() -> st.SearchStrategy[Any]:
    return SchemaStrategies(dsl.Dataset.model_json_schema(by_alias=True)).build(
        dsl.Dataset.model_json_schema(by_alias=True)
    )


# --------------------------------------------------------------------------- mutations


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    for part in path[:-1]:
        doc = doc[part]
    return doc, path[-1]


@st.composite
def mutated_example(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))])
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(doc, path)
        action = draw(st.sampled_from(["drop", "replace", "duplicate", "case", "nest"]))
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "case" and isinstance(parent[key], str):
            parent[key] = parent[key].upper()
        elif action == "nest":
            parent[key] = [parent[key]]
    return doc


# --------------------------------------------------------------------------- the property

SMALL_ROWS = 12
SMALL_FANOUT = 5


def cap_rows(doc: Any) -> Any:
    """Plausible sizes made tiny (so a valid case runs in milliseconds); absurd ones kept."""
    nodes = doc.get("nodes") if isinstance(doc, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict):
            continue
        rows = node.get("rows")
        if (
            isinstance(rows, int | float)
            and not isinstance(rows, bool)
            and SMALL_ROWS < rows < 1e13
        ):
            node["rows"] = SMALL_ROWS
        fanout = node.get("fanout")
        if isinstance(fanout, dict):
            for key in ("lambda", "max", "min", "mean"):
                value = fanout.get(key)
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and SMALL_FANOUT < value < 1e7
                ):
                    fanout[key] = SMALL_FANOUT
    return doc


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.slow  # 2,000 cases: in `make test-slow` (CI runs it)
@settings(settings.get_profile("fuzz"))
@given(doc=st.one_of(mutated_example(), mutated_example(), from_json_schema()))
def test_any_schema_is_an_answer_never_a_crash(doc: Any, workdir: Path) -> None:
    case = workdir / "case"
    case.mkdir(exist_ok=True)
    for entry in case.iterdir():  # a fresh case folder (hypothesis reuses the fixture)
        if entry.is_dir():
            import shutil

            shutil.rmtree(entry)
        else:
            entry.unlink()
    schema = case / "schema.json"
    schema.write_text(json.dumps(cap_rows(doc), default=str))
    before = tree(workdir)
    out = case / "out"
    result = CliRunner().invoke(
        main, ["generate", str(schema), "--out", str(out), "-q", "-j", "1", "--seed", "1"]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"crash on {json.dumps(doc, default=str)[:2000]}\n{crash}")
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output, (
        json.dumps(doc, default=str)[:2000],
        result.output,
    )
    created = tree(workdir) - before
    assert all(p == "case/out" or p.startswith("case/out/") for p in created), created
    if result.exit_code != 0:
        assert not out.exists(), "a failed run left output behind"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < MAX_RSS_MB, f"peak memory {peak_mb:.0f} MB"
