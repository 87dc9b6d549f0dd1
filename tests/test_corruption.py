"""Corruption profiles: the ground truth is exactly what a diff against the clean run finds.

The same seed is generated clean and dirty. Walking both tables side by side
(a duplicate is a repeated key right after its original; any other changed
value is missing, an orphan FK, a typo or out of range by the column) must
give the very set of defects `_defects.parquet` lists; and in the event feed,
the rows that arrive after a later event must be the late and out-of-order
ones it lists.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine.corruption import (
    DEFECTS_FILE,
    PROFILE_RATES,
    rates_for,
    score_defects,
    with_typos,
)
from datagen.engine.errors import InputError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.relations import foreign_keys

ROOT = Path(__file__).resolve().parent.parent
SEED = 9
SCALE = 0.02
Key = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    base = tmp_path_factory.mktemp("corruption")
    formats = "parquet,events,sqlite,duckdb"
    generate_dataset(dataset, base / "clean", seed=SEED, fmt="parquet,events", scale=SCALE)
    generate_dataset(dataset, base / "dirty", seed=SEED, fmt=formats, scale=SCALE, profile="dirty")
    return dataset, base


def truth(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(out / DEFECTS_FILE).to_pylist()


def diff_tables(dataset: Any, clean: Path, dirty: Path) -> set[Key]:
    fks = {(fk.table, fk.column) for fk in foreign_keys(dataset)}
    found: set[Key] = set()
    for node in dataset.nodes:
        pk = node.pk
        clean_rows = pq.read_table(clean / f"{node.id}.parquet").to_pylist()
        seen: set[Any] = set()
        originals = []
        for row in pq.read_table(dirty / f"{node.id}.parquet").to_pylist():
            if row[pk] in seen:
                found.add((node.id, str(row[pk]), "", "duplicate"))
            else:
                seen.add(row[pk])
                originals.append(row)
        assert len(originals) == len(clean_rows), node.id
        for before, after in zip(clean_rows, originals, strict=True):
            assert before[pk] == after[pk]
            for col in node.columns:
                if before[col.name] == after[col.name]:
                    continue
                if after[col.name] is None:
                    kind = "missing"
                elif (node.id, col.name) in fks:
                    kind = "orphan_fk"
                elif col.type == "string":
                    kind = "typo"
                else:
                    kind = "out_of_range"
                found.add((node.id, str(before[pk]), col.name, kind))
    return found


def displaced_events(out: Path, dataset: Any) -> set[tuple[str, str]]:
    found = set()
    peak = None
    for line in (out / "events.jsonl").read_text().splitlines():
        event = json.loads(line)
        if event["ts"] is None:
            continue
        ts = dt.datetime.fromisoformat(event["ts"])
        if peak is not None and ts < peak:
            pk = dataset.node(event["table"]).pk
            found.add((event["table"], str(event["row"][pk])))
        peak = ts if peak is None or ts > peak else peak
    return found


def test_truth_is_what_a_diff_against_the_clean_run_finds(runs: Any) -> None:
    dataset, base = runs
    listed = {
        (d["table"], d["row_key"], d["column"] or "", d["kind"])
        for d in truth(base / "dirty")
        if d["kind"] not in ("late_arrival", "out_of_order")
    }
    found = diff_tables(dataset, base / "clean", base / "dirty")
    assert found == listed
    kinds = {k[3] for k in listed}
    assert kinds == {"missing", "typo", "out_of_range", "orphan_fk", "duplicate"}


def test_late_and_out_of_order_events_are_the_displaced_ones(runs: Any) -> None:
    dataset, base = runs
    assert displaced_events(base / "clean", dataset) == set()
    delayed = [d for d in truth(base / "dirty") if d["kind"] in ("late_arrival", "out_of_order")]
    assert {d["kind"] for d in delayed} == {"late_arrival", "out_of_order"}
    assert {(d["table"], d["row_key"]) for d in delayed} == displaced_events(
        base / "dirty", dataset
    )


def test_defect_values_are_recorded_as_text(runs: Any) -> None:
    _, base = runs
    defects = truth(base / "dirty")
    typos = [d for d in defects if d["kind"] == "typo"]
    assert typos and all(d["original"] != d["corrupted"] for d in typos)
    assert all(one_edit_away(d["original"], d["corrupted"]) for d in typos)
    missing = [d for d in defects if d["kind"] == "missing"]
    assert all(d["original"] is not None and d["corrupted"] is None for d in missing)
    meta = json.loads((base / "dirty" / ".metadata.json").read_text())
    assert meta["profile"] == "dirty"
    assert meta["defects"]["count"] == len(defects)
    assert sum(meta["defects"]["by_kind"].values()) == len(defects)


def test_dirty_data_loads_into_databases_without_constraints(runs: Any) -> None:
    dataset, base = runs
    out = base / "dirty"
    lite = sqlite3.connect(out / "shop.sqlite")
    duck = duckdb.connect(str(out / "shop.duckdb"), read_only=True)
    for node in dataset.nodes:
        rows = pq.read_table(out / f"{node.id}.parquet").num_rows
        query = f'SELECT count(*) FROM "{node.id}"'
        assert lite.execute(query).fetchone() == (rows,)
        assert duck.execute(query).fetchone() == (rows,)
    assert lite.execute('PRAGMA foreign_key_list("order")').fetchall() == []


def test_same_seed_same_defects_whatever_the_workers(runs: Any) -> None:
    dataset, base = runs
    again = base / "dirty-again"
    generate_dataset(
        dataset, again, seed=SEED, fmt="parquet,events", scale=SCALE, profile="dirty", workers=3
    )
    names = [DEFECTS_FILE, "events.jsonl"] + [f"{n.id}.parquet" for n in dataset.nodes]
    _, mismatch, errors = filecmp.cmpfiles(base / "dirty", again, names, shallow=False)
    assert mismatch == [] and errors == []


def test_realistic_is_lighter_than_dirty_and_clean_writes_no_truth(runs: Any) -> None:
    dataset, base = runs
    generate_dataset(
        dataset, base / "realistic", seed=SEED, fmt="parquet", scale=SCALE, profile="realistic"
    )
    assert 0 < len(truth(base / "realistic")) < len(truth(base / "dirty")) / 2
    assert not (base / "clean" / DEFECTS_FILE).exists()
    assert score_defects(dataset, base / "clean") is None
    with pytest.raises(InputError, match="profile"):
        generate_dataset(dataset, base / "x", seed=SEED, scale=SCALE, profile="filthy")


def test_score_defects_finds_what_the_data_gives_away(runs: Any) -> None:
    dataset, base = runs
    score = score_defects(dataset, base / "dirty")
    assert score is not None and score["profile"] == "dirty"
    kinds = score["kinds"]
    for kind in ("duplicate", "orphan_fk", "delayed", "out_of_range"):
        assert kinds[kind]["recall"] == 1.0 and kinds[kind]["precision"] == 1.0, kind
    assert kinds["missing"]["precision"] == 1.0
    assert 0 < kinds["typo"]["recall"] <= 1.0 and kinds["typo"]["precision"] == 1.0


def test_score_defects_reads_csv_and_duckdb_runs_too(runs: Any) -> None:
    dataset, base = runs
    for fmt in ("csv", "duckdb", "sqlite"):
        out = base / f"score-{fmt}"
        generate_dataset(dataset, out, seed=SEED, fmt=fmt, scale=SCALE, profile="dirty")
        score = score_defects(dataset, out)
        assert score is not None
        duplicates = score["kinds"]["duplicate"]
        if fmt == "sqlite":  # not readable here: the truth's counts alone
            assert score["source"] is None and duplicates["found"] is None
        else:
            assert score["source"] == fmt and duplicates["recall"] == 1.0


def test_table_rates_override_the_profile() -> None:
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    node = dataset.node("order")
    assert rates_for(dataset, "order", "dirty") == PROFILE_RATES["dirty"]
    # the DSL field `corruption` on a node (not in the DSL yet): read when present
    object.__setattr__(node, "corruption", {"missing": 0.5, "typo": None})
    rates = rates_for(dataset, "order", "dirty")
    assert rates.missing == 0.5 and rates.typo == PROFILE_RATES["dirty"].typo
    assert rates_for(dataset, "order", "clean") == PROFILE_RATES["clean"]


def one_edit_away(before: str, after: str) -> bool:
    """A swap of neighbours, one letter dropped or one doubled (or nothing, for `aa`)."""
    if len(after) == len(before):
        diffs = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        return diffs == [] or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and before[diffs[0]] == after[diffs[1]]
            and before[diffs[1]] == after[diffs[0]]
        )
    if abs(len(before) - len(after)) != 1:
        return False
    shorter, longer = sorted((before, after), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def test_typos_are_one_edit_away() -> None:
    rng = np.random.default_rng(1)
    words = np.array(["marketplace", "ab", "x", "", "Zürich", "hello world"] * 50)
    typed = with_typos(words, rng)
    changed = 0
    for before, after in zip(words, typed, strict=True):
        if len(before) < 2:
            assert after == before
            continue
        assert one_edit_away(before, after), (before, after)
        changed += after != before
    assert changed > 150


def test_cli_profile_option(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from datagen.agent.commands.generate import generate_cmd

    schema = str(ROOT / "examples" / "shop.json")
    out = tmp_path / "cli"
    args = [schema, "--out", str(out), "--format", "csv", "--scale", str(SCALE), "-q"]
    result = CliRunner().invoke(generate_cmd, [*args, "--profile", "realistic"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / ".metadata.json").read_text())["profile"] == "realistic"
    assert pq.read_table(out / DEFECTS_FILE).num_rows > 0
    clean = CliRunner().invoke(generate_cmd, args)  # the default is clean: the truth goes away
    assert clean.exit_code == 0 and not (out / DEFECTS_FILE).exists()
    bad = CliRunner().invoke(generate_cmd, [*args, "--profile", "filthy"])
    assert bad.exit_code == 2
