"""Schemas that once crashed a writer, wrapped silently or gave wrong data with exit 0: each is now
a preflight problem with its JSON path (exit 2), before anything is written."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.hostile_helpers import HOSTILE, run

SCHEMAS = HOSTILE / "schemas"

# file -> (path of the problem, words of the message)
REFUSED = {
    "case_names": ("nodes[0].columns[3].name", "only by case"),
    "case_tables": ("nodes[2].id", "only by case"),
    "nul_enum": ("generator.choice.choices[0]", "NUL character"),
    "range_unmet": ("constraints.ranges[0]", "past the declared range [200, 300]"),
    "clamp_vs_range": ("constraints.ranges[0]", "generated in [-100, 500]"),
    "string_range": ("constraints.ranges[0].min", "`abc` is not a number"),
    "enum_unmet": ("constraints.enum[0].values", "'US', 'DE'"),
    "seq_overflow": ("nodes[0].columns[0].generator.sequence", "64-bit integer range"),
    "seq_overflow_step": ("nodes[0].columns[0].generator.sequence", "64-bit integer range"),
    "fanout_overflow": ("nodes[1].fanout.lambda", "at most 1,000,000"),
    "self_parent": ("nodes[1].parents", "its own parent"),
    "unique_selfref2": ("nodes[0].columns[3].unique", "cannot be unique"),
    "attr_selfref": ("nodes[0].columns[4].generator.lookup.on", "same table"),
    "zipf_zero": ("generator.choice.weights_kind", "0 < A <= 50"),
    "zipf_big": ("generator.choice.weights_kind", "0 < A <= 50"),
    "head_tail_bad": ("generator.choice.weights_kind", "0 < H < 1"),
    "lookup_zipf_bad": ("generator.lookup.weights_kind", "not a weights kind"),
    "hour_pattern": ("generator.datetime_series.pattern", "87,640,656 calendar cells"),
    "type_empty_list": ("nodes[0].columns[1].type", "is not allowed"),
    "map_values_null": ("modifiers[0].args.mapping.US", "valid"),
    "two_bad_modifiers": ("nodes[1].columns[2].modifiers[1]", "unknown transform `nada`"),
    "modifier_type": ("modifiers[0].transform", "needs a numeric column"),
    "faker_binary": ("generator.faker.method", "`binary` is not allowed"),
    "faker_clock": ("generator.faker.method", "datetime_series"),
    "faker_enum": ("generator.faker.method", "`enum` is not allowed"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_schema_is_a_problem_with_its_path(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("generate", SCHEMAS / f"{name}.json", "--out", out, "-q", "--format",
                 "parquet,sqlite,duckdb", expect=2)  # fmt: skip
    path, words = REFUSED[name]
    assert path in result.output, result.output
    assert words in result.output, result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_every_hostile_schema_file_has_a_test() -> None:
    assert {p.stem for p in SCHEMAS.glob("*.json")} == set(REFUSED) | {"derived_ineq"}


def test_an_inequality_with_a_column_derived_from_it_is_no_cycle(tmp_path: Path) -> None:
    """`end_date = add_days(start_date, term)` with `start_date < end_date`."""
    out = tmp_path / "out"
    run("generate", SCHEMAS / "derived_ineq.json", "--out", out, "-q", expect=0)
    order = pq.read_table(out / "order.parquet")
    assert order.num_rows > 0
    assert pc.all(pc.less(order["start_date"], order["end_date"])).as_py()


def test_a_row_override_that_overflows_a_sequence_stops_with_a_message(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    text = (HOSTILE / "tiny.json").read_text()
    schema.write_text(
        text.replace('"start": 1, "step": 1', '"start": 1, "step": 100000000000000000')
    )
    result = run("generate", schema, "--out", tmp_path / "o", "-q", "--rows", "customer=500",
                 expect=2)  # fmt: skip
    assert "customer.customer_id" in result.output and "64-bit" in result.output
    assert not (tmp_path / "o").exists()


EXPRESSIONS = HOSTILE / "expressions"


TYPE_ERRORS = sorted(p.stem for p in EXPRESSIONS.glob("*.json") if p.stem != "negative_power")


@pytest.mark.parametrize("name", TYPE_ERRORS)
def test_an_expression_type_error_is_a_problem_with_its_path(name: str, tmp_path: Path) -> None:
    """Expression type errors once found only at run time (issue 21): the type checker
    (engine/typecheck.py) reports them at preflight with the column's path."""
    result = run("generate", EXPRESSIONS / f"{name}.json", "--out", tmp_path / "o", "-q")
    assert result.exit_code == 2, result.output
    assert "nodes[1].columns[" in result.output


def test_a_negative_integer_power_is_a_float_not_a_crash(tmp_path: Path) -> None:
    """`2 ** -1` raised inside numpy (integers to negative powers): it is now 0.5."""
    result = run("generate", EXPRESSIONS / "negative_power.json", "--out", tmp_path / "o", "-q")
    assert result.exit_code == 0, result.output
