"""The claim measures of engine/validate/claims.py on hand-made tables with known answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from datagen.engine import dsl
from datagen.engine.validate.claims import MEASURES, binding_problems, measure_claim
from datagen.engine.validate.context import Context
from datagen.engine.validate.source import ArrowSource

SCHEMA: dict[str, Any] = {
    "version": "1.0",
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01"},
    "nodes": [
        {
            "id": "patient",
            "kind": "entity",
            "rows": 4,
            "pk": "patient_id",
            "columns": [
                {"name": "patient_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "registered_at",
                    "type": "datetime",
                    "generator": {"datetime_series": {"within": "timeframe"}},
                },
                {
                    "name": "city",
                    "type": "string",
                    "generator": {"choice": {"choices": ["Madrid", "Barcelona"]}},
                },
                {"name": "full_name", "type": "string", "generator": {"faker": {"method": "name"}}},
                {
                    "name": "left_at",
                    "type": "datetime",
                    "nullable": True,
                    "null_rate": 0.5,
                    "generator": {"datetime_series": {"within": "timeframe"}},
                },
            ],
        },
        {
            "id": "visit",
            "kind": "fact",
            "pk": "visit_id",
            "parents": ["patient"],
            "fanout": {"distribution": "uniform", "min": 0, "max": 5},
            "columns": [
                {"name": "visit_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "patient_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "patient.patient_id"}},
                },
                {
                    "name": "arrived_at",
                    "type": "datetime",
                    "generator": {"datetime_series": {"within": "timeframe"}},
                },
                {
                    "name": "left_at",
                    "type": "datetime",
                    "generator": {"datetime_series": {"within": "timeframe"}},
                },
                {
                    "name": "status",
                    "type": "string",
                    "generator": {"choice": {"choices": ["done", "no_show"]}},
                },
                {
                    "name": "fee",
                    "type": "float",
                    "generator": {"distribution": {"type": "uniform"}},
                },
            ],
        },
    ],
}

T = dt.datetime
# 10 visits: patient 1 has 6, patient 2 has 3, patient 3 has 1, patient 4 none
VISIT = pa.table(
    {
        "visit_id": list(range(1, 11)),
        "patient_id": [1, 1, 1, 1, 1, 1, 2, 2, 2, 3],
        "arrived_at": [T(2024, 7, d, 9 if d % 2 else 20) for d in range(1, 11)],
        "left_at": [
            T(2024, 7, d, 9 if d % 2 else 20) + dt.timedelta(hours=2) for d in range(1, 11)
        ],
        "status": ["done"] * 8 + ["no_show"] * 2,
        "fee": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0],
    }
)
PATIENT = pa.table(
    {
        "patient_id": [1, 2, 3, 4],
        # patient 4 registered after its (no) visits; patient 3 after its visit on July 10
        "registered_at": [T(2024, 1, 1), T(2024, 2, 1), T(2024, 8, 1), T(2024, 9, 1)],
        "city": ["Madrid", "barcelona", "Madrid", "Paris"],
        "full_name": ["Hans Müller", "Anna Schmidt", "Jürgen Weber", "Yuki Tanaka"],
        "left_at": [None, T(2024, 10, 1), None, None],
    }
)


def context() -> Context:
    dataset = dsl.Dataset.model_validate(SCHEMA)
    sources = {"visit": ArrowSource("visit", VISIT), "patient": ArrowSource("patient", PATIENT)}
    return Context(dataset, sources)


def claim(binding: dict[str, Any], **expected: Any) -> dsl.Claim:
    return dsl.Claim(
        id="c1",
        text="a phrase",
        kind="rate",
        expected=dsl.ClaimExpected(**expected),
        bound_to=dsl.ClaimBinding.model_validate(binding),
        status="bound",
    )


def result(binding: dict[str, Any], **expected: Any) -> tuple[str, Any]:
    found = measure_claim(context(), claim(binding, **expected))
    return found.status, found.measured


def test_rows_exact_and_off() -> None:
    assert result({"measure": "rows", "table": "visit"}, value=10) == ("honoured", 10)
    assert result({"measure": "rows", "table": "visit"}, value=40, tolerance=1)[0] == (
        "not_honoured"
    )


def test_a_drawn_fact_may_be_off_by_its_sampling_spread_an_entity_not() -> None:
    # visits are drawn per patient: 10 for '11 visits' is within the spread (a tenth at most)
    found = measure_claim(context(), claim({"measure": "rows", "table": "visit"}, value=11))
    assert found.status == "honoured" and "sampling spread allowed" in (found.message or "")
    assert result({"measure": "rows", "table": "visit"}, value=12)[0] == "not_honoured"
    # patients are a table of stated rows: exact
    assert result({"measure": "rows", "table": "patient"}, value=5)[0] == "not_honoured"


def test_share_with_where_and_of() -> None:
    status, measured = result(
        {"measure": "share", "table": "visit", "where": "status == 'no_show'"},
        value=0.2,
        tolerance=0.01,
    )
    assert (status, measured) == ("honoured", 0.2)
    # among expensive visits (fee > 50: 5 rows) two are no-shows
    _, among = result(
        {"measure": "share", "table": "visit", "where": "status == 'no_show'", "of": "fee > 50"},
        value=0.4,
    )
    assert among == 0.4


def test_share_three_times_off_is_not_honoured_even_on_few_rows() -> None:
    status, _ = result(
        {"measure": "share", "table": "visit", "where": "status == 'no_show'"},
        value=0.9,
        tolerance=0.02,
    )
    assert status == "not_honoured"


def test_mean_and_range() -> None:
    assert result({"measure": "mean", "table": "visit", "column": "fee"}, value=55, tolerance=1)[
        1
    ] == pytest.approx(55.0)
    status, measured = result(
        {"measure": "range", "table": "visit", "column": "fee"}, min=10, max=100
    )
    assert (status, measured) == ("honoured", {"min": 10.0, "max": 100.0})
    assert result({"measure": "range", "table": "visit", "column": "fee"}, min=20, max=100)[0] == (
        "not_honoured"
    )


def test_window_needs_inside_and_coverage() -> None:
    binding = {"measure": "window", "table": "visit", "column": "arrived_at"}
    assert result(binding, min="2024-07-01", max="2024-07-12")[0] == "honoured"
    # inside Q3 but covering ten days of it
    assert result(binding, min="2024-07-01", max="2024-10-01")[0] == "not_honoured"
    assert result(binding, min="2024-07-02", max="2024-07-12")[0] == "not_honoured"


def test_grain_is_the_median_step() -> None:
    binding = {"measure": "grain", "table": "visit", "column": "arrived_at"}
    # steps alternate 35 h and 13 h (day 1 09:00 -> day 2 20:00 -> day 3 09:00 ...), five
    # of 35 h among nine: the median is 35 h
    assert result(binding, value=35 * 3600) == ("honoured", 35 * 3600.0)
    assert result(binding, value=86400)[0] == "not_honoured"
    # per series: patient 2's visits (days 7, 8, 9) are 35 h and 13 h apart
    by = {**binding, "by": "patient_id"}
    assert result(by, value=35 * 3600)[1] == 35 * 3600.0


def test_time_share_and_lift() -> None:
    binding = {
        "measure": "time_share",
        "table": "visit",
        "column": "arrived_at",
        "hours": [20, 21],
    }
    status, measured = result(binding, min=2.0, unit="lift")
    # half the rows in 2 of the 24 hours; the data spans July 1 09:00 to July 10 20:00 (227 h)
    assert measured["share"] == 0.5
    assert measured["lift"] == pytest.approx(0.5 / (18 / 227), rel=1e-3)
    assert status == "honoured"
    # ten rows leave a wide sampling allowance, but not this wide
    assert result(binding, min=20.0, unit="lift")[0] == "not_honoured"
    holiday = {**binding, "hours": None, "dates": [{"start": "2024-07-04", "end": "2024-07-05"}]}
    status, measured = result(holiday, value=0.1, tolerance=0.01)
    assert (status, measured["share"]) == ("honoured", 0.1)


def test_order_through_the_foreign_key() -> None:
    binding = {"measure": "order", "table": "visit", "first": "patient.registered_at",
               "then": "arrived_at"}  # fmt: skip
    status, measured = result(binding)
    assert measured == 0.9  # patient 3 registered after its visit
    assert status == "not_honoured"
    explicit = {**binding, "first": "patient_id->patient.registered_at"}
    assert result(explicit)[1] == 0.9
    assert result({**binding, "first": "arrived_at", "then": "left_at"}) == ("honoured", 1.0)


def test_duration_in_hours() -> None:
    binding = {"measure": "duration", "table": "visit", "start": "arrived_at", "end": "left_at",
               "unit": "h"}  # fmt: skip
    assert result(binding, value=2) == ("honoured", 2.0)
    assert result(binding, value=24)[0] == "not_honoured"


def test_distinct_values_in_top_share_fanout() -> None:
    assert result({"measure": "distinct", "table": "visit", "column": "status"}, value=2)[1] == 2
    places = {"measure": "values_in", "table": "patient", "column": "city",
              "values": ["Madrid", "Barcelona"]}  # fmt: skip
    status, measured = result(places)
    assert measured == {"within": 0.75, "missing": []} and status == "not_honoured"  # Paris
    status, measured = result({**places, "values": ["Madrid", "Barcelona", "Paris", "Rome"]})
    assert measured == {"within": 1.0, "missing": ["Rome"]} and status == "not_honoured"
    # the top 25% of patients (1 of 4) hold 6 of 10 visits
    top = {"measure": "top_share", "table": "visit", "column": "patient_id", "top": 0.25}
    assert result(top, min=0.5) == ("honoured", 0.6)
    fanout = {"measure": "fanout", "table": "visit"}
    status, measured = result(fanout, min=0, max=5)
    assert measured == {"min": 0, "mean": 2.5, "max": 6}
    assert status == "not_honoured"


def test_rows_per_period() -> None:
    binding = {"measure": "rows_per", "table": "visit", "column": "arrived_at", "per": "day"}
    status, measured = result(binding, value=1.1, tolerance=0.05)
    assert measured == pytest.approx(10 / 9) and status == "honoured"


def test_bad_bindings_are_named() -> None:
    dataset = dsl.Dataset.model_validate(SCHEMA)
    assert (
        "unknown measure `shares`"
        in binding_problems(
            dataset, dsl.ClaimBinding.model_validate({"measure": "shares", "table": "visit"})
        )[0]
    )
    problems = binding_problems(
        dataset,
        dsl.ClaimBinding.model_validate(
            {"measure": "share", "table": "visit", "where": "state == 'x'"}
        ),
    )
    assert problems and "state" in problems[0]
    status, _ = result({"measure": "mean", "table": "visit", "column": "missing"}, value=1)
    assert status == "unmeasurable"


def test_not_modelled_claim_is_reported_so() -> None:
    found = measure_claim(
        context(),
        dsl.Claim(id="c1", text="5 GB", kind="size", status="not_modelled", reason="bytes"),
    )
    assert found.status == "not_modelled"


def test_every_measure_describes_itself() -> None:
    assert {"rows", "share", "mean", "range", "window", "grain", "time_share", "order",
            "duration", "distinct", "values_in", "top_share", "fanout"} <= set(MEASURES)  # fmt: skip
    assert all(m.description and m.args for m in MEASURES.values())


def test_within_a_parent_span() -> None:
    binding = {"measure": "within", "table": "visit", "value": "arrived_at",
               "start": "patient.registered_at", "end": "left_at"}  # fmt: skip
    # patient 3 registered on August 1, after its visit of July 10
    assert result(binding) == ("not_honoured", 0.9)
    assert result(binding, min=0.85)[0] == "honoured"


def test_present_share_of_a_nullable_column() -> None:
    binding = {"measure": "present", "table": "patient", "column": "left_at"}
    assert result(binding, value=0.25, tolerance=0.01) == ("honoured", 0.25)


def test_locale_names_from_fakers_own_lists() -> None:
    binding = {"measure": "locale_names", "table": "patient", "column": "full_name",
               "locale": "de_DE"}  # fmt: skip
    status, share = result(binding, min=0.7)
    assert share == 0.75 and status == "honoured"  # Yuki Tanaka is no German name
    assert result({**binding, "locale": "ja_JP"}, min=0.7)[1] == 0.0
    assert result({**binding, "locale": "xx_XX"})[0] == "unmeasurable"


def test_time_variation_and_growth_need_enough_span() -> None:
    hours = {"measure": "time_variation", "table": "visit", "column": "arrived_at",
             "dimension": "hour"}  # fmt: skip
    status, variation = result(hours, min=1.0)
    assert status == "honoured" and variation > 3  # only 09:00 and 20:00 of 24 hours
    months = {**hours, "dimension": "month"}
    assert result(months, min=0.1)[0] == "unmeasurable"  # July only
    growth = {"measure": "growth", "table": "visit", "column": "arrived_at"}
    assert result(growth, value=0.2)[0] == "unmeasurable"


def test_growth_per_year_of_rows_and_of_a_value() -> None:
    # 100 rows a day in January, 110 in February, 121 in March...: +10% a month
    days = []
    day = dt.date(2024, 1, 1)
    while day < dt.date(2024, 7, 1):
        days += [T(day.year, day.month, day.day, 12)] * round(100 * 1.1 ** (day.month - 1))
        day += dt.timedelta(days=1)
    events = pa.table({"event_id": list(range(len(days))), "at": days,
                       "amount": [2.0] * len(days)})  # fmt: skip
    schema = {
        "version": "1.0",
        "nodes": [{"id": "event", "kind": "entity", "rows": len(days), "pk": "event_id",
                   "columns": [{"name": "event_id", "type": "int", "generator": {"sequence": {}}},
                               {"name": "at", "type": "datetime",
                                "generator": {"datetime_series": {"within": {
                                    "start": "2024-01-01", "end": "2024-07-01"}}}},
                               {"name": "amount", "type": "float",
                                "generator": {"distribution": {"type": "uniform"}}}]}],
    }  # fmt: skip
    ctx = Context(dsl.Dataset.model_validate(schema), {"event": ArrowSource("event", events)})
    binding = {"measure": "growth", "table": "event", "column": "at", "per": "month"}
    found = measure_claim(ctx, claim(binding, value=0.1, tolerance=0.01))
    assert found.status == "honoured" and found.measured == pytest.approx(0.1, abs=0.005)
    yearly = measure_claim(ctx, claim({**binding, "per": "year", "value": "amount"}, value=2.1))
    assert yearly.measured == pytest.approx(1.1**12 - 1, rel=0.02)


def test_preflight_names_a_bad_binding_with_its_path() -> None:
    from datagen.engine.preflight import preflight

    schema = {
        **SCHEMA,
        "claims": [
            {"id": "c1", "text": "8% no-shows", "kind": "rate", "status": "bound",
             "bound_to": {"measure": "shares", "table": "visit"}},
            {"id": "c2", "text": "in July", "kind": "window", "status": "bound",
             "bound_to": {"measure": "window", "table": "visit", "column": "arived_at"}},
            {"id": "c3", "text": "5 GB", "kind": "size", "status": "not_modelled",
             "reason": "bytes depend on the format"},
        ],
    }  # fmt: skip
    problems = [p for p in preflight(dsl.Dataset.model_validate(schema)) if "claims" in p.path]
    assert [p.path for p in problems] == ["claims[0].bound_to", "claims[1].bound_to"]
    assert "unknown measure `shares`" in problems[0].message
    assert problems[0].suggestion == "share"
    assert "no column `arived_at`" in problems[1].message


def test_the_dsl_names_every_registered_measure() -> None:
    described = dsl.ClaimBinding.model_fields["measure"].description or ""
    assert [m.strip() for m in described.split(",")] == list(MEASURES)


# --------------------------------------------------------------------------- groups compared


def test_compare_by_where_and_versus() -> None:
    # no-shows (fees 90, 100) over the rest (10..80: mean 45)
    binding = {"measure": "compare", "table": "visit", "column": "fee",
               "where": "status == 'no_show'"}  # fmt: skip
    status, ratio = result(binding, value=95 / 45, tolerance=0.01)
    assert status == "honoured" and ratio == pytest.approx(95 / 45)
    # against the first two visits only (10, 20: mean 15)
    versus = {**binding, "versus": "fee < 25"}
    assert result(versus, value=95 / 15, tolerance=0.01)[1] == pytest.approx(95 / 15)
    # two rows a group: sampling allows a wide band, not a ratio three times off
    assert result(versus, value=20, tolerance=1)[0] == "not_honoured"
    # noise widens the stated window by half of it at most: 6.3 is not 'three times' (3 +- 0.6)
    assert result(versus, value=3, tolerance=0.6)[0] == "not_honoured"
    assert result(versus, value=5.8, tolerance=0.6)[0] == "honoured"  # 6.33 is within 5.8 +- 0.9


def test_compare_by_time_cells_and_durations() -> None:
    # evening arrivals (20:00, even days) pay 60 on average, morning ones 50
    binding = {"measure": "compare", "table": "visit", "column": "fee", "time": "arrived_at",
               "hours": [20]}  # fmt: skip
    assert result(binding, min=1.1)[1] == pytest.approx(60 / 50)
    # every visit lasts 2 hours: evenings are not longer
    lengths = {"measure": "compare", "table": "visit", "start": "arrived_at", "end": "left_at",
               "time": "arrived_at", "hours": [20]}  # fmt: skip
    assert result(lengths, min=1.1) == ("not_honoured", 1.0)


def test_compare_needs_a_value_and_a_group() -> None:
    dataset = dsl.Dataset.model_validate(SCHEMA)
    no_group = dsl.ClaimBinding.model_validate({"measure": "compare", "table": "visit",
                                                "column": "fee"})  # fmt: skip
    assert "name the first group" in binding_problems(dataset, no_group)[0]
    both = dsl.ClaimBinding.model_validate(
        {
            "measure": "compare",
            "table": "visit",
            "column": "fee",
            "start": "arrived_at",
            "end": "left_at",
            "where": "fee > 1",
        }  # fmt: skip
    )
    assert "not both" in binding_problems(dataset, both)[0]
    bad = dsl.ClaimBinding.model_validate(
        {"measure": "compare", "table": "visit", "column": "fee", "time": "nope", "hours": [1]}
    )
    assert binding_problems(dataset, bad) == ["table `visit` has no column `nope`"]
    empty = {"measure": "compare", "table": "visit", "column": "fee", "where": "fee > 1000"}
    assert result(empty, min=1.1)[0] == "unmeasurable"


def test_range_scale_reads_a_fraction_as_percent() -> None:
    binding = {"measure": "range", "table": "visit", "column": "fee", "scale": 100}
    status, measured = result(binding, min=500)
    assert (status, measured) == ("honoured", {"min": 1000.0, "max": 10000.0})
    assert result(binding, min=1500)[0] == "not_honoured"


def test_duration_at_a_quantile() -> None:
    # gaps from registration (patient) to each visit, in days: patient 1's six visits are
    # 182..191 days after Jan 1, patient 2's three 157..159, patient 3's one -22
    binding = {"measure": "duration", "table": "visit", "start": "patient.registered_at",
               "end": "arrived_at", "unit": "days"}  # fmt: skip
    _, median = result(binding, max=1000)
    _, high = result({**binding, "quantile": 0.9}, max=1000)
    _, low = result({**binding, "quantile": 0.1}, max=1000)
    assert low < median < high
    assert result({**binding, "quantile": 0.9}, max=median)[0] == "not_honoured"


def test_rows_per_key_per_period() -> None:
    binding = {"measure": "rows_per_key", "table": "visit", "column": "arrived_at",
               "by": "patient_id", "per": "month"}  # fmt: skip
    # all in July: patient 1 has 6 visits, patient 2 three, patient 3 one, patient 4 none
    status, measured = result(binding, max=6)
    assert status == "honoured" and measured == {"mean": 2.5, "min": 1, "max": 6}
    assert result(binding, max=3)[0] == "not_honoured"  # "at most 3 a month": patient 1
    assert result(binding, value=2.5, tolerance=0.1)[0] == "honoured"
    assert result({**binding, "per": "day"}, max=1) == (
        "honoured",
        {"mean": 10 / (4 * 10), "min": 1, "max": 1},
    )


def test_a_comparison_reads_as_its_groups() -> None:
    from datagen.engine.validate.claims import expected_text

    ratio = {"kind": "ratio", "expected": {"value": 2.0, "tolerance": 0.4, "unit": "ratio",
                                           "values": ["partners", "associates"]}}  # fmt: skip
    assert expected_text(ratio) == "x2.00 ± 0.40; partners over associates"
    weekend = {"kind": "compare", "expected": {"min": 1.1, "weekdays": [5, 6], "unit": "ratio"}}
    assert expected_text(weekend) == "at least x1.10; Sat/Sun over the rest"
    bound = {"kind": "bound", "expected": {"min": 5, "unit": "percent"}}
    assert expected_text(bound) == "at least 5%"
