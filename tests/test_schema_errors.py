"""Schema errors: every problem at once, each with its JSON path and a did-you-mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.load import load_dataset, parse_dataset

DATA = Path(__file__).parent / "data"


def test_ten_mistakes_are_all_reported() -> None:
    with pytest.raises(SchemaError) as info:
        load_dataset(DATA / "ten_mistakes.json")
    found = {(p.path, p.suggestion) for p in info.value.problems}
    expected = {
        ("nodes[0].columns[1].generator.choice", None),
        ("nodes[0].columns[2].generator.faker.method", "name"),
        ("nodes[0].columns[3].generator.distribution", None),
        ("nodes[0].columns[4].generator.expression.expr", None),
        ("nodes[0].columns[5].generator", "sequence"),
        ("nodes[1].parents[0]", "customer"),
        ("nodes[1].columns[1].generator.lookup.from", "customer_id"),
        ("nodes[1].columns[2].modifiers[0]", "multiply"),
        ("constraints.inequalities[0].left", "order_id"),
        ("constraints.inequalities[0].right", None),
    }
    assert found == expected


def _base() -> dict:
    return json.loads((DATA / "shop_small.json").read_text())


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [
        (
            lambda d: d["nodes"][1]["columns"].pop(1),
            "nodes[1].columns",
            "needs a column that looks up",
        ),
        (
            lambda d: d["nodes"][0]["columns"][5].update(nullable=False, null_rate=0.0),
            "nodes[0].columns[5].generator.lookup.from",
            "must be nullable",
        ),
        (lambda d: d["nodes"][0].update(parents=["order"]), "nodes", "cycle"),
        (lambda d: d["nodes"][1].pop("fanout"), "nodes[1]", "needs a `fanout`"),
        (
            lambda d: d.update(timeframe={"start": "2025-01-01", "end": "2024-01-01"}),
            "timeframe",
            "must be after start",
        ),
        (
            lambda d: d["nodes"][1]["columns"][4]["generator"]["distribution"].update(
                clamp=[10, 1]
            ),
            "nodes[1].columns[4].generator.distribution",
            "clamp min",
        ),
        (
            lambda d: d["nodes"][1]["columns"][3]["generator"]["datetime_series"]["pattern"].update(
                weights=[1, 2]
            ),
            "nodes[1].columns[3].generator.datetime_series.pattern[0]",
            "needs 7 weights",
        ),
        (
            lambda d: d["targets"]["weekend_share"][0].update(column="orderd_at"),
            "targets.weekend_share[0].column",
            "no column",
        ),
    ],
)
def test_each_mistake_names_its_place(mutate, path: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    data = _base()
    mutate(data)
    with pytest.raises(SchemaError) as info:
        parse_dataset(data)
    matching = [p for p in info.value.problems if p.path == path]
    assert matching, [p.render() for p in info.value.problems]
    assert any(fragment in p.message for p in matching), [p.render() for p in matching]


def test_self_reference_through_nullable_fk_is_allowed() -> None:
    parse_dataset(_base())


def test_canonical_form_normalizes_seed_spellings() -> None:
    data = _base()
    data["nodes"][1]["columns"][4]["generator"] = {
        "distribution": {"kind": "normal", "mu": 5, "sigma": 2}
    }
    dumped = parse_dataset(data).to_json_dict()["nodes"][1]["columns"][4]["generator"]
    assert dumped == {"distribution": {"type": "normal", "params": {"mean": 5.0, "std": 2.0}}}
