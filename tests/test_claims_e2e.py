"""Claims end to end: `create` measures the description's claims on the full data, a schema
that breaks one is repaired, then exits 1 with the claim named; `datagen claims`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from datagen.agent.cli import main
from tests.agent_fixtures import FakeMessagesServer, last_tool_result, schema_message, small_schema
from tests.cli_helpers import run_cli as datagen  # in-process: flags, files, exit codes

DEMO = (
    "An online shop with 2,000 customers in the US, Germany and France, products in 5 "
    "categories, orders during 2024 with weekend spikes and a December peak, and payments."
)


def test_offline_create_measures_every_claim_on_the_full_data(tmp_path: Path) -> None:
    out = tmp_path / "shop"
    proc = datagen(
        "create", "--description", DEMO, "--out", str(out), "--provider", "offline",
        "--no-input",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((out / "report.json").read_text())
    claims = {c["text"]: c for c in report["claims"]}
    assert set(claims) == {
        "2,000 customers",
        "in the US, Germany and France",
        "5 categories",
        "during 2024",
        "weekend spikes",
        "December peak",
    }
    assert report["origin"] == "full data"
    assert claims["2,000 customers"]["measured"] == 2000
    weekend = claims["weekend spikes"]
    assert weekend["bound_to"]["measure"] == "time_share"
    assert weekend["measured"]["lift"] > 1.2 and weekend["status"] == "honoured"
    window = claims["during 2024"]["measured"]
    assert window["min"] >= "2024-01-01" and window["max"] < "2025-01-01"
    assert all(c["status"] == "honoured" for c in claims.values())
    assert report["categories"]["fidelity"] == {
        "passed": 6,
        "total": 6,
        "rate": 1.0,
        "weight": report["categories"]["fidelity"]["weight"],
    }
    # the summary opens with what was asked, phrase by phrase
    assert proc.stdout.startswith("What you asked for (6/6 honoured):")
    assert "'weekend spikes': expected at least x1.20, measured share" in proc.stdout
    schema = json.loads((out / "schema.json").read_text())
    assert [c["status"] for c in schema["claims"]] == ["bound"] * 6


def shop_with_cancellations(cancelled: float) -> dict[str, Any]:
    schema = small_schema()
    schema["nodes"][1]["columns"].append(
        {
            "name": "status",
            "type": "string",
            "generator": {
                "choice": {
                    "choices": ["done", "cancelled"],
                    "weights": [1 - cancelled, cancelled],
                }
            },
        }
    )
    return schema


def test_a_rate_three_times_off_is_repaired_then_fails_with_the_claim(tmp_path: Path) -> None:
    """The model keeps 30% cancelled where the user said about 10%: not honoured."""
    wrong = shop_with_cancellations(0.3)
    replies = [(200, schema_message(wrong, call_id=f"toolu_{i}"), {}) for i in (1, 2)]
    out = tmp_path / "shop"
    with FakeMessagesServer(replies) as server:
        proc = datagen(
            "create", "--description", "a tiny shop where about 10% of orders are cancelled",
            "--out", str(out), "--no-input", "--max-repairs", "1", "--no-generate",
            env={"ANTHROPIC_API_KEY": "sk-local", "ANTHROPIC_BASE_URL": server.url},
        )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # the repair turn quoted the phrase and what was measured
    repair = last_tool_result(server.requests[1]["body"])
    text = json.dumps(repair)
    assert "about 10% of orders are cancelled" in text and "not honoured" in text
    report = json.loads((out / "report.json").read_text())
    (claim,) = report["claims"]
    assert claim["status"] == "not_honoured"
    assert claim["bound_to"] == {
        "measure": "share",
        "table": "order",
        "where": "status == 'cancelled'",
    }
    assert 0.15 < claim["measured"] < 0.45
    assert report["score"] < 100
    assert proc.stdout.startswith("What you asked for (0/1 honoured):")
    assert "claims still failing" in proc.stdout
    assert "'about 10% of orders are cancelled': expected 10% ± 2.5%" in proc.stdout


def test_the_same_rate_honoured_passes(tmp_path: Path) -> None:
    replies = [(200, schema_message(shop_with_cancellations(0.1)), {})]
    out = tmp_path / "shop"
    with FakeMessagesServer(replies) as server:
        proc = datagen(
            "create", "--description", "a tiny shop where about 10% of orders are cancelled",
            "--out", str(out), "--no-input", "--no-generate",
            env={"ANTHROPIC_API_KEY": "sk-local", "ANTHROPIC_BASE_URL": server.url},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert [c["status"] for c in report["claims"]] == ["honoured"]


def test_min_fidelity_zero_accepts_the_wrong_rate_but_still_says_so(tmp_path: Path) -> None:
    replies = [(200, schema_message(shop_with_cancellations(0.3)), {})]
    out = tmp_path / "shop"
    with FakeMessagesServer(replies) as server:
        proc = datagen(
            "create", "--description", "a tiny shop where about 10% of orders are cancelled",
            "--out", str(out), "--no-input", "--no-generate", "--min-fidelity", "0",
            env={"ANTHROPIC_API_KEY": "sk-local", "ANTHROPIC_BASE_URL": server.url},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(server.requests) == 1  # no repair turn
    assert "✗ 'about 10% of orders are cancelled'" in proc.stdout
    assert json.loads((out / "report.json").read_text())["score"] < 100


def test_claims_command_prints_a_table_and_json() -> None:
    runner = CliRunner()
    text = "40 bakeries with about 8% no-shows during Q3 2024"
    table = runner.invoke(main, ["claims", text])
    assert table.exit_code == 0, table.output
    assert "about 8% no-shows" in table.output and "rate" in table.output
    as_json = runner.invoke(main, ["claims", "--json", text])
    assert as_json.exit_code == 0
    claims = json.loads(as_json.output)
    assert [c["kind"] for c in claims] == ["count", "rate", "window"]
    assert claims[2]["expected"] == {"min": "2024-07-01", "max": "2024-10-01"}
    relative = runner.invoke(
        main, ["claims", "--json", "--reference-date", "2024-06-01", "the last 3 months"]
    )
    assert json.loads(relative.output)[0]["expected"] == {"min": "2024-03-01", "max": "2024-06-01"}
    missing = runner.invoke(main, ["claims"])
    assert missing.exit_code == 2 and "give the description" in missing.output
