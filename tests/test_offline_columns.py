"""Column inference from names: `generator_for_column`, checked on generated data."""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from datagen.agent.offline.lexicon.columns import generator_for_column
from datagen.engine.execute import dry_run
from datagen.engine.load import parse_dataset

ROWS = 300


@pytest.fixture(autouse=True)
def _small_faker_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    from datagen.engine.generators import faker as faker_generator

    monkeypatch.setattr(faker_generator, "POOL_SIZE", 64)


def generate(table: str, columns: list[tuple[str, str | None]]) -> dict[str, Any]:
    """One entity table with the inferred columns, generated; column name -> Python values."""
    cols = [generator_for_column(table, name, dsl_type)[0] for name, dsl_type in columns]
    if not any(c["name"] == f"{table}_id" for c in cols):
        cols.insert(0, generator_for_column(table, f"{table}_id")[0])
    schema = {
        "version": "1.0",
        "metadata": {"name": "columns"},
        "timeframe": {"start": "2024-01-01", "end": "2025-01-01"},
        "nodes": [
            {"id": table, "kind": "entity", "rows": ROWS, "pk": f"{table}_id", "columns": cols}
        ],
    }
    tables = dry_run(parse_dataset(schema), seed=7, rows_per_table=ROWS)
    data: pa.Table = tables[table]
    return {name: data.column(name).to_pylist() for name in data.column_names}


def test_people_get_person_names_emails_and_phones() -> None:
    data = generate(
        "customer", [("full_name", None), ("name", None), ("email", None), ("phone", None)]
    )
    for value in data["name"]:
        assert re.fullmatch(r"[^\W\d_][\w.'-]*(?: [\w.'-]+)+", value), value
    assert all("@" in e for e in data["email"])
    assert len(set(data["email"])) == ROWS  # unique by construction
    assert all(sum(ch.isdigit() for ch in p) >= 7 for p in data["phone"])


def test_companies_get_company_names_and_places_generated_names() -> None:
    suppliers = generate("supplier", [("name", None)])
    clinics = generate("clinic", [("name", None)])
    _, why = generator_for_column("supplier", "name")
    assert "company" in why
    assert all(v.endswith(" Clinic") for v in clinics["name"]), clinics["name"][:5]
    assert not set(suppliers["name"]) & set(clinics["name"])


def test_product_names_are_generated_not_lorem() -> None:
    col, why = generator_for_column("product", "name")
    assert "choice" in col["generator"], why
    data = generate("product", [("name", None)])
    assert len(set(data["name"])) > 50
    assert all(re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][\w-]*)+", v) for v in data["name"])


def test_money_is_lognormal_in_log_space_and_rounded_to_cents() -> None:
    col, why = generator_for_column("order", "total_amount")
    params = col["generator"]["distribution"]["params"]
    assert col["generator"]["distribution"]["type"] == "lognormal"
    assert 2.0 < params["mean"] < 6.0  # ln of a median of tens, not the median itself
    data = generate("order", [("total_amount", None), ("unit_price", None), ("salary", None)])
    for name in ("total_amount", "unit_price", "salary"):
        assert all(round(v, 2) == v for v in data[name]), name
    median_salary = sorted(data["salary"])[ROWS // 2]
    assert 30_000 < median_salary < 110_000
    assert 10 < sorted(data["total_amount"])[ROWS // 2] < 200


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("order", "status", {"placed", "shipped", "delivered", "cancelled", "returned"}),
        ("appointment", "status", {"completed", "scheduled", "cancelled", "no_show"}),
        ("user", "plan", {"free", "basic", "pro", "enterprise"}),
        ("session", "device", {"mobile", "desktop", "tablet"}),
        ("customer", "country", {"US", "GB", "DE", "FR", "ES", "CA"}),
    ],
)
def test_categorical_vocabularies(table: str, column: str, expected: set[str]) -> None:
    data = generate(table, [(column, None)])
    assert set(data[column]) <= expected
    assert len(set(data[column])) >= 3  # weighted, but not a single value


def test_timestamps_fall_in_the_timeframe_and_respect_declared_types() -> None:
    data = generate("user", [("created_at", None), ("updated_at", "date"), ("birth_date", None)])
    assert all(v.year == 2024 for v in data["created_at"])
    assert all(type(v).__name__ == "date" for v in data["updated_at"])
    assert all(1950 <= v.year <= 2006 for v in data["birth_date"])


def test_declared_type_wins_over_the_guess() -> None:
    col, _ = generator_for_column("employee", "salary", "int")
    assert col["type"] == "int"
    col, _ = generator_for_column("ticket", "status", "int")
    assert col["type"] == "int"
    col, _ = generator_for_column("x", "mystery", "bool")
    assert col["type"] == "bool"
    data = generate("employee", [("salary", "int"), ("status", "int"), ("mystery", "float")])
    assert all(isinstance(v, int) for v in data["salary"] + data["status"])


def test_unknown_names_say_so_and_are_not_random_words() -> None:
    col, why = generator_for_column("gizmo", "flux_wobble")
    assert "unknown" in why and "`gizmo.flux_wobble`" in why
    assert col["generator"]["choice"]["choices"][0] == "Flux Wobble A"


def test_bad_declared_type_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown DSL type 'decimal'"):
        generator_for_column("order", "amount", "decimal")


def test_flags_and_counts() -> None:
    data = generate("listing", [("is_featured", None), ("bedrooms", None), ("quantity", None)])
    share = sum(data["is_featured"]) / ROWS
    assert 0.02 < share < 0.25
    assert min(data["quantity"]) >= 1
    assert pc.max(pa.array(data["bedrooms"])).as_py() < 20


def test_template_money_is_rounded_to_cents() -> None:
    import json

    from datagen.agent.offline import author

    for text in ("an online shop with customers, products and orders", "HR data with employees"):
        for node in author(text)["nodes"]:
            for col in node["columns"]:
                words = set(col["name"].split("_"))
                if col["type"] == "float" and words & {"price", "amount", "salary", "total"}:
                    if "distribution" in col["generator"]:
                        assert "round(value, 2)" in json.dumps(col.get("modifiers")), col


def test_an_unknown_staff_noun_gets_person_columns() -> None:
    from datagen.agent.offline import author

    schema = author(
        "A delivery company with 80 drivers and 5 dispatchers handling 20,000 deliveries"
    )
    dispatcher = next(n for n in schema["nodes"] if n["id"] == "dispatcher")
    assert dispatcher["rows"] == 5
    names = {c["name"] for c in dispatcher["columns"]}
    assert "full_name" in names and "category" not in names
