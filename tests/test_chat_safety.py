"""`datagen chat` does what it says: a cascading delete is confirmed first and names what
goes with it, /save never replaces a file it did not write without a yes, the session says
when the schema and the generated data diverge, diffs name the fields that changed, and a
script whose edits fail exits 1. Piped sessions through CliRunner, one real terminal
session through pexpect."""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from datagen.agent.chat_diff import schema_diff, unrequested_removals
from datagen.agent.commands.chat import chat_cmd
from datagen.agent.edits import apply_edit
from datagen.agent.offline import author as offline_author

SHOP = "an online shop with 300 customers, products, orders with their items, and payments"


@pytest.fixture(scope="module")
def shop() -> dict[str, Any]:
    return offline_author(SHOP)


def _ids(schema: dict[str, Any]) -> list[str]:
    return [n["id"] for n in schema["nodes"]]


def _chat(args: list[str], lines: list[str]) -> Any:
    return CliRunner().invoke(chat_cmd, [*args, "--provider", "offline"], input="\n".join(lines))


def _schema_file(tmp_path: Path, shop: dict[str, Any]) -> Path:
    path = tmp_path / "shop" / "schema.json"
    path.parent.mkdir()
    path.write_text(json.dumps(shop, indent=1))
    return path


# --------------------------------------------------------------------------- cascades


def test_removals_the_request_did_not_name(shop: dict[str, Any]) -> None:
    gone = apply_edit(shop, "remove table customer").schema
    extra = unrequested_removals(shop, gone, "remove table customer")
    assert "table order" in extra and "table payment" in extra
    assert "table customer" not in extra
    # naming a table removes nothing else: no question
    alone = apply_edit(shop, "remove table payment").schema
    assert unrequested_removals(shop, alone, "remove table payment") == []


