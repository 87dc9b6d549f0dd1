"""The shape of the code: stages ask a generator kind what it declares, they never switch on
its spec type; a kind defined in a test module gets the preflight's guards with no other
file touched."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import Field

from datagen.engine import dsl
from datagen.engine.dslbase import Strict
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import KINDS, Kind, register_kind, unregister_kind
from datagen.engine.load import schema_problems
from datagen.engine.modifiers.kind import MODIFIERS
from tests.engine_helpers import entity, schema

ROOT = Path(__file__).resolve().parent.parent
# the kinds' own modules may name their specs; nothing else may switch on them
SCANNED = ("engine", "agent")
EXEMPT = (Path("engine/generators"),)


def dsl_type_names() -> set[str]:
    """The class names of every registered generator spec and modifier args model."""
    names = {kind.spec.__name__ for kind in KINDS.values()}
    names |= {modifier.args.__name__ for modifier in MODIFIERS.values()}
    return names


def _named(node: ast.expr) -> Iterator[str]:
    """The class names in an isinstance's second argument: X, dsl.X, (X, Y), X | Y."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.Tuple):
        for element in node.elts:
            yield from _named(element)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        yield from _named(node.left)
        yield from _named(node.right)


def type_switches(source: str, names: set[str]) -> list[tuple[int, str]]:
    """(line, type name) of each `isinstance(x, <spec type>)` and `case <SpecType>(...)`."""
    if not any(name in source for name in names):
        return []  # a switch spells the type's name: no need to parse
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            found += [(node.lineno, n) for n in _named(node.args[1]) if n in names]
        elif isinstance(node, ast.MatchClass):
            found += [(node.lineno, n) for n in _named(node.cls) if n in names]
    return sorted(found)


def test_the_scanner_finds_each_spelling_of_a_switch() -> None:
    source = """
from datagen.engine import dsl
from datagen.engine.dsl import LookupSpec
def f(spec, other):
    if isinstance(spec, dsl.ChoiceSpec | dsl.EnumListSpec):
        pass
    if isinstance(spec, (LookupSpec, int)) or isinstance(other, str):
        pass
    match spec:
        case dsl.SequenceSpec(start=1):
            pass
"""
    names = dsl_type_names()
    assert type_switches(source, names) == [
        (5, "ChoiceSpec"),
        (5, "EnumListSpec"),
        (7, "LookupSpec"),
        (10, "SequenceSpec"),
    ]


def test_no_stage_switches_on_a_generator_spec_type() -> None:
    names = dsl_type_names()
    assert {"ChoiceSpec", "LookupSpec", "DatetimeSeriesSpec", "ClampArgs"} <= names
    switches = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if any(relative.is_relative_to(exempt) for exempt in EXEMPT):
                continue
            for line, name in type_switches(path.read_text(encoding="utf-8"), names):
                switches.append(f"{relative}:{line} isinstance(..., {name})")
    assert switches == [], "ask the kind (engine/generators/kind.py) instead:\n" + "\n".join(
        switches
    )


# --------------------------------------------------------------------------- a toy kind


class DieSpec(Strict):
    """A die with the listed faces, or one face repeated."""

    faces: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6], min_length=1)


