"""`datagen create --from FILE.sql`: the imported schema is the author's starting point."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from datagen.agent.cli import main
from datagen.agent.importer import import_schema
from datagen.agent.importer.keep import structure_problems
from datagen.engine.load import parse_dataset
from tests.agent_fixtures import (
    MESSAGES_URL,
    last_tool_result,
    ok,
    request_bodies,
    schema_message,
    small_schema,
)

DDL = Path(__file__).parent / "data" / "ddl"
SHOP = DDL / "shop_duckdb.sql"

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


def shape(schema: dict) -> dict[str, object]:
    return {
        n["id"]: (
            n.get("pk"),
            n.get("pk_columns"),
            [
                (c["name"], c["type"], c.get("format"), c["generator"].get("lookup"))
                for c in n["columns"]
            ],
        )
        for n in schema["nodes"]
    }


def test_offline_author_refines_the_imported_schema_and_keeps_its_structure(
    tmp_path: Path,
) -> None:
    out = tmp_path / "shop"
    result = CliRunner().invoke(
        main,
        ["create", "--from", str(SHOP), "--dialect", "duckdb", "--provider", "offline"]
        + ["--no-input", "--out", str(out), "-d", "120 customers, orders during 2023"],
    )
    assert result.exit_code == 0, result.output
    schema = json.loads((out / "schema.json").read_text())
    imported = import_schema(SHOP, dialect="duckdb").dataset.to_json_dict()
    assert shape(schema) == shape(imported)
    customers = next(n for n in schema["nodes"] if n["id"] == "customers")
    assert customers["rows"] == 120  # refined from the words
    assert {c["column"] for c in schema["constraints"]["enum"]} == {
        "customers.tier",
        "orders.status",
        "returns.reason",
    }
    assert (out / "data" / "order_items.parquet").is_file()


def test_llm_sees_the_imported_schema_and_is_told_what_it_dropped(
    httpx2_mock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    imported = import_schema(SHOP, dialect="duckdb").dataset.to_json_dict()
    refined = copy.deepcopy(imported)
    refined["nodes"][0]["rows"] = 75
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(schema_message(small_schema())),  # an unrelated schema: every table dropped
            ok(schema_message(refined, call_id="toolu_02")),
        ]
    )
    out = tmp_path / "shop"
    result = CliRunner().invoke(
        main,
        ["create", "--from", str(SHOP), "--dialect", "duckdb", "--provider", "anthropic"]
        + ["--no-input", "--no-generate", "--out", str(out), "-d", "a busy shop"],
    )
    assert result.exit_code == 0, result.output
    first, second = request_bodies(route)
    opening = json.dumps(first["messages"][0])
    # the imported schema as JSON (its composite key and reference), never the DDL text
    assert '\\"pk_columns\\": [\\"order_id\\", \\"line_no\\"]' in opening
    assert '\\"on\\": \\"order_id\\"' in opening and "CREATE TABLE" not in opening
    assert "a busy shop" in opening
    repair = json.dumps(last_tool_result(second))
    assert "table `order_items` was dropped" in repair
    schema = json.loads((out / "schema.json").read_text())
    assert shape(schema) == shape(imported)
    assert schema["nodes"][0]["rows"] == 75


def test_structure_problems_name_each_change() -> None:
    # order_items of exactly 400 rows: its key's formula counts on the rows of `orders`
    start = import_schema(SHOP, dialect="duckdb", rows={"order_items": 400}).dataset
    changed = start.to_json_dict()
    customers = changed["nodes"][0]
    customers["columns"] = [c for c in customers["columns"] if c["name"] != "tier"]
    changed["constraints"]["enum"] = changed["constraints"]["enum"][1:]  # tier's
    full_name = next(c for c in customers["columns"] if c["name"] == "full_name")
    full_name.update(type="int", generator={"sequence": {}})
    next(n for n in changed["nodes"] if n["id"] == "orders")["rows"] = 10
    items = next(n for n in changed["nodes"] if n["id"] == "order_items")
    assert items["columns"][0]["hidden"]  # the helper that makes the key unique
    items["columns"][0]["generator"] = {"sequence": {"start": 5}}
    items["columns"][1]["generator"] = {"sequence": {}}
    returns = next(n for n in changed["nodes"] if n["id"] == "returns")
    returns.pop("pk")
    problems = {p.message for p in structure_problems(start, parse_dataset(changed))}
    assert "column `customers.tier` was dropped" in problems
    assert "type of `full_name` changed" in problems
    assert "`order_items.key_index` is a key or reference: its generator stays" in problems
    assert "`order_items.order_id` is a key or reference: its generator stays" in problems
    assert "key of `returns` changed" in problems
    assert any("`orders` keeps" in p for p in problems)  # the formula counts on its rows
    assert structure_problems(start, start) == []
    # a changed composite key is named too
    items["pk"], returns["pk"] = ["order_id", "sku"], "id"
    items.pop("pk_columns", None)
    problems = {p.message for p in structure_problems(start, parse_dataset(changed))}
    assert "key of `order_items` changed" in problems and "key of `returns` changed" not in problems
