"""One test group per generator family, each run through the real engine."""

from __future__ import annotations

import collections
import datetime as dt

import numpy as np
import pytest

from tests.engine_helpers import column, entity, run, schema


def test_sequence_is_start_plus_step_times_row() -> None:
    data = schema(
        entity(
            "t",
            [{"name": "s", "type": "int", "generator": {"sequence": {"start": 10, "step": 5}}}],
            rows=4,
        )
    )
    assert column(data, "t", "s") == [10, 15, 20, 25]


def test_choice_weights_show_in_frequencies() -> None:
    gen = {"choice": {"choices": ["a", "b", "c"], "weights": [0.7, 0.2, 0.1]}}
    data = schema(entity("t", [{"name": "c", "type": "string", "generator": gen}], rows=20_000))
    counts = collections.Counter(column(data, "t", "c"))
    assert abs(counts["a"] / 20_000 - 0.7) < 0.02
    assert abs(counts["c"] / 20_000 - 0.1) < 0.02


def test_choice_zipf_makes_first_choice_most_popular() -> None:
    gen = {"choice": {"choices": list("abcdefghij"), "weights_kind": "zipf@1.5"}}
    data = schema(entity("t", [{"name": "c", "type": "string", "generator": gen}], rows=10_000))
    counts = collections.Counter(column(data, "t", "c"))
    assert counts.most_common(1)[0][0] == "a"
    assert counts["a"] > 3 * counts["e"]


def test_choice_head_tail_puts_mass_on_head() -> None:
    gen = {"choice": {"choices": list(range(100)), "weights_kind": "head_tail@{0.2,0.8}"}}
    data = schema(entity("t", [{"name": "c", "type": "int", "generator": gen}], rows=20_000))
    values = np.array(column(data, "t", "c"))
    assert abs((values < 20).mean() - 0.8) < 0.02


def test_choices_ref_draws_from_another_tables_values() -> None:
    data = schema(
        entity(
            "cat",
            [{"name": "label", "type": "string", "generator": {"choice": {"choices": ["x", "y"]}}}],
            rows=50,
        ),
        entity(
            "item",
            [
                {
                    "name": "label",
                    "type": "string",
                    "generator": {"choice": {"choices_ref": "cat.label"}},
                }
            ],
            rows=200,
        ),
    )
    assert set(column(data, "item", "label")) <= {"x", "y"}


@pytest.mark.parametrize(
    ("dist", "params", "mean"),
    [
        ("normal", {"mean": 50, "std": 5}, 50),
        ("lognormal", {"mean": 1, "sigma": 0.5}, float(np.exp(1 + 0.125))),
        ("uniform", {"low": 10, "high": 20}, 15),
        ("poisson", {"lam": 4}, 4),
        ("exponential", {"scale": 3}, 3),
        ("beta", {"a": 2, "b": 6}, 0.25),
        ("gamma", {"shape": 2, "scale": 3}, 6),
    ],
)
def test_distribution_means(dist: str, params: dict, mean: float) -> None:
    gen = {"distribution": {"type": dist, "params": params}}
    data = schema(entity("t", [{"name": "x", "type": "float", "generator": gen}], rows=40_000))
    assert np.mean(column(data, "t", "x")) == pytest.approx(mean, rel=0.05)


def test_distribution_clamp_bounds_values() -> None:
    # std 0.6: about 10% of the draws fall past the clamp (a std of 10 is refused at preflight:
    # most values would pile on the bounds)
    gen = {"distribution": {"type": "normal", "params": {"mean": 0, "std": 0.6}, "clamp": [-1, 1]}}
    data = schema(entity("t", [{"name": "x", "type": "float", "generator": gen}], rows=2000))
    values = column(data, "t", "x")
    assert min(values) == -1 and max(values) == 1


def test_seed_spelling_is_accepted() -> None:
    gen = {"distribution": {"kind": "normal", "mu": 100, "sigma": 1}}
    data = schema(entity("t", [{"name": "x", "type": "float", "generator": gen}], rows=2000))
    assert np.mean(column(data, "t", "x")) == pytest.approx(100, abs=0.2)