class DieKind(Kind[DieSpec]):
    name = "die"
    spec = DieSpec
    types = frozenset({"int"})

    def generate(self, spec: DieSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        faces = np.asarray(spec.faces, dtype=np.int64)
        return faces[ctx.rng(col.name).integers(0, len(faces), ctx.n)]

    def declared_values(self, spec: DieSpec) -> list[Any]:
        return list(spec.faces)

    def constant(self, spec: DieSpec) -> tuple[Any, str] | None:
        return (spec.faces[0], "faces") if len(set(spec.faces)) == 1 else None


@pytest.fixture
def die() -> Iterator[DieKind]:
    kind = DieKind()
    register_kind(kind)
    dsl.rebuild()
    try:
        yield kind
    finally:
        unregister_kind("die")
        dsl.rebuild()


def die_schema(faces: list[int], **extra: Any) -> dict[str, Any]:
    roll = {"name": "roll", "type": "int", "generator": {"die": {"faces": faces}}}
    return schema(entity("rolls", [roll], rows=50), **extra)


def problems_of(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    _, problems = schema_problems(data, warnings=True)
    return [(p.path, "warning" if p.is_warning else "error", p.message) for p in problems]


def test_a_toy_kind_gets_the_guards_from_what_it_declares(die: DieKind) -> None:
    assert problems_of(die_schema([1, 2, 3, 4, 5, 6])) == []
    # one face: the constant-column warning, at the field the kind names
    assert problems_of(die_schema([4, 4])) == [
        (
            "nodes[0].columns[1].generator.die.faces",
            "warning",
            "`rolls.roll` is the constant 4 in every row",
        )
    ]
    # its declared values against an enum, and their range against a range constraint
    rules = {
        "constraints": {
            "enum": [{"column": "rolls.roll", "values": [1, 2, 3, 4, 5]}],
            "ranges": [{"column": "rolls.roll", "min": 1, "max": 5}],
        }
    }
    found = problems_of(die_schema([1, 2, 3, 4, 5, 6], **rules))
    assert [(path, severity) for path, severity, _ in found] == [
        ("constraints.ranges[0]", "error"),
        ("constraints.enum[0].values", "error"),
    ]
    assert "generated in [1, 6]" in found[0][2]
    assert "6" in found[1][2]


def test_an_attribute_looked_up_through_a_self_reference_is_refused() -> None:
    person = entity(
        "person",
        [
            {"name": "city", "type": "string", "generator": {"choice": {"choices": ["a", "b"]}}},
            {
                "name": "mentor_id",
                "type": "int",
                "nullable": True,
                "generator": {"lookup": {"from": "person.id"}},
            },
            {
                "name": "mentor_city",
                "type": "string",
                "nullable": True,
                "generator": {"lookup": {"from": "person.city", "on": "mentor_id"}},
            },
        ],
    )
    paths = [path for path, severity, _ in problems_of(schema(person)) if severity == "error"]
    assert "nodes[0].columns[3].generator.lookup.on" in paths


# --------------------------------------------------------------------------- dependencies


def _requirement_name(requirement: str) -> str:
    """`dask[distributed]>=2024.1 ; extra == "x"` -> `dask`, normalised."""
    import re

    name = re.split(r"[\s\[<>=!~;(]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules(*tops: str) -> dict[str, str]:
    """Third-party top-level module -> a file that imports it, over the given folders."""
    import re
    import sys

    def third_party(root: str) -> bool:
        return root not in sys.stdlib_module_names and root != "datagen"

    # a file parses only when its import lines name a third-party module (parsing all is slow)
    statement = re.compile(r"(?:^|;)[ \t]*(?:import|from)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
    found: dict[str, str] = {}
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            if not any(third_party(root) for root in statement.findall(source)):
                continue
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    root = name.split(".")[0]
                    if third_party(root):
                        found.setdefault(root, str(path.relative_to(ROOT)))
    return found


def test_every_library_the_code_imports_is_declared() -> None:
    """A library the code imports is a dependency or an extra of pyproject.toml (or comes with
    one of them): `pip install datagen[...]` then has it. networkx went with graphlib."""
    import importlib.metadata as metadata
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    for requirements in project["optional-dependencies"].values():
        declared |= {_requirement_name(r) for r in requirements if not r.startswith("datagen")}
    brought = set(declared)
    for name in declared:
        try:
            brought |= {_requirement_name(r) for r in metadata.requires(name) or []}
        except metadata.PackageNotFoundError:
            continue
    distributions = metadata.packages_distributions()
    imports = imported_top_level_modules("engine", "agent")
    assert {"numpy", "duckdb", "sqlglot"} <= imports.keys()
    undeclared = {
        module: where
        for module, where in imports.items()
        if not {_requirement_name(d) for d in distributions.get(module, [module])} & brought
    }
    assert undeclared == {}
    assert "networkx" not in declared


# --------------------------------------------------------------------------- LLM providers


@pytest.mark.parametrize("module", ["anthropic", "openai"])
def test_each_llm_provider_is_built_from_one_options_object(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from datagen.agent.providers.base import ProviderOptions
    from datagen.agent.providers.retry import RetryPolicy
    from datagen.agent.providers.tooluse import LLMOptions

    monkeypatch.delenv("DATAGEN_MODEL", raising=False)
    provider_module = importlib.import_module(f"datagen.agent.providers.{module}")
    retry = RetryPolicy(max_attempts=2)
    options = LLMOptions(
        api_key="k", base_url="http://127.0.0.1:9/v1", max_tokens=1234, timeout=7.0,
        retry=retry, no_input=True, strict=True,
    )  # fmt: skip
    built = provider_module.make(
        ProviderOptions(
            api_key="k",
            base_url="http://127.0.0.1:9/v1",
            max_tokens=1234,
            timeout=7.0,
            no_input=True,
            extra={"retry": retry, "strict": True},
        )  # fmt: skip
    )
    for provider in (
        type(built)(options),
        type(built)(
            api_key="k",
            base_url="http://127.0.0.1:9/v1",
            max_tokens=1234,
            timeout=7.0,
            retry=retry,
            no_input=True,
            strict=True,
        ),  # fmt: skip
        built,
    ):
        assert provider.model == provider_module.DEFAULT_MODEL
        assert (provider.max_tokens, provider.timeout) == (1234, 7.0)
        assert provider.retry is retry and provider.no_input and provider.strict
        assert str(provider.client.base_url).rstrip("/") == "http://127.0.0.1:9/v1"
        assert provider.client.max_retries == 0  # the retries are ours
    with pytest.raises(TypeError):
        type(built)(api_key="k", temperature=0.5)


def test_the_last_modifier_declares_the_range_a_column_ends_in(die: DieKind) -> None:
    def with_clamp(low: float | None, high: float | None) -> dict[str, Any]:
        data = die_schema(
            [1, 2, 3, 4, 5, 6], constraints={"ranges": [{"column": "rolls.roll", "max": 5}]}
        )
        clamp = {"transform": "clamp", "args": {"min": low, "max": high}}
        data["nodes"][0]["columns"][1]["modifiers"] = [clamp]
        return data

    assert problems_of(with_clamp(1, 5)) == []
    (found,) = problems_of(with_clamp(0, 9))
    assert found[:2] == ("constraints.ranges[0]", "error") and "generated in [0, 9]" in found[2]
    assert problems_of(with_clamp(None, 9)) == []  # one bound: what it leaves is not certain
