"""`datagen chat`: the offline edit grammar, sessions driven through the non-TTY input
(offline author and the scripted fake), and one run in a real pseudo-terminal."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from rich.console import Console

from datagen.agent.commands.chat import chat_cmd
from datagen.agent.edits import EXAMPLES, EditNotUnderstood, apply_edit, parse_count
from datagen.agent.loop import DraftChecker, LoopSettings
from datagen.agent.offline import author as offline_author
from datagen.agent.providers import get_provider
from datagen.agent.providers.base import Question
from datagen.agent.repl import (
    ChatSession,
    default_history_path,
    run_plain,
    schema_diff,
    transcript_path,
)

SHOP = "an online shop with 2k customers, products, orders with their items, and payments"


@pytest.fixture(scope="module")
def shop() -> dict[str, Any]:
    return offline_author(SHOP)


def _node(schema: dict[str, Any], table: str) -> dict[str, Any]:
    return next(n for n in schema["nodes"] if n["id"] == table)


def _columns(schema: dict[str, Any], table: str) -> list[str]:
    return [c["name"] for c in _node(schema, table)["columns"]]


# --------------------------------------------------------------------------- grammar


def test_row_counts_and_fanout(shop: dict[str, Any]) -> None:
    assert _node(apply_edit(shop, "customers: 50k").schema, "customer")["rows"] == 50_000
    assert _node(apply_edit(shop, "make it 3k customers").schema, "customer")["rows"] == 3_000
    assert _node(apply_edit(shop, "double products").schema, "product")["rows"] == 1_000
    assert _node(apply_edit(shop, "10x more orders").schema, "order")["fanout"]["lambda"] == 50
    assert (
        _node(apply_edit(shop, "orders per customer: 4").schema, "order")["fanout"]["lambda"] == 4
    )
    # a fact's row count becomes the fanout that yields it: 10k orders / 2k customers
    assert _node(apply_edit(shop, "orders: 10k").schema, "order")["fanout"]["lambda"] == 5


def test_fact_row_count_sets_the_mean_fanout(shop: dict[str, Any]) -> None:
    edited = apply_edit(shop, "orders: 20k").schema
    assert _node(edited, "order")["fanout"]["lambda"] == 10


def test_tables_and_columns(shop: dict[str, Any]) -> None:
    added = apply_edit(shop, "add table supplier").schema
    assert _node(added, "supplier")["kind"] == "entity"
    assert "loyalty_tier" in _columns(
        apply_edit(shop, "add column loyalty_tier to customers").schema, "customer"
    )
    assert "payment" not in [
        n["id"] for n in apply_edit(shop, "remove table payment").schema["nodes"]
    ]
    assert "city" not in _columns(
        apply_edit(shop, "remove column customer.city").schema, "customer"
    )
    assert "email" not in _columns(apply_edit(shop, "drop email").schema, "customer")
    renamed = apply_edit(shop, "rename order to purchase").schema
    assert "purchase" in [n["id"] for n in renamed["nodes"]]
    assert "purchase_id" in _columns(renamed, "order_item")
    col = apply_edit(shop, "rename customer.segment to tier").schema
    assert "tier" in _columns(col, "customer") and "segment" not in _columns(col, "customer")


def test_pattern_updates_the_weekend_target(shop: dict[str, Any]) -> None:
    edited = apply_edit(shop, "weekend peak on orders").schema
    ordered_at = next(c for c in _node(edited, "order")["columns"] if c["name"] == "ordered_at")
    dims = [p["dimension"] for p in ordered_at["generator"]["datetime_series"]["pattern"]]
    assert "dow" in dims
    before = shop["targets"]["weekend_share"][0]
    after = edited["targets"]["weekend_share"][0]
    assert after["min"] > before["min"]  # more weekend rows now expected


def test_unqualified_pattern_and_column_rename(shop: dict[str, Any]) -> None:
    assert "`order.ordered_at`" in apply_edit(shop, "add weekend spikes").summary
    renamed = apply_edit(shop, "rename city to town").schema  # the only `city` column
    assert "town" in _columns(renamed, "customer")


@pytest.mark.parametrize("request_text", EXAMPLES)
def test_every_documented_example_passes_the_checks(
    shop: dict[str, Any], request_text: str
) -> None:
    edit = apply_edit(shop, request_text)
    assert edit.schema != shop and edit.summary
    assert f"chat edit: {edit.summary}" in edit.schema["metadata"]["assumptions"]
    result = DraftChecker(LoopSettings()).check(edit.schema)
    assert result.ok, [p.render() for p in result.problems]


def test_not_understood_names_the_closest_phrasing(shop: dict[str, Any]) -> None:
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(shop, "make the customer table bigger please")
    assert info.value.closest in EXAMPLES and not info.value.phrasing_ok
    with pytest.raises(EditNotUnderstood, match="did you mean `customer`"):
        apply_edit(shop, "add column tier to custmer")
    with pytest.raises(EditNotUnderstood, match="primary key") as info:
        apply_edit(shop, "remove column customer.customer_id")
    assert info.value.phrasing_ok  # understood; the target is what is wrong


@pytest.mark.parametrize(
    "request_text",
    [
        "remove the payment table",
        "drop payment",
        "get rid of the payment table",
        "please delete table payments",
    ],
)
def test_remove_phrasings(shop: dict[str, Any], request_text: str) -> None:
    ids = [n["id"] for n in apply_edit(shop, request_text).schema["nodes"]]
    assert "payment" not in ids and "customer" in ids


def test_remove_a_table_that_is_not_there_names_the_tables(shop: dict[str, Any]) -> None:
    with pytest.raises(EditNotUnderstood, match="no table `hotel`; tables: customer") as info:
        apply_edit(shop, "remove the hotel table")
    assert info.value.phrasing_ok


def test_more_and_fewer_rows(shop: dict[str, Any]) -> None:
    more = apply_edit(shop, "more rows please").schema
    fewer = apply_edit(shop, "fewer rows").schema
    assert _node(more, "customer")["rows"] == 2 * _node(shop, "customer")["rows"]
    assert _node(fewer, "customer")["rows"] == _node(shop, "customer")["rows"] // 2
    small = [n for n in shop["nodes"] if n["kind"] == "entity" and n.get("rows", 1000) < 50]
    for node in small:  # lookups keep their size
        assert _node(more, node["id"])["rows"] == node["rows"]


@pytest.mark.parametrize(
    "request_text", ["I need 50,000 customers", "we want 50k customers", "give me 50000 customers"]
)
def test_i_need_n_rows(shop: dict[str, Any], request_text: str) -> None:
    assert _node(apply_edit(shop, request_text).schema, "customer")["rows"] == 50_000


@pytest.mark.parametrize(
    ("request_text", "start", "end"),
    [
        ("change the date range to 2023", "2023-01-01", "2024-01-01"),
        ("move it to Q3 2024", "2024-07-01", "2024-10-01"),
        ("set the time window to March 2024", "2024-03-01", "2024-04-01"),
    ],
)
def test_change_the_date_range(
    shop: dict[str, Any], request_text: str, start: str, end: str
) -> None:
    edited = apply_edit(shop, request_text).schema
    assert (edited["timeframe"]["start"], edited["timeframe"]["end"]) == (start, end)
    for node in edited["nodes"]:  # entity histories move along and still end before it
        for col in node["columns"]:
            within = col["generator"].get("datetime_series", {}).get("within")
            if isinstance(within, dict) and "birth" not in col["name"]:
                assert within["end"] <= start
    assert DraftChecker(LoopSettings()).check(edited).ok


def test_make_a_child_of(shop: dict[str, Any]) -> None:
    edited = apply_edit(shop, "make payment a child of customer").schema
    payment = _node(edited, "payment")
    assert payment["parents"][0] == "customer"
    assert "customer_id" in _columns(edited, "payment")
    assert DraftChecker(LoopSettings()).check(edited).ok
    with pytest.raises(EditNotUnderstood, match="cycle"):
        apply_edit(shop, "make customer a child of order")


def test_add_a_status_with_a_share(shop: dict[str, Any]) -> None:
    edited = apply_edit(shop, "add a status to orders with 10% cancelled").schema
    choice = next(c for c in _node(edited, "order")["columns"] if c["name"] == "status")
    choice = choice["generator"]["choice"]
    weights = dict(zip(choice["choices"], choice["weights"], strict=True))
    assert weights["cancelled"] == pytest.approx(0.1)
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-4)
    added = apply_edit(shop, "add a delivery_status to orders with 5% lost").schema
    col = next(c for c in _node(added, "order")["columns"] if c["name"] == "delivery_status")
    assert "lost" in col["generator"]["choice"]["choices"]


def test_new_columns_come_from_the_lexicon(shop: dict[str, Any]) -> None:
    plan = apply_edit(shop, "add a plan column to customer").schema
    col = next(c for c in _node(plan, "customer")["columns"] if c["name"] == "plan")
    assert set(col["generator"]["choice"]["choices"]) == {"free", "basic", "pro", "enterprise"}
    fee = apply_edit(shop, "add column shipping_fee to orders").schema
    col = next(c for c in _node(fee, "order")["columns"] if c["name"] == "shipping_fee")
    assert col["generator"]["distribution"]["type"] == "lognormal"
    assert {"transform": "expression", "args": {"expr": "round(value, 2)"}} in col["modifiers"]


def test_a_request_outside_the_grammar_suggests_names_that_exist() -> None:
    vet = offline_author("a veterinary clinic: pets, their owners and visits")
    with pytest.raises(EditNotUnderstood) as info:
        apply_edit(vet, "customers per order should be bigger")
    message = str(info.value)
    assert "for this schema" in message and not info.value.phrasing_ok
    own = message.split("for this schema")[1]
    assert "customer" not in own and any(f"{n['id']}" in own for n in vet["nodes"])


def test_edits_do_not_touch_their_input(shop: dict[str, Any]) -> None:
    before = copy.deepcopy(shop)
    apply_edit(shop, "rename order to purchase")
    apply_edit(shop, "weekend peak on orders")
    assert shop == before


def test_parse_count() -> None:
    assert parse_count("50k") == 50_000
    assert parse_count("1.5m") == 1_500_000
    assert parse_count("2,000") == 2_000
    with pytest.raises(EditNotUnderstood):
        parse_count("lots")


def test_schema_diff(shop: dict[str, Any]) -> None:
    edited = apply_edit(apply_edit(shop, "customers: 500").schema, "remove table payment").schema
    lines = schema_diff(shop, edited)
    assert "~ customer rows: 2,000 rows -> 500 rows" in lines
    assert "- table payment" in lines
    assert schema_diff(shop, shop) == ["(no change to tables, columns or row counts)"]


def test_history_path(tmp_path: Path) -> None:
    assert default_history_path({"XDG_DATA_HOME": str(tmp_path)}) == (
        tmp_path / "datagen" / "chat_history"
    )
    assert default_history_path({"DATAGEN_CHAT_HISTORY": "/x/h"}) == Path("/x/h")


# --------------------------------------------------------------------------- offline sessions


def test_offline_session_creates_edits_undoes_saves_and_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    script = "\n".join(
        [
            SHOP,
            "customers: 300",
            "10x more orders",
            "/undo",
            "weekend peak on orders",
            "add column loyalty_tier to customer",
            "make it look nicer",  # outside the grammar: refused, schema unchanged
            "remove table suppliers",  # understood, but there is no such table
            "/show customer",
            "/sample order 3",
            "/history",
            "/save",
            "/generate",
            "/quit",
        ]
    )
    result = CliRunner().invoke(chat_cmd, ["--out", "shop"], input=script + "\n")
    assert result.exit_code == 1, result.output  # two edits were refused: the script failed
    out = result.output
    assert "2 edit(s) or command(s) failed" in out
    assert "~ customer rows: 2,000 rows -> 300 rows" in out
    assert "dry-run score 100.0/100" in out
    assert "undid: 10x more orders" in out
    assert out.count("needs an LLM provider") == 1 and "closest supported phrasing" in out
    assert "no table `suppliers`" in out
    assert "loyalty_tier" in out  # /show customer
    assert "order (" in out  # /sample's table title

    schema = json.loads((tmp_path / "shop" / "schema.json").read_text())
    assert _node(schema, "customer")["rows"] == 300
    assert _node(schema, "order")["fanout"]["lambda"] == 5  # the 10x was undone
    assert "loyalty_tier" in _columns(schema, "customer")
    ordered_at = next(c for c in _node(schema, "order")["columns"] if c["name"] == "ordered_at")
    assert any(
        p["dimension"] == "dow" for p in ordered_at["generator"]["datetime_series"]["pattern"]
    )

    data = tmp_path / "shop" / "data"
    assert pq.read_metadata(data / "customer.parquet").num_rows == 300
    assert "loyalty_tier" in pq.read_schema(data / "customer.parquet").names
    assert pq.read_metadata(data / "order.parquet").num_rows > 0
    assert "quality score" in out

    records = [
        json.loads(line)
        for line in transcript_path(tmp_path / "shop" / "schema.json").read_text().splitlines()
    ]
    kinds = [r["type"] for r in records]
    assert kinds[0] == "start" and kinds[-1] == "end"
    assert kinds.count("accepted") == 5 and kinds.count("undo") == 1
    assert kinds.count("rejected") == 2 and "generated" in kinds


def test_session_from_a_schema_file_and_unsaved_warning(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(shop))
    result = CliRunner().invoke(
        chat_cmd, ["--schema", str(path)], input="remove table payment\n/redo\n/undo\n/redo\n"
    )
    assert result.exit_code == 0, result.output
    assert "- table payment" in result.output and "nothing to redo" in result.output
    assert "unsaved changes discarded" in result.output
    assert json.loads(path.read_text()) == shop  # never saved: the file is as it was


def test_commands_before_a_schema_and_unknown_commands(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        chat_cmd, ["--out", str(tmp_path / "o")], input="/show\n/shwo\n/help\n"
    )
    assert "no schema yet" in result.output
    assert "did you mean /show?" in result.output
    assert "/sample TABLE [N]" in result.output


# --------------------------------------------------------------------------- scripted provider


def _session(script: list[Any], tmp_path: Path) -> tuple[ChatSession, io.StringIO]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, highlight=False)
    provider = get_provider("scripted", script=script)
    session = ChatSession(provider, console, LoopSettings(), out=tmp_path / "out")
    session.start()
    return session, buffer


def test_scripted_session_edits_with_the_current_schema_in_context(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    bigger = copy.deepcopy(shop)
    _node(bigger, "customer")["rows"] = 400
    broken = copy.deepcopy(bigger)
    _node(broken, "order")["parents"] = ["nowhere"]
    script: list[Any] = [
        Question("Which country?", "US"),  # a clarification: no terminal, the default
        shop,
        broken,  # the edit's first draft fails the checks ...
        bigger,  # ... and its repair is accepted
    ]
    session, buffer = _session(script, tmp_path)
    lines = f"{SHOP}\nmake it 400 customers\n/undo\n/redo\n/save\n/generate\n"
    run_plain(session, io.StringIO(lines))
    out = buffer.getvalue()

    provider = session.provider
    seen = provider.seen  # type: ignore[attr-defined]
    assert seen[0].current_schema is None
    edit_turns = [c for c in seen if c.description == "make it 400 customers"]
    assert len(edit_turns) == 2  # draft + one repair
    # the accepted schema (canonical, its assumption recorded) is what the edit sees
    assert edit_turns[0].current_schema == session.versions[0].schema
    assert _node(edit_turns[0].current_schema, "customer")["rows"] == 2000
    assert edit_turns[1].exchanges[-1].feedback.is_error

    assert "~ customer rows: 2,000 rows -> 400 rows" in out
    assert "redid: make it 400 customers" in out
    saved = json.loads((tmp_path / "out" / "schema.json").read_text())
    assert _node(saved, "customer")["rows"] == 400
    first = session.versions[0].schema["metadata"]["assumptions"]
    assert any("Which country? Assumed: US" in a for a in first)  # no terminal: the default
    assert pq.read_metadata(tmp_path / "out" / "data" / "customer.parquet").num_rows == 400


def test_scripted_edit_that_never_passes_leaves_the_schema(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    broken = copy.deepcopy(shop)
    _node(broken, "order")["parents"] = ["nowhere"]
    session, buffer = _session([shop] + [broken] * 4, tmp_path)
    run_plain(session, io.StringIO(f"{SHOP}\nbreak it\n/history\n"))
    assert "not applied: no valid schema after 4 draft(s)" in buffer.getvalue()
    assert session.schema == DraftChecker(LoopSettings()).check(shop).dataset.to_json_dict()  # type: ignore[union-attr]
    assert len(session.versions) == 1


# --------------------------------------------------------------------------- processes


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm",
        "ANTHROPIC_API_KEY": "",
    }


def test_piped_stdin_subprocess(tmp_path: Path) -> None:
    lines = f"{SHOP}\ncustomers: 250\n/save\n/quit\n"
    proc = subprocess.run(
        [sys.executable, "-m", "datagen.agent.commands.chat", "--out", str(tmp_path / "s")],
        input=lines,
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "customer rows: 2,000 rows -> 250 rows" in proc.stdout
    assert (
        _node(json.loads((tmp_path / "s" / "schema.json").read_text()), "customer")["rows"] == 250
    )


def test_terminal_session_in_a_pseudo_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    history = tmp_path / "history"
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "datagen.agent.commands.chat",
            "--out",
            str(tmp_path / "t"),
            "--history-file",
            str(history),
            "--provider",
            "offline",
        ],
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=30,
        env=_env(tmp_path),
    )
    try:
        child.expect("describe your dataset")
        child.expect("datagen>")
        child.sendline(SHOP)
        child.expect(r"dry-run score 100\.0/100")
        child.expect("datagen>")
        child.sendline("/show")
        child.expect("order_item")
        child.expect("datagen>")
        child.sendintr()  # Ctrl-C at the prompt: the session stays
        child.expect("datagen>")
        child.sendline("/generate --scale 200")  # seconds of work ...
        child.expect("generating into")
        child.sendintr()  # ... Ctrl-C cancels it and the session goes on
        child.expect("cancelled")
        child.expect("datagen>")
        child.sendline("customers: 600")
        child.expect("600 rows")
        child.expect("datagen>")
        child.sendeof()  # Ctrl-D: leave, but there are unsaved changes
        child.expect("unsaved changes")
        child.expect(r"\[y/n/c\]")
        child.sendline("y")
        child.expect("saved")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    saved = json.loads((tmp_path / "t" / "schema.json").read_text())
    assert _node(saved, "customer")["rows"] == 600
    assert SHOP in history.read_text() and "/show" in history.read_text()


def test_registered_in_the_cli() -> None:
    from datagen.agent.cli import main

    assert "chat" in main.list_commands(click.Context(main))
    result = CliRunner().invoke(main, ["chat", "--help"])
    assert result.exit_code == 0 and "/help" in result.output


# --------------------------------------------------------------------------- the LLM provider


@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
def test_anthropic_edit_sends_the_current_schema(httpx2_mock: Any, tmp_path: Path) -> None:
    """Over mocked HTTP: the edit request quotes the schema being edited."""
    from datagen.agent.providers.anthropic import AnthropicProvider
    from tests.agent_fixtures import MESSAGES_URL, ok, request_bodies, schema_message, small_schema

    edited = small_schema()
    _node(edited, "customer")["rows"] = 80
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(schema_message(small_schema())), ok(schema_message(edited, "toolu_02"))]
    )
    buffer = io.StringIO()
    session = ChatSession(
        AnthropicProvider(api_key="sk-test", model="claude-sonnet-4-5"),
        Console(file=buffer, width=120),
        out=tmp_path,
    )
    session.start()
    run_plain(session, io.StringIO("shops and orders\ntwice the customers\n/save\n"))

    first, second = request_bodies(route)
    assert "The current schema" not in json.dumps(first["messages"])
    prompt = second["messages"][0]["content"]
    assert "The current schema" in prompt and "twice the customers" in prompt
    assert '"rows": 40' in prompt  # the schema before the edit
    assert "~ customer rows: 40 rows -> 80 rows" in buffer.getvalue()
    assert _node(json.loads((tmp_path / "schema.json").read_text()), "customer")["rows"] == 80