def test_datetime_series_stays_in_window_and_follows_dow_pattern() -> None:
    weights = [1, 1, 1, 1, 1, 5, 5]
    gen = {
        "datetime_series": {
            "within": "timeframe",
            "pattern": {"dimension": "dow", "weights": weights},
        }
    }
    data = schema(entity("t", [{"name": "at", "type": "datetime", "generator": gen}], rows=30_000))
    values = column(data, "t", "at")
    assert min(values) >= dt.datetime(2024, 1, 1) and max(values) < dt.datetime(2025, 1, 1)
    weekend = np.mean([v.weekday() >= 5 for v in values])
    assert weekend == pytest.approx(10 / 15, abs=0.02)


def test_datetime_series_hour_pattern_and_freq() -> None:
    hours = [0] * 9 + [1] * 8 + [0] * 7
    gen = {
        "datetime_series": {
            "within": {"start": "2024-03-01", "end": "2024-04-01"},
            "freq": "min",
            "pattern": [{"dimension": "hour", "weights": hours}],
        }
    }
    data = schema(entity("t", [{"name": "at", "type": "datetime", "generator": gen}], rows=5000))
    values = column(data, "t", "at")
    assert all(9 <= v.hour < 17 for v in values)
    assert all(v.second == 0 for v in values)


def test_date_column() -> None:
    gen = {"datetime_series": {"within": {"start": "2020-01-01", "end": "2020-02-01"}}}
    data = schema(entity("t", [{"name": "d", "type": "date", "generator": gen}], rows=100))
    values = column(data, "t", "d")
    assert all(
        isinstance(v, dt.date) and dt.date(2020, 1, 1) <= v < dt.date(2020, 2, 1) for v in values
    )


def test_faker_locale_from_country_and_unique_emails() -> None:
    cols = [
        {"name": "country", "type": "string", "generator": {"choice": {"choices": ["DE", "JP"]}}},
        {
            "name": "name",
            "type": "string",
            "generator": {"faker": {"method": "last_name", "locale_from": "country"}},
        },
        {
            "name": "email",
            "type": "string",
            "unique": True,
            "generator": {"faker": {"method": "email"}},
        },
    ]
    tables = run(schema(entity("p", cols, rows=3000)))
    rows = tables["p"].to_pylist()
    japanese = [r["name"] for r in rows if r["country"] == "JP"]
    german = [r["name"] for r in rows if r["country"] == "DE"]
    assert all(any(ord(ch) > 0x3000 for ch in n) for n in japanese)
    assert all(all(ord(ch) < 0x3000 for ch in n) for n in german)
    emails = [r["email"] for r in rows]
    assert len(set(emails)) == len(emails) and all("@" in e for e in emails)


def test_faker_uuid4_is_valid_and_unique() -> None:
    import uuid

    data = schema(
        entity(
            "t",
            [
                {
                    "name": "u",
                    "type": "string",
                    "unique": True,
                    "generator": {"faker": {"method": "uuid4"}},
                }
            ],
            rows=1000,
        )
    )
    values = column(data, "t", "u")
    assert len(set(values)) == 1000
    assert all(uuid.UUID(v).version == 4 for v in values)


def test_lookup_fk_and_attribute_through_fk() -> None:
    parent = entity(
        "customer",
        [
            {
                "name": "tier",
                "type": "string",
                "generator": {"choice": {"choices": ["gold", "basic"]}},
            }
        ],
        rows=100,
    )
    child = {
        "id": "order",
        "kind": "fact",
        "pk": "order_id",
        "parents": ["customer"],
        "fanout": {"distribution": "poisson", "lambda": 3},
        "columns": [
            {"name": "order_id", "type": "int", "generator": {"sequence": {}}},
            {
                "name": "customer_id",
                "type": "int",
                "generator": {"lookup": {"from": "customer.id"}},
            },
            {
                "name": "tier",
                "type": "string",
                "generator": {"lookup": {"from": "customer.tier", "on": "customer_id"}},
            },
        ],
    }
    tables = run(schema(parent, child))
    tiers = dict(
        zip(
            tables["customer"]["id"].to_pylist(),
            tables["customer"]["tier"].to_pylist(),
            strict=True,
        )
    )
    for row in tables["order"].to_pylist():
        assert tiers[row["customer_id"]] == row["tier"]


