"""Eval cases list their expected claims; the claims scorer measures recall and honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datagen.agent.evals.cases import load_cases
from datagen.engine.errors import InputError


def write_case(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_expected_claims_are_read(tmp_path: Path) -> None:
    path = write_case(
        tmp_path,
        "id: c\ndescription: 40 bakeries with about 8% no-shows\n"
        "expected_claims:\n  - {text: 40 bakeries, kind: count}\n"
        "  - {text: About 8%  no-shows, kind: rate}\n",
    )
    (case,) = load_cases(path)
    assert [(c.text, c.kind) for c in case.expected_claims] == [
        ("40 bakeries", "count"),
        ("About 8%  no-shows", "rate"),
    ]


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ("{text: 41 bakeries, kind: count}", "not in the description"),
        ("{text: 40 bakeries, kind: counts}", "expected_claims.0.kind"),
        ("{text: 40 bakeries}", "expected_claims.0.kind"),
    ],
)
def test_bad_expected_claims_name_the_place(tmp_path: Path, claim: str, message: str) -> None:
    path = write_case(tmp_path, f"id: c\ndescription: 40 bakeries\nexpected_claims:\n  - {claim}\n")
    with pytest.raises(InputError, match=message):
        load_cases(path)


def case_file(tmp_path: Path, claims: str) -> Path:
    return write_case(
        tmp_path,
        "id: shop\ndescription: An online shop with 2,000 customers, orders during 2024 with "
        "weekend spikes and about 7 percent gift cards\n"
        f"expected_claims:\n{claims}",
    )


def test_claims_scorer_counts_recall_and_honoured(tmp_path: Path) -> None:
    from datagen.agent.evals.scorers import RunOutcome, score_claims

    (case,) = load_cases(
        case_file(
            tmp_path,
            '  - {text: "2,000 customers", kind: count}\n'
            "  - {text: weekend spikes, kind: time_pattern}\n"
            "  - {text: during 2024, kind: count}\n",  # the wrong kind: never found
        )
    )
    measured = [
        {"text": "2,000 customers", "kind": "count", "status": "honoured"},
        {"text": "weekend spikes", "kind": "time_pattern", "status": "not_honoured"},
    ]
    scored = score_claims(case, RunOutcome(None, claims=measured))
    assert scored == {
        "expected": 3,
        "found": 2,
        "honoured": 1,
        "missed": ["count 'during 2024'"],
        "not_honoured": ["'weekend spikes': not honoured", "'during 2024': absent"],
        "unread": [],
    }
    # a phrase no rule read is listed with the case
    unread = {"text": "ids carry a 7-character code", "kind": "unread", "status": "not_modelled"}
    scored = score_claims(case, RunOutcome(None, claims=[*measured, unread]))
    assert scored is not None and scored["unread"] == ["ids carry a 7-character code"]


def test_eval_fails_below_the_claims_bars(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from datagen.agent.cli import main

    path = case_file(
        tmp_path,
        '  - {text: "2,000 customers", kind: count}\n'
        "  - {text: weekend spikes, kind: time_pattern}\n"
        "  - {text: about 7 percent gift cards, kind: rate}\n",
    )
    report = tmp_path / "eval.json"
    args = ["eval", "--cases", str(path), "--min-pass", "0", "--report", str(report)]
    loose = CliRunner().invoke(main, args)
    assert loose.exit_code == 0, loose.output
    totals = json.loads(report.read_text())["totals"]
    assert totals["claims_expected"] == 3 and totals["claims_recall"] == 1.0
    honoured = totals["claims_honoured_share"]
    assert "claims: 3 expected; extracted 3 (recall 100.0%" in loose.output
    strict = CliRunner().invoke(main, [*args, "--min-claims-honoured", "1"])
    assert strict.exit_code == (0 if honoured == 1 else 1), strict.output
    recall = CliRunner().invoke(main, [*args, "--min-claims-recall", "1"])
    assert recall.exit_code == 0


def test_a_claim_bound_to_what_its_words_do_not_name_fails_the_case(tmp_path: Path) -> None:
    """`bound_to` words: 'an average lead time of 30 days' measured on `nights` scored
    honoured (score 100); the case says what the binding must name, so that is a failure."""
    from datagen.agent.evals.scorers import claims_bound
    from datagen.engine.load import parse_dataset

    (case,) = load_cases(
        write_case(
            tmp_path,
            "id: hotel\ndescription: 700 reservations with an average lead time of 30 days\n"
            "expected_claims:\n"
            "  - {text: an average lead time of 30 days, kind: duration, bound_to: [lead]}\n",
        )
    )

    def dataset(column: str):  # type: ignore[no-untyped-def]
        return parse_dataset(
            {
                "version": "1.0",
                "nodes": [
                    {
                        "id": "reservation",
                        "kind": "entity",
                        "rows": 700,
                        "columns": [{"name": column, "type": "int", "generator": {"sequence": {}}}],
                    }
                ],
                "claims": [
                    {
                        "id": "c1",
                        "text": "an average lead time of 30 days",
                        "kind": "duration",
                        "expected": {"value": 30, "unit": "days"},
                        "status": "bound",
                        "bound_to": {"measure": "mean", "table": "reservation", "column": column},
                    }
                ],
            }
        )

    [(ok, detail)] = claims_bound(case, dataset("nights"))
    assert not ok and "names none of ['lead']" in detail
    [(ok, _)] = claims_bound(case, dataset("lead_time_days"))
    assert ok
