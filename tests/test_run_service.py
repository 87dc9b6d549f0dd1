"""One run service: the seed rule and the same bytes from `generate` and chat's `/generate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from datagen.agent.cli import main
from datagen.engine.load import load_dataset
from datagen.engine.run import DEFAULT_SEED, RunOptions, resolve_seed, run_dataset

SMALL = Path(__file__).resolve().parent / "data" / "shop_small.json"


@pytest.fixture
def seeded_schema(tmp_path: Path) -> Path:
    """shop_small at 300 customers, with its own `seed`."""
    data = json.loads(SMALL.read_text())
    data["seed"] = 777
    data["nodes"][0]["rows"] = 300
    path = tmp_path / "seeded.json"
    path.write_text(json.dumps(data))
    return path


def test_seed_rule_flag_then_schema_then_default(seeded_schema: Path) -> None:
    seeded = load_dataset(seeded_schema)
    unseeded = load_dataset(SMALL)
    assert resolve_seed(5, seeded) == 5
    assert resolve_seed(None, seeded) == 777
    assert resolve_seed(None, unseeded) == DEFAULT_SEED
    assert resolve_seed(None) == DEFAULT_SEED


def table_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.parquet"))}


def test_chat_generate_and_generate_give_the_same_bytes_for_a_seeded_schema(
    seeded_schema: Path, tmp_path: Path
) -> None:
    direct = tmp_path / "direct"
    done = CliRunner().invoke(main, ["generate", str(seeded_schema), "--out", str(direct), "-q"])
    assert done.exit_code == 0, done.output
    chat_out = tmp_path / "chat"
    chatted = CliRunner().invoke(
        main,
        [
            "chat",
            "--schema",
            str(seeded_schema),
            "--out",
            str(chat_out),
            "--plain",
            "--provider",
            "offline",
        ],
        input="/generate\n",
    )
    assert chatted.exit_code == 0, chatted.output
    assert "seed 777" in chatted.output
    generated = table_bytes(direct)
    assert sorted(generated) == ["customer.parquet", "order.parquet"]
    assert table_bytes(chat_out / "data") == generated
    meta = json.loads((direct / ".metadata.json").read_text())
    assert meta["seed"] == 777


def test_a_seed_flag_wins_over_the_schema_seed(seeded_schema: Path, tmp_path: Path) -> None:
    dataset = load_dataset(seeded_schema)
    flagged = run_dataset(dataset, tmp_path / "a", seed=1)
    schema_seeded = run_dataset(dataset, tmp_path / "b")
    assert (flagged.seed, schema_seeded.seed) == (1, 777)
    assert table_bytes(tmp_path / "a") != table_bytes(tmp_path / "b")


def test_run_validates_and_reports_when_asked(seeded_schema: Path, tmp_path: Path) -> None:
    dataset = load_dataset(seeded_schema)
    options = RunOptions(formats=["parquet", "sqlite"], validate=True, html=True)
    result = run_dataset(dataset, tmp_path / "out", options=options)
    assert result.report is not None and result.report.score > 80
    assert result.html == tmp_path / "out" / "report.html" and result.html.is_file()
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    assert saved["score"] == result.report.score
    assert result.total_rows == sum(t.rows for t in result.generated.tables) > 300
