"""Pairs of FKs into one table (issue 21 point 4, issue 22 keys): `distinct_from` (no
self-follow) and `distinct` (k distinct partners per parent, no duplicate follow), checked
with SQL on real Parquet files written by the CLI, and by the validator."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from datagen.engine.generators.pairs import avoid, distinct_per_group
from datagen.engine.load import parse_dataset
from datagen.engine.rng import stream
from datagen.engine.validate.run import validate_tables
from tests.dsl_doc_examples import (
    cli_here,
    doc_example,
    generate_for_any_workers,
    write_doc_example,
)
from tests.engine_helpers import run


def _sql(out: Path, query: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    for name in ("person", "follow", "message"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    return con.execute(query).fetchall()


def test_docs_example_holds_its_rules_in_sql_and_is_the_same_for_any_workers(
    tmp_path: Path,
) -> None:
    schema = write_doc_example("pairs", tmp_path)
    out = generate_for_any_workers(schema, tmp_path, 5)
    [(rows, self_follows, pairs)] = _sql(
        out,
        "SELECT count(*), count(*) FILTER (follower_id = followee_id),"
        " count(DISTINCT (follower_id, followee_id)) FROM follow",
    )
    assert rows > 1000 and self_follows == 0 and pairs == rows
    [(messages, to_self, to_inactive)] = _sql(
        out,
        "SELECT count(*), count(*) FILTER (sender_id = recipient_id),"
        " count(*) FILTER (NOT p.active) FROM message m JOIN person p"
        " ON p.person_id = m.recipient_id",
    )
    assert messages > 500 and to_self == 0 and to_inactive == 0
    # the followees are spread over the people, not a few (sampling is uniform)
    [(followed,)] = _sql(out, "SELECT count(DISTINCT followee_id) FROM follow")
    assert followed > 290
    result = cli_here("validate", schema, "--data", out)
    assert result.returncode == 0, result.stdout + result.stderr


def _broken_pairs(data: dict[str, Any]) -> dict[str, Any]:
    """The docs' example without `distinct_from` and `distinct`."""
    broken = copy.deepcopy(data)
    for node in broken["nodes"]:
        for col in node["columns"]:
            lookup = col["generator"].get("lookup", {})
            lookup.pop("distinct_from", None)
            lookup.pop("distinct", None)
    return broken


def test_without_the_options_pairs_repeat_and_the_validator_says_so() -> None:
    data = doc_example("pairs")
    broken = _broken_pairs(data)
    tables = run(broken)
    follow = tables["follow"].to_pydict()
    pairs = list(zip(follow["follower_id"], follow["followee_id"], strict=True))
    # only the link takes the parent's key: self-pairs are rare, not every row (issue 21.4)
    selves = sum(a == b for a, b in pairs)
    assert 0 < selves < len(pairs) / 50
    assert len(set(pairs)) < len(pairs)
    # the schema that asks for distinct pairs fails on these tables
    report = validate_tables(parse_dataset(data), tables)
    failed = {(c.name, c.table) for c in report.checks if not c.passed}
    assert ("distinct_from", "follow") in failed and ("unique", "follow") in failed
    assert report.score < 100
    good = validate_tables(parse_dataset(data), run(data))
    assert good.score == 100, [c.to_dict() for c in good.checks if not c.passed]


def test_a_declared_unique_pair_is_met_by_construction() -> None:
    data = _broken_pairs(doc_example("pairs"))
    data["constraints"] = {
        "unique": [{"table": "follow", "columns": ["follower_id", "followee_id"]}]
    }
    follow = run(data)["follow"].to_pydict()
    pairs = list(zip(follow["follower_id"], follow["followee_id"], strict=True))
    assert len(set(pairs)) == len(pairs)


