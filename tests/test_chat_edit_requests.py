"""A chat edit the offline grammar reads whole is an instruction, not a description: its
words never become unread claims that pull the score down and send the loop repairing
(round 3: 'change the date range to 2023' scored 84 and lost two columns), and a date
range moves the range constraints stated on the old timeframe with it."""

from __future__ import annotations

import json
from pathlib import Path

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