def test_self_reference_points_at_an_earlier_row_never_itself() -> None:
    cols = [
        {
            "name": "manager_id",
            "type": "int",
            "nullable": True,
            "generator": {"lookup": {"from": "employee.id"}},
        }
    ]
    rows = run(schema(entity("employee", cols, rows=1000)))["employee"].to_pylist()
    assert rows[0]["manager_id"] is None
    for row in rows[1:]:
        assert row["manager_id"] is not None and row["manager_id"] < row["id"]


def test_unique_lookup_is_one_to_one() -> None:
    parent = entity("person", [], rows=300)
    child = entity(
        "passport",
        [
            {
                "name": "person_id",
                "type": "int",
                "unique": True,
                "generator": {"lookup": {"from": "person.id"}},
            }
        ],
        rows=300,
    )
    values = column(schema(parent, child), "passport", "person_id")
    assert sorted(values) == list(range(1, 301))


def test_expression_over_row_columns() -> None:
    cols = [
        {
            "name": "q",
            "type": "int",
            "generator": {"distribution": {"type": "poisson", "params": {"lam": 3}}},
        },
        {
            "name": "p",
            "type": "float",
            "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 2}}},
        },
        {
            "name": "total",
            "type": "float",
            "generator": {"expression": {"expr": "round(q * p, 2)"}},
        },
    ]
    for row in run(schema(entity("t", cols, rows=200)))["t"].to_pylist():
        assert row["total"] == pytest.approx(round(row["q"] * row["p"], 2))


def test_enum_list_cycles_in_order() -> None:
    data = schema(
        {
            "id": "plan",
            "kind": "vocab",
            "pk": "name",
            "columns": [
                {
                    "name": "name",
                    "type": "string",
                    "unique": True,
                    "generator": {"enum_list": {"values": ["free", "pro", "team"]}},
                }
            ],
        }
    )
    assert column(data, "plan", "name") == ["free", "pro", "team"]


def test_null_rate_applies_to_nullable_columns() -> None:
    gen = {"distribution": {"type": "uniform", "params": {"low": 0, "high": 1}}}
    data = schema(
        entity(
            "t",
            [{"name": "x", "type": "float", "nullable": True, "null_rate": 0.25, "generator": gen}],
            rows=20_000,
        )
    )
    values = column(data, "t", "x")
    assert sum(v is None for v in values) / 20_000 == pytest.approx(0.25, abs=0.015)


def test_unique_choice_with_more_rows_than_choices_is_a_schema_error() -> None:
    from datagen.engine.errors import SchemaError

    gen = {"choice": {"choices": ["a", "b", "c"]}}
    data = schema(
        entity("t", [{"name": "c", "type": "string", "unique": True, "generator": gen}], rows=5)
    )
    with pytest.raises(SchemaError, match="at most 3 rows"):
        run(data)
    data["nodes"][0]["rows"] = 3
    assert sorted(column(data, "t", "c")) == ["a", "b", "c"]


def test_email_describes_the_same_person_as_the_name() -> None:
    cols = [
        {"name": "country", "type": "string", "generator": {"choice": {"choices": ["US", "FR"]}}},
        {
            "name": "full_name",
            "type": "string",
            "generator": {"faker": {"method": "name", "locale_from": "country"}},
        },
        {
            "name": "email",
            "type": "string",
            "unique": True,
            "generator": {"faker": {"method": "email"}},
        },
    ]
    for row in run(schema(entity("p", cols, rows=300)))["p"].to_pylist():
        first = row["full_name"].split(" ")[0].lower()
        ascii_first = "".join(
            ch
            for ch in __import__("unicodedata").normalize("NFKD", first)
            if ch.isascii() and ch.isalnum()
        )
        assert row["email"].startswith(ascii_first + "."), row


def test_dictionaries_never_repeat_a_value() -> None:
    import pyarrow as pa

    from datagen.engine.values import Encoded

    encoded = Encoded(
        np.array([0, 1, 2, 3], dtype=np.int32), pa.array(["Berlin", "Wien", "Berlin", "Graz"])
    )
    arrow = encoded.to_arrow(None)
    assert arrow.dictionary.to_pylist() == ["Berlin", "Wien", "Graz"]
    assert arrow.to_pylist() == ["Berlin", "Wien", "Berlin", "Graz"]
