"""Eval cases list their expected claims; the claims scorer measures recall and honoured."""

from __future__ import annotations

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
