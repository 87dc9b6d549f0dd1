"""Every example schema, end to end through the real `datagen` executable.

For each `examples/*.json`: generate into a temporary directory (twice, with
the same seed, at the same time), read the Parquet back, and check what the
engine promises by construction: primary keys unique and non-null, every
foreign key resolves, every declared inequality holds (same row, or child
vs. parent through the FK), and the two runs are byte-identical. The
validator (`datagen validate`) must pass with no failed check. Examples whose
estimated size exceeds EXAMPLE_LARGE_ROWS run at `--scale 0.01`. The first run is the
session's (tests/example_runs.py, in-process, shared with other modules), the second one
is a child process's (one for every example) with `--workers 2`.

The DSL reference (docs/dsl.md) is checked against the lists in code, so a
new generator, modifier or expression function cannot go undocumented.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from datagen.engine import dsl
from datagen.engine.expressions import FUNCTIONS
from datagen.engine.load import load_dataset
from datagen.engine.plan import build_plan
from datagen.engine.relations import fk_between, foreign_keys, split_ref
from tests.cli_helpers import run_cli
from tests.example_runs import EXAMPLE_SEED, EXAMPLES, ExampleRun, start_second_runs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "dsl.md"
TIMEOUT = 120


@dataclass
class Generated:
    schema: Path
    dataset: dsl.Dataset
    first: Path
    second: Path
    size_args: tuple[str, ...]

    def table(self, name: str) -> pa.Table:
        return pq.read_table(self.first / f"{name}.parquet")


@pytest.fixture(scope="module")
def second_runs(
    tmp_path_factory: pytest.TempPathFactory, example_run: Callable[[str], ExampleRun]
) -> Path:
    """Every example generated again by one child process with `--workers 2`
    (tests/example_runs.py), while this process makes the session's runs (`--workers 1`):
    the second runs are there to compare bytes."""
    folder = tmp_path_factory.mktemp("second")
    proc = start_second_runs(folder)
    try:
        for schema in EXAMPLES:
            example_run(schema.stem)
    finally:
        stdout, stderr = proc.communicate(timeout=TIMEOUT * len(EXAMPLES))
    assert proc.returncode == 0, f"the second runs failed:\n{stdout}\n{stderr}"
    return folder


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def generated(
    request: pytest.FixtureRequest, second_runs: Path, example_run: Callable[[str], ExampleRun]
) -> Generated:
    """The session's run of the example (`datagen generate --workers 1`, in-process, shared
    with other modules) and the second run of it."""
    schema: Path = request.param
    first = example_run(schema.stem)
    return Generated(schema, first.dataset, first.data, second_runs / schema.stem, first.size_args)


def test_examples_exist() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {"bank", "shop", "saas"} <= names


@pytest.mark.parametrize("schema", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_loads_and_plans(schema: Path) -> None:
    """Valid (models and preflight), plannable, and self-explaining."""
    dataset = load_dataset(schema)
    assert dataset.metadata.description, f"{schema.name} needs metadata.description"
    plan = build_plan(dataset, EXAMPLE_SEED)
    assert set(plan.order) == {n.id for n in dataset.nodes}
    assert plan.estimated_total_rows > 0


def test_every_table_written(generated: Generated) -> None:
    meta = json.loads((generated.first / ".metadata.json").read_text())
    assert meta["seed"] == EXAMPLE_SEED
    for node in generated.dataset.nodes:
        path = generated.first / f"{node.id}.parquet"
        assert path.is_file(), f"{node.id}.parquet missing"
        table = pq.read_table(path)
        assert table.column_names == [c.name for c in node.columns if not c.hidden]
        assert table.num_rows == meta["tables"][node.id]["rows"]


def test_primary_keys_unique(generated: Generated) -> None:
    for node in generated.dataset.nodes:
        if node.pk is None:
            continue
        keys = _plain(generated.table(node.id).column(node.pk))
        assert keys.null_count == 0, f"{node.id}.{node.pk} has nulls"
        distinct = pc.count_distinct(keys).as_py()
        assert distinct == len(keys), f"{node.id}.{node.pk}: {len(keys) - distinct} duplicate(s)"


def test_foreign_keys_resolve(generated: Generated) -> None:
    fks = foreign_keys(generated.dataset)
    assert fks, "an example should be relational"
    for fk in fks:
        child = _plain(generated.table(fk.table).column(fk.column)).drop_null()
        parent = _plain(generated.table(fk.ref_table).column(fk.ref_column))
        found = pc.is_in(child, value_set=parent.combine_chunks())
        missing = len(child) - pc.sum(found).as_py() if len(child) else 0
        assert missing == 0, (
            f"{fk.table}.{fk.column}: {missing} value(s) not in {fk.ref_table}.{fk.ref_column}"
        )


def test_inequalities_hold(generated: Generated) -> None:
    dataset = generated.dataset
    for ineq in dataset.constraints.inequalities:
        left, right = _sides(generated, ineq)
        left, right = _comparable(left), _comparable(right)
        holds = _OPS[ineq.op](left, right)
        broken = pc.sum(pc.fill_null(pc.invert(holds), False)).as_py() or 0
        assert broken == 0, f"{ineq.left} {ineq.op} {ineq.right}: {broken} row(s) break it"


def test_same_seed_same_bytes(generated: Generated) -> None:
    first = _digests(generated.first)
    second = _digests(generated.second)
    assert first == second
    assert {f"{n.id}.parquet" for n in generated.dataset.nodes} <= set(first)


def test_validator_passes(generated: Generated) -> None:
    """`datagen validate` (in-process: the report is the point): exit 0 at --min-score 95,
    and not a single failed check."""
    result = run_cli(
        "validate",
        str(generated.schema),
        "--data",
        str(generated.first),
        "--min-score",
        "95",
        "--output",
        "json",
    )
    assert result.returncode == 0, (
        f"{generated.schema.name}:\n{result.stdout[-3000:]}\n{result.stderr}"
    )
    report = json.loads(result.stdout)
    failed = [c for c in report["checks"] if not c["passed"]]
    assert not failed, f"{generated.schema.name}: {len(failed)} failed check(s): {failed[:3]}"
    assert report["score"] >= 95


# --------------------------------------------------------------------------- the DSL reference


@pytest.mark.parametrize(
    ("what", "names"),
    [
        ("generator", dsl.GENERATOR_KINDS),
        ("modifier", dsl.MODIFIER_KINDS),
        ("expression function", tuple(FUNCTIONS)),
        ("distribution", tuple(dsl.DISTRIBUTION_PARAMS)),
        ("constraint", tuple(dsl.Constraints.model_fields)),
        ("target", tuple(dsl.Targets.model_fields)),
    ],
)
def test_docs_mention_every_kind(what: str, names: tuple[str, ...]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [n for n in names if f"`{n}`" not in text and f"`{n}(" not in text]
    assert not missing, f"docs/dsl.md does not document the {what}(s): {missing}"


def _models() -> list[type[dsl.Strict]]:
    return [
        m
        for m in vars(dsl).values()
        if isinstance(m, type) and issubclass(m, dsl.Strict) and m is not dsl.Strict
    ]


def test_docs_mention_every_field() -> None:
    """Every field of every DSL model (by its JSON name) appears in docs/dsl.md."""
    text = DOCS.read_text(encoding="utf-8")
    missing = sorted(
        f"{model.__name__}.{field.alias or name}"
        for model in _models()
        for name, field in model.model_fields.items()
        if f"`{field.alias or name}`" not in text
    )
    assert not missing, f"docs/dsl.md does not document: {missing}"


def test_docs_list_every_alias() -> None:
    """The spellings table names every alias the models accept."""
    text = DOCS.read_text(encoding="utf-8")
    aliases = [*dsl.PARAM_ALIASES, *dsl.FREQ_ALIASES]
    missing = [a for a in aliases if f"`{a}`" not in text]
    assert not missing, f"docs/dsl.md does not list the accepted spelling(s): {missing}"


def test_docs_seed_spelling_example_is_what_loading_does() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("Example: the seed spelling") :]
    given, canonical = (json.loads(b) for b in re.findall(r"```json\n(.*?)```", section, re.S)[:2])
    column = {"name": "x", "type": "float", "generator": given}
    loaded = dsl.Column.model_validate(column).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    assert loaded["generator"] == canonical


def test_docs_json_examples_parse() -> None:
    """Every ```json block of the reference is valid JSON (whole schemas must also load)."""
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    assert len(blocks) > 10
    for block in blocks:
        data = json.loads(block)
        if isinstance(data, dict) and "nodes" in data:
            from datagen.engine.load import parse_dataset

            parse_dataset(data)


# --------------------------------------------------------------------------- helpers


_OPS = {"<": pc.less, "<=": pc.less_equal, ">": pc.greater, ">=": pc.greater_equal}


def _plain(values: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_dictionary(values.type):
        return values.cast(values.type.value_type)
    return values


def _comparable(values: pa.ChunkedArray) -> pa.ChunkedArray:
    values = _plain(values)
    if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
        return values.cast(pa.timestamp("us"))
    return values


def _sides(generated: Generated, ineq: dsl.Inequality) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """Both sides of an inequality aligned row by row (the parent's value through the FK)."""
    lt, lc = split_ref(ineq.left)
    rt, rc = split_ref(ineq.right)
    if lt == rt:
        table = generated.table(lt)
        return table.column(lc), table.column(rc)
    fk = fk_between(generated.dataset, lt, rt)
    child_is_left = fk is not None
    if fk is None:
        fk = fk_between(generated.dataset, rt, lt)
    assert fk is not None, f"no foreign key between {lt} and {rt}"
    child = generated.table(fk.table)
    parent = generated.table(fk.ref_table)
    index = pc.index_in(
        _plain(child.column(fk.column)),
        value_set=_plain(parent.column(fk.ref_column)).combine_chunks(),
    )
    child_col, parent_col = (lc, rc) if child_is_left else (rc, lc)
    parent_values = parent.column(parent_col).take(index)
    child_values = child.column(child_col)
    return (child_values, parent_values) if child_is_left else (parent_values, child_values)


def _digests(directory: Path) -> dict[str, str]:
    out = {}
    for path in sorted(directory.iterdir()):
        if path.name == ".metadata.json":
            meta = json.loads(path.read_text())
            meta.pop("generated_at", None)
            data = json.dumps(meta, sort_keys=True).encode()
        else:
            data = path.read_bytes()
        out[path.name] = hashlib.sha256(data).hexdigest()
    return out
