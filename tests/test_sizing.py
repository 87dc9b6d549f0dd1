"""--target-size and --target-rows pick the scale; the output lands near the target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datagen.engine.errors import InputError
from datagen.engine.load import load_dataset
from datagen.engine.sizing import parse_size, scale_for_rows
from tests.cli_helpers import run_cli as datagen  # in-process: the flags and files are the point

SHOP = str(Path(__file__).parent / "data" / "shop_small.json")


def test_target_size_lands_within_ten_percent(tmp_path: Path) -> None:
    out = tmp_path / "sized"
    result = datagen("generate", SHOP, "--out", str(out), "--target-size", "4MB")
    assert result.returncode == 0, result.stderr
    assert "sizing: scale" in result.stderr
    written = sum(p.stat().st_size for p in out.glob("*.parquet"))
    assert abs(written - 4 * 1024**2) / (4 * 1024**2) < 0.10


def test_target_rows_solves_the_scale() -> None:
    dataset = load_dataset(SHOP)
    plan = scale_for_rows(dataset, 100_000)
    assert abs(plan.estimated_rows - 100_000) / 100_000 < 0.01


def test_target_rows_end_to_end(tmp_path: Path) -> None:
    result = datagen(
        "generate", SHOP, "--out", str(tmp_path / "r"), "--target-rows", "30000", "--quiet"
    )
    assert result.returncode == 0, result.stderr
    meta = json.loads((tmp_path / "r" / ".metadata.json").read_text())
    total = sum(t["rows"] for t in meta["tables"].values())
    assert abs(total - 30_000) / 30_000 < 0.05


@pytest.mark.parametrize(
    ("text", "size"),
    [("2048", 2048), ("5GB", 5 * 1024**3), ("1.5 MB", int(1.5 * 1024**2)), ("10k", 10240)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "5XB", "-1MB", "0"])
def test_parse_size_rejects_nonsense(text: str) -> None:
    with pytest.raises(InputError, match="--target-size"):
        parse_size(text)


def test_scale_and_target_exclude_each_other(tmp_path: Path) -> None:
    result = datagen(
        "generate", SHOP, "--scale", "2", "--target-rows", "100", "--out", str(tmp_path / "x")
    )
    assert result.returncode == 2 and "exclude each other" in result.stderr
    assert not (tmp_path / "x").exists()
