"""Claims in the authoring loop: merged into each draft, turned into repair problems, and
the extractor's cross-check; the HTML report's first section."""

from __future__ import annotations

from typing import Any

from datagen.agent.claims import extract_claims
from datagen.agent.claims.check import (
    attach_claims,
    claim_problems,
    merge_claims,
    uncovered_mentions,
)
from datagen.engine import dsl
from datagen.engine.htmlreport.claims import claims_section
from datagen.engine.validate import Report
from tests.test_claims_bind import SHOP


def test_an_authors_claim_is_kept_and_the_ones_it_left_out_are_added() -> None:
    extracted = extract_claims("100 customers with about 8% cancelled orders")
    mine = dsl.Claim(
        id="c1",
        text="100 customers",
        kind="count",
        expected=dsl.ClaimExpected(value=100),
        bound_to=dsl.ClaimBinding.model_validate({"measure": "rows", "table": "customer"}),
        status="bound",
    )
    merged, missing = merge_claims([mine], extracted)
    assert merged[0] is mine
    assert [c.text for c in merged] == ["100 customers", "about 8% cancelled orders"]
    assert missing == ["about 8% cancelled orders"]
    assert len({c.id for c in merged}) == 2


def test_attach_binds_the_gaps_and_says_what_the_author_left_out() -> None:
    mine = dsl.Claim(id="c1", text="100 customers", kind="count", status="not_modelled",
                     reason="kept small on purpose")  # fmt: skip
    dataset = dsl.Dataset.model_validate({**SHOP, "claims": [mine.model_dump()]})
    extracted = extract_claims("100 customers, mostly from phones, 40 bakeries")
    attached, notes = attach_claims(dataset, extracted)
    by_text = {c.text: c for c in attached.claims}
    assert by_text["100 customers"].status == "not_modelled"  # the author's word stands
    assert by_text["mostly from phones"].status == "bound"
    assert by_text["40 bakeries"].status == "not_modelled"
    assert any("left out" in n and "mostly from phones" in n for n in notes)
    assert any(n.startswith("'40 bakeries': not modelled") for n in notes)


def report_with(*claims: dict[str, Any]) -> Report:
    return Report.from_checks([], {}, [], list(claims))


def measured(text: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "text": text,
        "kind": "rate",
        "bound_to": {"measure": "share", "table": "order", "where": "status == 'cancelled'"},
        "expected": {"value": 0.08, "tolerance": 0.02, "unit": "share"},
        "measured": 0.24,
        "status": status,
        "message": "measured 0.24 on 300 rows",
        **extra,
    }


def test_claims_not_honoured_become_problems_quoting_phrase_and_measure() -> None:
    report = report_with(
        measured("about 8% cancelled", "not_honoured"),
        {**measured("5 GB", "not_modelled"), "message": "bytes depend on the format"},
        {**measured("40 bakeries", "honoured")},
    )
    problems = claim_problems(report)
    assert [p.path for p in problems] == ["claims[0]", "claims[1]"]
    first = problems[0].render()
    assert "'about 8% cancelled': expected 8% ± 2%, measured 24%" in first
    assert "not honoured" in first and "change the generators" in first
    assert "not modelled" in problems[1].render()


def test_the_score_cannot_be_100_with_a_claim_failing() -> None:
    from datagen.engine.validate import Check

    checks = [Check("structural", "x", "t", None, True, 1, 1)]
    perfect = Report.from_checks(checks, {}, [], [measured("a", "honoured")])
    one_off = Report.from_checks(
        checks, {}, [], [measured("a", "honoured")] * 9999 + [measured("b", "not_modelled")]
    )
    assert perfect.score == 100 and one_off.score < 100
    assert one_off.checks_score == 100 and one_off.fidelity == 0.9999


def test_numbers_and_holidays_no_claim_covers_are_reported() -> None:
    text = "a shop with 40 stores, version 7 of the app, 12 tills and sales at Easter"
    claims = [c for c in extract_claims(text) if c.text == "40 stores"]
    # a version number names a thing, it states no fact about the data
    assert uncovered_mentions(text, claims) == ["12 tills", "sales at Easter"]
    assert uncovered_mentions(text, extract_claims(text)) == []


def test_html_report_opens_with_what_you_asked_for() -> None:
    html = claims_section(
        report_with(measured("about 8% cancelled", "not_honoured"), measured("x", "honoured"))
    )
    assert html.startswith('<section id="asked"><h2>What you asked for')
    assert "1/2 honoured" in html
    assert html.index("about 8% cancelled") < html.index("“x”")
    assert 'data-status="not_honoured"' in html and "8% ± 2%" in html and "24%" in html


def test_the_html_page_puts_what_you_asked_for_before_the_score() -> None:
    from datagen.agent.claims import bind_claims
    from datagen.engine.execute import dry_run
    from datagen.engine.htmlreport import html_report_for_tables
    from datagen.engine.validate import validate_tables

    dataset = dsl.Dataset.model_validate(SHOP)
    dataset, _ = bind_claims(dataset, extract_claims("100 customers mostly from phones"))
    tables = dry_run(dataset, seed=1, rows_per_table=100)
    report = validate_tables(dataset, tables)
    html = html_report_for_tables(dataset, tables, report)
    assert html.index('<section id="asked">') < html.index('<section id="score"')
    assert "“100 customers”" in html and "“mostly from phones”" in html
    embedded = html[html.index('id="datagen-report">') :]
    assert '"claims": [' in embedded


def test_the_system_prompt_lists_every_measure_and_the_new_kinds() -> None:
    from datagen.engine.validate.claims import MEASURES
    from datagen.prompts import load_prompts

    system = load_prompts().system()
    section = system[system.index("## Claims") : system.index("## Clarifications")]
    for name in MEASURES:
        assert f"- `{name}` (" in section
    for kind in ("`compare`", "`ratio`", "`bound`", "`unread`"):
        assert kind in section


def test_the_offline_author_stops_repairing_when_the_repair_changes_nothing() -> None:
    """Every failing offline run drafted four identical schemas (three repairs that changed
    nothing); the second identical draft now ends the loop with the first one's result."""
    from datagen.agent.loop import LoopSettings, author
    from datagen.agent.offline.provider import OfflineAuthor
    from datagen.agent.transcript import Transcript

    said: list[str] = []
    transcript = Transcript()
    result = author(
        "A dental practice with 5 dentists and 300 patients; visits are longer for "
        "left-handed patients",  # no handedness to tell them apart: a claim it cannot honour
        OfflineAuthor(),
        settings=LoopSettings(dry_run_rows=50, min_fidelity=1.0),
        transcript=transcript,
        progress=said.append,
    )
    assert len(result.attempts) == 1 and result.repairs_used == 0
    assert len(transcript.of_type("turn")) == 2 and transcript.of_type("same_draft")
    assert any("the same schema as draft 1" in line for line in said)
    assert result.report is not None and result.report.fidelity < 1