def test_distinct_per_group_draws_distinct_items_never_the_excluded_one() -> None:
    rng = stream(1, "t", "c", 0, "x")
    sizes = rng.integers(0, 12, 2000)
    group = np.repeat(np.arange(len(sizes)), sizes)
    excluded = np.repeat(rng.integers(-1, 12, len(sizes)), sizes)
    items = 12
    chosen = distinct_per_group(stream(2, "t", "c", 0, "x"), group, items, excluded)
    assert chosen.min() >= 0 and chosen.max() < items
    assert not np.any(chosen == excluded)
    keyed = group * items + chosen
    assert len(np.unique(keyed)) == len(keyed)
    # a group that needs every allowed item gets each of them once
    full = distinct_per_group(stream(3, "t"), np.zeros(11, np.int64), 12, np.full(11, 4))
    assert sorted(full.tolist()) == [i for i in range(12) if i != 4]
    # every item is drawn about equally often
    counts = np.bincount(chosen, minlength=items)
    assert counts.min() > 0.7 * counts.mean()


def test_avoid_moves_only_collisions_and_spreads_them() -> None:
    index = np.array([0, 1, 2, 3, 3, 3] * 1000)
    excluded = np.full(len(index), 3)
    moved = avoid(stream(4, "t"), index, excluded, 5)
    assert not np.any(moved == 3)
    keep = index != 3
    assert np.array_equal(moved[keep], index[keep])
    assert set(np.unique(moved[~keep]).tolist()) == {0, 1, 2, 4}


def _follow_with(lookup: dict[str, Any], **fanout: Any) -> dict[str, Any]:
    data = doc_example("pairs")
    follow = data["nodes"][1]
    follow["columns"][2]["generator"]["lookup"] = {"from": "person.person_id", **lookup}
    follow["fanout"].update(fanout)
    return data


@pytest.mark.parametrize(
    ("lookup", "path", "message"),
    [
        ({"distinct_from": "follow_id"}, "distinct_from", "not a foreign key into `person`"),
        ({"distinct_from": "folower_id"}, "distinct_from", "follower_id"),
        ({"distinct_from": "followee_id"}, "distinct_from", "cannot differ from itself"),
        ({"distinct": True, "weights_kind": "zipf@1.1"}, "weights_kind", "samples uniformly"),
    ],
)
def test_wrong_pairs_are_refused_with_their_path(
    tmp_path: Path, lookup: dict[str, Any], path: str, message: str
) -> None:
    schema = tmp_path / "s.json"

    schema.write_text(json.dumps(_follow_with(lookup)))
    result = cli_here("generate", schema, "--out", tmp_path / "out")
    assert result.returncode == 2, result.stdout + result.stderr
    text = result.stdout + result.stderr
    assert f"nodes[1].columns[2].generator.lookup.{path}" in text and message in text
    assert "Traceback" not in text


def test_distinct_on_the_parent_link_is_refused(tmp_path: Path) -> None:

    data = doc_example("pairs")
    data["nodes"][1]["columns"][1]["generator"]["lookup"]["distinct"] = True
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(data))
    result = cli_here("generate", schema, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "nodes[1].columns[1].generator.lookup.distinct" in result.stdout + result.stderr


def test_more_partners_than_people_is_a_clear_error(tmp_path: Path) -> None:

    data = _follow_with(
        {"distinct": True, "distinct_from": "follower_id"},
        distribution="uniform",
        min=300,
        max=300,
    )
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(data))
    result = cli_here("generate", schema, "--out", tmp_path / "out")
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "follow.followee_id" in text and "only 299 can be chosen" in text
    assert "Traceback" not in text and not (tmp_path / "out").exists()


def test_the_check_reads_nulls_as_no_pair() -> None:
    data = doc_example("pairs")
    dataset = parse_dataset(data)
    tables = run(data)
    follow = tables["follow"]
    followee = follow.column("followee_id").to_pylist()
    followee[0] = None
    tables["follow"] = follow.set_column(2, "followee_id", pa.array(followee, pa.int64()))
    checks = [c for c in validate_tables(dataset, tables).checks if c.name == "distinct_from"]
    assert checks and all(c.passed for c in checks)
