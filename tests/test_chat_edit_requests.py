"""A chat edit the offline grammar reads whole is an instruction, not a description: its
words never become unread claims that pull the score down and send the loop repairing
(round 3: 'change the date range to 2023' scored 84 and lost two columns), and a date
range moves the range constraints stated on the old timeframe with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from datagen.agent.commands.chat import chat_cmd
from datagen.agent.edits import apply_edit

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop.json"


def test_a_date_range_edit_moves_the_range_constraints_on_the_old_window() -> None:
    schema = json.loads(SHOP.read_text())
    edited = apply_edit(schema, "change the date range to 2023").schema
    ranges = {r["column"]: r for r in edited["constraints"]["ranges"]}
    assert (ranges["order.ordered_at"]["min"], ranges["order.ordered_at"]["max"]) == (
        "2023-01-01",
        "2024-01-01",
    )


def test_a_grammar_edit_is_accepted_at_once_with_no_unread_claim(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        chat_cmd,
        ["--provider", "offline", "--schema", str(SHOP), "--out", str(tmp_path / "o")],
        input="change the date range to 2023\n",
    )
    assert "draft 1: ok (dry-run score 100.0)" in result.output, result.output
    assert "(unread)" not in result.output
    assert "- column" not in result.output


def _chat(tmp_path: Path, schema: Path, line: str) -> tuple[int, str, dict]:
    """One edit typed into `datagen chat` (offline), then /save: the exit code, the output
    and the saved schema."""
    out = tmp_path / "o"
    result = CliRunner().invoke(
        chat_cmd,
        ["--provider", "offline", "--schema", str(schema), "--out", str(out)],
        input=f"{line}\n/save\n/quit\n",
    )
    saved = out / "schema.json"
    return result.exit_code, result.output, json.loads(saved.read_text())


def _ids(schema: dict) -> list[str]:
    return [n["id"] for n in schema["nodes"]]


def _node(schema: dict, table: str) -> dict:
    return next(n for n in schema["nodes"] if n["id"] == table)


def _columns(schema: dict, table: str) -> list[str]:
    return [c["name"] for c in _node(schema, table)["columns"]]


@pytest.mark.parametrize(
    "line",
    ["remove the payment table", "drop payment", "get rid of the payment table"],
)
def test_chat_removes_a_table(tmp_path: Path, line: str) -> None:
    code, output, schema = _chat(tmp_path, SHOP, line)
    assert code == 0, output
    assert "payment" not in _ids(schema) and "order" in _ids(schema)


@pytest.mark.parametrize(
    "line",
    [
        "remove the email column from customer",
        "drop column customer.email",
        "get rid of customer.email",
        "delete the email column",
    ],
)
def test_chat_removes_a_column(tmp_path: Path, line: str) -> None:
    code, output, schema = _chat(tmp_path, SHOP, line)
    assert code == 0, output
    assert "email" not in _columns(schema, "customer") and "city" in _columns(schema, "customer")


@pytest.mark.parametrize(("line", "factor"), [("more rows please", 2.0), ("fewer rows", 0.5)])
def test_chat_more_or_fewer_rows(tmp_path: Path, line: str, factor: float) -> None:
    before = json.loads(SHOP.read_text())
    code, output, schema = _chat(tmp_path, SHOP, line)
    assert code == 0, output
    rows = _node(before, "customer")["rows"]
    assert _node(schema, "customer")["rows"] == int(rows * factor)


def test_chat_i_need_n_members(tmp_path: Path) -> None:
    from datagen.agent.offline import author

    gym = tmp_path / "gym.json"
    gym.write_text(json.dumps(author("a gym with 2,000 members and their class bookings")))
    code, output, schema = _chat(tmp_path, gym, "I need 50,000 members")
    assert code == 0, output
    assert _node(schema, "member")["rows"] == 50_000


def test_chat_changes_the_date_range(tmp_path: Path) -> None:
    code, output, schema = _chat(tmp_path, SHOP, "change the date range to 2023")
    assert code == 0, output
    assert (schema["timeframe"]["start"], schema["timeframe"]["end"]) == (
        "2023-01-01",
        "2024-01-01",
    )


def test_chat_makes_a_table_a_child_of_another(tmp_path: Path) -> None:
    # the columns that followed the order go with it: the chat asks first, 'y' applies it
    code, output, schema = _chat(tmp_path, SHOP, "make payment a child of customer\ny")
    assert code == 0, output
    assert "apply it with those removals?" in output
    assert _node(schema, "payment")["parents"][0] == "customer"
    assert "order_id" not in _columns(schema, "payment")


def test_chat_adds_a_status_with_a_share(tmp_path: Path) -> None:
    code, output, schema = _chat(tmp_path, SHOP, "add a status to orders with 10% cancelled")
    assert code == 0, output
    status = next(c for c in _node(schema, "order")["columns"] if c["name"] == "status")
    choice = status["generator"]["choice"]
    weights = dict(zip(choice["choices"], choice["weights"], strict=True))
    assert weights["cancelled"] == pytest.approx(0.1)


def test_chat_suggests_the_closest_phrasing_with_names_that_exist(tmp_path: Path) -> None:
    code, output, schema = _chat(tmp_path, SHOP, "customers per order should be bigger")
    assert code == 1, output  # refused: the script failed, the schema is unchanged
    assert "closest supported phrasing" in output
    before = json.loads(SHOP.read_text())
    for node in before["nodes"]:  # saved with the DSL's defaults filled in, else the same
        assert _columns(schema, node["id"]) == _columns(before, node["id"])
        assert _node(schema, node["id"]).get("rows") == node.get("rows")
    assert _ids(schema) == _ids(before) and schema["timeframe"] == before["timeframe"]
