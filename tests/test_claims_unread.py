"""Phrases that state a fact no rule reads: each becomes an `unread` claim, not modelled, so
the fidelity says it and the score cannot reach 100 (agent/claims/check.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datagen.agent.claims import extract_claims
from datagen.agent.claims.check import attach_claims, merge_claims, unread_claims
from datagen.engine import dsl
from tests.cli_helpers import run_cli as datagen  # in-process: flags, files, exit codes
from tests.test_claims_bind import SHOP


def unread(text: str) -> list[str]:
    return [c.text for c in unread_claims(text, extract_claims(text))]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("ticket ids carry a 7-character code", "ticket ids carry a 7-character code"),
        ("partners earn twice what juniors make", "partners earn twice what juniors make"),
        ("quieter stores after the rebrand", "quieter stores after the rebrand"),
        ("bonuses, capped at a third of pay", "capped at a third of pay"),
        ("a 3x jump in signups", "3x jump in signups"),
        ("emails are always unique", "emails are always unique"),
        ("orders since January 15, 2024", "orders since January 15, 2024"),
        ("ages never null", "ages never null"),
    ],
)
def test_a_phrase_stating_a_fact_that_nothing_reads_is_an_unread_claim(
    text: str, phrase: str
) -> None:
    claims = unread_claims(text, [])
    assert [c.text for c in claims] == [phrase]
    claim = claims[0]
    assert claim.kind == "unread" and claim.status == "not_modelled"
    assert claim.reason is not None and "not understood" in claim.reason


@pytest.mark.parametrize(
    "text",
    [
        "A realistic dataset of customers and orders for an online shop",
        "Generate a dataset of patients, doctors and appointments with realistic names",
        "An e-commerce store with products, customers, orders and order lines, and more",
        "synthetic data for a CRM: accounts, contacts, deals",
        "City 311 service requests from residents",
        "a 24/7 support desk with version 2 of the ticket form",
        "IoT sensors on 4G modems and B2B invoices",
        "one table of users with a few orders each",
        "I need more data for testing",
        "a larger dataset for benchmarking our warehouse",
        "bigger tables for load tests",
        "generate more rows in the orders table",
        "with more columns for customers",
        "higher quality data for demos",
        "stock prices for S&P 500 companies",
        "timestamps in ISO 8601 format",
        "1:1 meetings between managers and reports",
        "a Web 3.0 wallet app",
        "please always use realistic names",
        "never use real customer data",
        "the data must not contain PII",
        "a 2-sided marketplace",
        "step 1 of the funnel",
    ],
)
def test_phrases_with_no_fact_are_not_flagged(text: str) -> None:
    assert unread(text) == []
    assert [c.kind for c in extract_claims(text) if c.kind in ("compare", "ratio")] == []


def test_what_a_claim_covers_is_not_flagged_again() -> None:
    text = "900 scooters in Lisbon, rides during summer 2024, discharge always after arrival"
    assert unread(text) == []


def test_the_two_tries_quote_each_phrase_nothing_else_read() -> None:
    scooters = (
        "Electric scooter rentals in Lisbon: 900 scooters, 40,000 rides over summer 2024, "
        "longer rides on weekends, battery level never below 5%"
    )
    claims = extract_claims(scooters)
    texts = [c.text for c in claims + unread_claims(scooters, claims)]
    for phrase in ("longer rides on weekends", "battery level never below 5%"):
        assert any(phrase in t for t in texts), texts
    law = (
        "A small law firm: 30 lawyers, 400 clients, 2,000 billable time entries; partners "
        "bill about twice the hourly rate of associates"
    )
    claims = extract_claims(law)
    texts = [c.text for c in claims + unread_claims(law, claims)]
    assert any("twice the hourly rate of associates" in t for t in texts), texts


def test_unread_claims_stay_in_every_draft_and_come_first() -> None:
    text = "100 customers, ticket ids carry a 7-character code"
    extracted = extract_claims(text)
    extracted += unread_claims(text, extracted)
    dataset = dsl.Dataset.model_validate(SHOP)
    attached, _ = attach_claims(dataset, extracted)
    assert [c.kind for c in attached.claims] == ["unread", "count"]
    assert attached.claims[0].status == "not_modelled"
    assert len({c.id for c in attached.claims}) == 2


def test_an_author_models_an_unread_phrase_only_by_quoting_most_of_it() -> None:
    text = "battery level never below 5%"
    (phrase,) = unread_claims(text, [])

    def mine(quote: str) -> dsl.Claim:
        return dsl.Claim(id="a1", text=quote, kind="bound", status="not_modelled", reason="x")

    merged, _ = merge_claims([mine("5%")], [phrase])
    assert [c.kind for c in merged] == ["bound", "unread"]  # '5%' does not model it
    merged, _ = merge_claims([mine("battery level never below 5%")], [phrase])
    assert [c.kind for c in merged] == ["bound"]


def test_create_with_an_unread_phrase_scores_under_100_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "desk"
    text = "A help desk with 300 customers and support tickets; ticket ids carry a 7-character code"
    proc = datagen(
        "create", "-d", text, "--out", str(out), "--provider", "offline", "--no-input",
        "--max-repairs", "0",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads((out / "report.json").read_text())
    first = report["claims"][0]
    assert first["kind"] == "unread" and first["status"] == "not_modelled"
    assert first["text"] == "ticket ids carry a 7-character code"
    assert report["score"] < 100 and report["categories"]["fidelity"]["rate"] < 1
    asked = proc.stdout[proc.stdout.index("What you asked for") :]
    assert asked.splitlines()[1].startswith("  ✗ 'ticket ids carry a 7-character code'")


def test_the_claims_command_lists_unread_phrases() -> None:
    from click.testing import CliRunner

    from datagen.agent.cli import main

    text = "900 scooters, ticket ids carry a 7-character code"
    result = CliRunner().invoke(main, ["claims", "--json", text])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)
    assert [(c["text"], c["kind"], c["status"]) for c in claims] == [
        ("900 scooters", "count", "unbound"),
        ("ticket ids carry a 7-character code", "unread", "not_modelled"),
    ]
    table = CliRunner().invoke(main, ["claims", text])
    assert "not understood" in table.output


def test_a_place_no_claim_covers_is_unread_and_a_longer_name_is_one_place() -> None:
    assert unread("couriers, the Lisbon team's riders") == ["Lisbon team's riders"]
    (place,) = [c for c in extract_claims("a Lisbon bakery with 3 ovens") if c.kind == "place"]
    assert (place.text, place.expected.values) == ("Lisbon", ["Lisbon"])
    # 'York' inside 'New York', a name of a firm: no place of its own
    assert unread("a taxi firm named Big York Cabs") == []
    (place,) = [c for c in extract_claims("taxis in New York") if c.kind == "place"]
    assert place.expected.values == ["New York City"]
    (place,) = [c for c in extract_claims("shops in Los Angeles") if c.kind == "place"]
    assert place.expected.values == ["Los Angeles"]  # the US city, the most populous one


def test_an_unread_phrase_asks_the_author_to_model_and_quote_it() -> None:
    from datagen.agent.claims.check import claim_problems
    from datagen.engine.validate import Report

    claim = {"id": "c1", "text": "ticket ids carry a 7-character code", "kind": "unread",
             "bound_to": None, "expected": {}, "measured": None, "status": "not_modelled",
             "message": "not understood by the claim extractor"}  # fmt: skip
    (problem,) = claim_problems(Report.from_checks([], {}, [], [claim]))
    text = problem.render()
    assert "'ticket ids carry a 7-character code': not modelled" in text
    assert "add a claim quoting the phrase" in text


def test_an_llm_models_an_unread_phrase_after_the_repair_turn_names_it(tmp_path: Path) -> None:
    from tests.agent_fixtures import (
        FakeMessagesServer,
        last_tool_result,
        schema_message,
        small_schema,
    )

    text = "a tiny shop whose order amounts are clipped at the store's 500 cap"
    phrase = "whose order amounts are clipped at the store's 500 cap"
    modelled = small_schema()
    modelled["claims"] = [
        {"id": "a1", "text": phrase, "kind": "bound", "expected": {"max": 500},
         "bound_to": {"measure": "range", "table": "order", "column": "amount"},
         "status": "bound"},
    ]  # fmt: skip
    replies = [
        (200, schema_message(small_schema(), call_id="toolu_1"), {}),
        (200, schema_message(modelled, call_id="toolu_2"), {}),
    ]
    out = tmp_path / "shop"
    with FakeMessagesServer(replies) as server:
        proc = datagen(
            "create", "--description", text, "--out", str(out), "--no-input", "--no-generate",
            env={"ANTHROPIC_API_KEY": "sk-local", "ANTHROPIC_BASE_URL": server.url},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    repair = json.dumps(last_tool_result(server.requests[1]["body"]))
    assert phrase in repair
    assert "add a claim quoting the phrase" in repair
    report = json.loads((out / "report.json").read_text())
    assert [(c["text"], c["kind"], c["status"]) for c in report["claims"]] == [
        (phrase, "bound", "honoured")
    ]
    assert report["score"] == 100


def test_the_loop_tells_the_author_which_phrases_no_rule_read() -> None:
    from datagen.agent.loop import DraftChecker, LoopSettings, author
    from datagen.agent.providers.scripted import ScriptedProvider
    from tests.agent_fixtures import small_schema

    text = "a tiny shop with 40 customers; ticket ids carry a 7-character code"
    provider = ScriptedProvider([small_schema()])
    checker = DraftChecker(LoopSettings(max_repairs=0))
    result = author(text, provider, checker=checker, settings=LoopSettings(max_repairs=0))
    assert provider.seen[0].claims == [
        '"40 customers" (count)',
        '"ticket ids carry a 7-character code" (unread: not understood by the extractor)',
    ]
    said = "'ticket ids carry a 7-character code': not understood as a claim, so not checked"
    assert f"{said} on the data" in result.assumptions
    assert [c.kind for c in result.dataset.claims][0] == "unread"
    assert result.report is not None and result.report.fidelity is not None
    assert result.report.fidelity < 1 and result.score is not None and result.score < 100


def test_an_unread_number_is_not_covered_by_a_claim_whose_number_starts_with_it() -> None:
    """The lead's bike-sharing try scored 100 while it said "'5': not understood": the unread
    '5' (of 'or 5 and 7pm') counted as covered by '500,000 trips' (a substring)."""
    (phrase,) = unread_claims("rides peak at 9 or 5", [])

    def mine(quote: str) -> dsl.Claim:
        return dsl.Claim(id="a1", text=quote, kind="count", status="not_modelled", reason="x")

    for other in ("500,000 trips", "15 stations", "2.5 hours", "5,000 bikes"):
        unread_five = phrase.model_copy(update={"text": "5"})
        merged, _ = merge_claims([mine(other)], [unread_five])
        assert [c.kind for c in merged] == ["count", "unread"], other
    merged, _ = merge_claims([mine("or 5 and 7pm")], [phrase.model_copy(update={"text": "5"})])
    assert [c.kind for c in merged] == ["count"]


def test_which_value_is_usual_is_read_as_a_mode() -> None:
    """'level 3 most common' was dropped silently (a naming number); 'mostly 4 and 5' was a
    range of `mostly`, and cut at 'and' it quoted '5' alone; both are now mode claims, and
    nothing of the text is left unread."""
    text = "Course ratings go from 1 to 5 stars, mostly 4 and 5; triage levels 1 to 5 with level 3 most common"
    claims = extract_claims(text)
    assert [(c.kind, c.text, c.about) for c in claims] == [
        ("range", "ratings go from 1 to 5 stars", ["rating"]),
        ("mode", "mostly 4 and 5", ["course", "rating"]),
        ("range", "triage levels 1 to 5", ["triage", "level"]),
        ("mode", "level 3 most common", ["triage", "level"]),
    ]
    assert unread_claims(text, claims) == []