def test_a_cascading_delete_without_an_answer_is_not_applied(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    path = _schema_file(tmp_path, shop)
    result = _chat(
        ["--schema", str(path), "--out", str(tmp_path / "o")], ["remove table customer", "/show"]
    )
    assert result.exit_code == 1, result.output
    out = result.output
    assert "this edit also removes table order" in out and "table payment" in out
    assert "not applied: the schema is unchanged" in out
    # the line that was no answer is still run as the next request
    assert "> /show" in out and "customer" in out.split("> /show")[1]


def test_a_cascading_delete_declined_or_confirmed(tmp_path: Path, shop: dict[str, Any]) -> None:
    path = _schema_file(tmp_path, shop)
    declined = _chat(
        ["--schema", str(path), "--out", str(tmp_path / "a")],
        ["remove table customer", "n", "/save"],
    )
    assert declined.exit_code == 0, declined.output  # the user said no: nothing failed
    assert "customer" in _ids(json.loads((tmp_path / "a" / "schema.json").read_text()))

    confirmed = _chat(
        ["--schema", str(path), "--out", str(tmp_path / "b")],
        ["remove table customer", "y", "/save"],
    )
    assert confirmed.exit_code == 0, confirmed.output
    assert "- table order" in confirmed.output
    kept = _ids(json.loads((tmp_path / "b" / "schema.json").read_text()))
    assert "customer" not in kept and "order" not in kept and "product" in kept


# --------------------------------------------------------------------------- /save


def test_save_asks_before_replacing_the_schema_it_started_from(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    path = _schema_file(tmp_path, shop)
    before = path.read_bytes()
    result = _chat(["--schema", str(path)], ["customers: 500", "/save"])
    assert result.exit_code == 1, result.output
    assert f"/save writes {path}" in result.output  # said at the start
    assert "(the schema this session started from): replace it?" in result.output
    assert "not saved" in result.output
    assert path.read_bytes() == before

    replaced = _chat(["--schema", str(path)], ["customers: 500", "/save", "y"])
    assert replaced.exit_code == 0, replaced.output
    saved = json.loads(path.read_text())
    assert next(n for n in saved["nodes"] if n["id"] == "customer")["rows"] == 500
    assert (path.parent / "schema.chat.jsonl").exists()


def test_save_writes_to_out_not_to_the_schema_file(tmp_path: Path, shop: dict[str, Any]) -> None:
    path = _schema_file(tmp_path, shop)
    before = path.read_bytes()
    result = _chat(
        ["--schema", str(path), "--out", str(tmp_path / "o")], ["customers: 500", "/save", "/save"]
    )
    assert result.exit_code == 0, result.output  # its own file is replaced without asking
    assert path.read_bytes() == before
    assert (tmp_path / "o" / "schema.json").exists()
    assert "replace it?" not in result.output


# --------------------------------------------------------------------------- data vs. schema


def test_the_session_says_when_schema_and_data_diverge(tmp_path: Path) -> None:
    result = _chat(
        ["--out", str(tmp_path / "o")],
        [SHOP, "/generate", "customers: 500", "/undo", "/redo", "/save"],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    after_edit = out.split("> customers: 500")[1].split("> /undo")[0]
    assert "was generated from another version of the schema" in after_edit
    after_undo = out.split("> /undo")[1].split("> /redo")[0]
    assert "matches the data" in after_undo and "another version" not in after_undo
    after_redo = out.split("> /redo")[1].split("> /save")[0]
    assert "another version of the schema" in after_redo
    after_save = out.split("> /save")[1]
    assert "warning: the saved schema is not the one the data" in after_save


# --------------------------------------------------------------------------- diffs


def test_diff_names_the_fields_that_changed(shop: dict[str, Any]) -> None:
    edited = copy.deepcopy(shop)
    product = next(n for n in edited["nodes"] if n["id"] == "product")
    price = next(c for c in product["columns"] if c["name"] == "price")
    price["generator"] = {
        "distribution": {"type": "lognormal", "params": {"mean": 3.2, "sigma": 0.4}}
    }
    old_price = next(
        c
        for n in shop["nodes"]
        if n["id"] == "product"
        for c in n["columns"]
        if c["name"] == "price"
    )
    old_price = copy.deepcopy(old_price)
    old_price["generator"] = {
        "distribution": {"type": "lognormal", "params": {"mean": 3.5, "sigma": 0.6}}
    }
    before = copy.deepcopy(edited)
    next(
        c
        for n in before["nodes"]
        if n["id"] == "product"
        for c in n["columns"]
        if c["name"] == "price"
    ).update(old_price)
    lines = schema_diff(before, edited)
    assert lines == [
        "~ product.price: distribution.params.mean 3.5 -> 3.2, distribution.params.sigma 0.6 -> 0.4"
    ]
    # a new generator says what it was and what it is
    price["generator"] = {"choice": {"choices": [9.99, 19.99]}}
    (line,) = schema_diff(before, edited)
    assert (
        line
        == "~ product.price: distribution lognormal(mean 3.5, sigma 0.6) -> choice [9.99, 19.99]"
    )


def test_diff_of_a_pattern_edit_and_a_new_column(shop: dict[str, Any]) -> None:
    lines = schema_diff(shop, apply_edit(shop, "weekend peak on orders").schema)
    assert any(line.startswith("~ order.ordered_at: datetime_series.pattern") for line in lines)
    assert not any(line == "~ column order.ordered_at" for line in lines)
    # the weekend target follows the pattern: the same target, its bounds changed
    assert any(
        line.startswith("~ targets.weekend_share order ordered_at: min ") for line in lines
    ), lines
    added = schema_diff(shop, apply_edit(shop, "add column loyalty_tier to customer").schema)
    assert any(line.startswith("+ column customer.loyalty_tier (") for line in added)
    # a new count replaces the description's: the claim is named by its phrase
    recount = schema_diff(shop, apply_edit(shop, "customers: 500").schema)
    assert recount == ["~ customer rows: 300 rows -> 500 rows", "- claims: '300 customers' (count)"]
    # removing a table leaves no noise about fields that stayed empty
    removed = schema_diff(shop, apply_edit(shop, "remove table product").schema)
    assert removed[0] == "- table product" and not any("(added)" in line for line in removed)


# --------------------------------------------------------------------------- exit status


def test_a_script_whose_edit_fails_exits_1(tmp_path: Path) -> None:
    failed = _chat(
        ["--out", str(tmp_path / "o")], [SHOP, "make the amounts more realistic", "/save"]
    )
    assert failed.exit_code == 1, failed.output
    assert "1 edit(s) or command(s) failed" in failed.output
    assert (tmp_path / "o" / "schema.json").exists()  # the steps that worked still ran
    fine = _chat(["--out", str(tmp_path / "p")], [SHOP, "customers: 500", "/save"])
    assert fine.exit_code == 0, fine.output


# --------------------------------------------------------------------------- a real terminal


def test_terminal_session_confirms_and_warns(tmp_path: Path, shop: dict[str, Any]) -> None:
    pexpect = pytest.importorskip("pexpect")
    path = _schema_file(tmp_path, shop)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm",
        "ANTHROPIC_API_KEY": "",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "datagen.agent.commands.chat", "--schema", str(path), "--provider", "offline"],
        encoding="utf-8",
        dimensions=(40, 200),
        timeout=60,
        env=env,
    )
    original = path.read_bytes()
    try:
        child.expect(f"/save writes {path}")
        child.expect("datagen>")
        child.sendline("remove table customer")
        child.expect("this edit also removes table order")
        child.expect(r"\[y/N\]")
        child.sendline("n")
        child.expect("not applied: the schema is unchanged")
        child.expect("datagen>")
        child.sendline("/generate")
        child.expect("quality score")
        child.expect("datagen>")
        child.sendline("weekend peak on orders")
        child.expect(r"~ order\.ordered_at: datetime_series\.pattern")
        child.expect("generated from another version of the schema")
        child.expect("datagen>")
        child.sendline("/undo")
        child.expect("undid: weekend peak on orders")
        child.expect("matches the data")
        child.expect("datagen>")
        child.sendline("customers: 500")
        child.expect("customer rows: 300 rows -> 500 rows")
        child.expect("generated from another version of the schema")
        child.expect("datagen>")
        child.sendline("/save")
        child.expect(r"the schema this session started from\): replace it\? \[y/N\]")
        child.sendline("n")
        child.expect("not saved")
        child.expect("datagen>")
        assert path.read_bytes() == original
        child.sendline("/save")
        child.expect(r"replace it\? \[y/N\]")
        child.sendline("y")
        child.expect("saved")
        child.expect("warning: the saved schema is not the one the data")
        child.expect("datagen>")
        child.sendeof()  # saved: leaves without asking
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    saved = json.loads(path.read_text())
    assert next(n for n in saved["nodes"] if n["id"] == "customer")["rows"] == 500
    assert "customer" in _ids(saved) and "order" in _ids(saved)


def test_an_llm_edit_that_removes_more_than_named_is_confirmed(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    """The same question when the provider is an LLM (here the scripted fake)."""
    import io

    from rich.console import Console

    from datagen.agent.loop import LoopSettings
    from datagen.agent.providers import get_provider
    from datagen.agent.repl import ChatSession, run_plain

    without = apply_edit(shop, "remove table customer").schema
    for answer, kept in (("/history", True), ("y", False)):
        buffer = io.StringIO()
        session = ChatSession(
            get_provider("scripted", script=[shop, without]),
            Console(file=buffer, width=160),
            LoopSettings(),
            out=tmp_path / answer.strip("/"),
        )
        session.start()
        failures = run_plain(session, io.StringIO(f"{SHOP}\nremove the customers\n{answer}\n"))
        out = buffer.getvalue()
        assert "this edit also removes table order" in out
        assert session.schema is not None
        assert ("order" in _ids(session.schema)) is kept
        assert failures == (1 if kept else 0)  # no answer in the script: a failed step


def test_a_piped_process_whose_edit_fails_exits_1(tmp_path: Path) -> None:
    """The real process, stdin a pipe: the refused edit makes the exit status 1."""
    import subprocess

    lines = f"{SHOP}\nmake the amounts more realistic\n/save\n"
    proc = subprocess.run(
        [sys.executable, "-m", "datagen.agent.commands.chat", "--out", str(tmp_path / "s")],
        input=lines,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path), "ANTHROPIC_API_KEY": "", "OPENAI_API_KEY": ""},
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "not an offline edit" in proc.stdout
    assert "1 edit(s) or command(s) failed" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "s" / "schema.json").exists()


def test_data_from_an_earlier_session_that_does_not_match_is_said_at_the_start(
    tmp_path: Path, shop: dict[str, Any]
) -> None:
    out = tmp_path / "o"
    first = _chat(["--out", str(out)], [SHOP, "/generate", "customers: 500", "/save"])
    assert first.exit_code == 0, first.output
    # the saved schema (500 customers) is not the one the data was generated from
    again = _chat(["--schema", str(out / "schema.json"), "--out", str(out)], ["/show"])
    start = again.output.split("> /show")[0]
    assert "was generated from another version of the schema" in start
