"""Every eval case under evals/cases holds for the offline author (without the dry-run score).

The scores are `datagen eval --provider offline`'s job; this checks the shape
expectations (tables, rows, columns, keys, targets, constraints, questions)
in a fraction of a second per case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen.agent.evals import scorers
from datagen.agent.evals.cases import Case, load_cases
from datagen.agent.offline import RefusedDescription, author
from datagen.agent.offline.provider import questions_for
from datagen.engine.load import parse_dataset
from datagen.engine.plan import build_plan
from datagen.engine.relations import foreign_keys

CASES_DIR = Path(__file__).resolve().parent.parent / "evals" / "cases"
CASES = load_cases(CASES_DIR)


def test_enough_cases() -> None:
    assert len(CASES) >= 40
    assert sum(c.expect_error == "refused" for c in CASES) >= 2


# Field cases the offline author does not get right yet; strict, so one that starts passing
# must leave (each listed with its reason).
# the lead's unseen descriptions of session 6 (evals/cases/lead_unseen_round7.yaml):
# strict, so each entry must go when its case passes
KNOWN_GAPS: dict[str, str] = {
    "unseen7_bakery_daily_sales": "junk customer, food_order, order_item at a bakery",
    "unseen7_clinical_trial_arms": "a researcher table; 'randomised 1:1 to drug or placebo' unread",
    "unseen7_elearning_enrolments": "enrolment under quiz: 240,000 rows for 2 per learner",
    "unseen7_dental_cleanings": "'cleanings' became a table (with a room table)",
    "unseen7_support_tickets": "a user table owns the tickets, not the customer accounts",
    "unseen7_library_fines": "a traffic_officer owns the library fines",
    "unseen7_farm_soil_sensors": "no field table; the IoT template's site/device instead",
    "unseen7_esports_league": "'16 teams of 6 players' made 6 players; 608 matches for 240",
}


def _case_param(case: Case) -> object:
    reason = KNOWN_GAPS.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


def test_known_gaps_keep_the_pass_rate() -> None:
    assert len(KNOWN_GAPS) <= 0.05 * len(CASES)


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_case(case: Case) -> None:
    if case.expect_error == "refused":
        with pytest.raises(RefusedDescription):
            author(case.description, case.answers)
        return
    expect = case.expect
    asked = questions_for(case.description, {})
    if expect.max_clarifications is not None:
        assert len(asked) <= expect.max_clarifications
    answers = {q.key: case.answers.get(q.key, q.question.default) for q in asked}
    dataset = parse_dataset(author(case.description, answers))
    ids = [n.id for n in dataset.nodes]
    ok, detail = scorers.tables_present(dataset, expect)
    assert ok, detail
    if expect.tables:
        ok, detail = scorers.no_junk_tables(dataset, expect)
        assert ok, detail
    if expect.absent_tables:
        ok, detail = scorers.tables_absent(dataset, expect)
        assert ok, detail
    if expect.min_tables is not None:
        assert len(ids) >= expect.min_tables
    if expect.min_foreign_keys is not None:
        assert len(foreign_keys(dataset)) >= expect.min_foreign_keys
    plan = build_plan(dataset, seed=1)
    rows = {t: p.estimated_rows for t, p in plan.tables.items()}
    failed = [detail for ok, detail in scorers.rows_within(dataset, expect, rows) if not ok]
    assert not failed, failed
    for table, columns in expect.columns.items():
        node = dataset.node(table)
        assert node is not None
        assert all(node.column(c) is not None for c in columns), (table, columns)
    for kind in expect.targets:
        assert getattr(dataset.targets, kind), kind
    for kind in expect.constraints:
        assert getattr(dataset.constraints, kind), kind
    misbound = [detail for ok, detail in scorers.claims_bound(case, dataset) if not ok]
    assert not misbound, misbound
