"""Recording and replay of Messages API exchanges, through the real SDK and the real loop.

The recordings here are written for the test: Messages API response bodies
(one valid first draft, one draft that needs a repair, one clarification),
sealed into recordings by running them once, then replayed strictly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from datagen.agent.commands.eval import eval_cmd
from datagen.agent.evals.cases import Case, Expect, load_cases
from datagen.agent.evals.recordings import (
    Recording,
    first_difference,
    load_recording,
    save_recording,
)
from datagen.agent.evals.runner import replay_sessions, run_cases, seal_recording
from tests.agent_fixtures import (
    MESSAGES_URL,
    broken_schema,
    ok,
    question_message,
    schema_message,
    small_schema,
    usage,
)

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")

REPO = Path(__file__).resolve().parents[1]

CASES = [
    Case(
        id="first_draft",
        description="a tiny shop",
        expect=Expect.model_validate({"tables": ["customer", "order"], "max_repairs": 0}),
    ),
    Case(
        id="repair",
        description="a tiny shop, repaired",
        expect=Expect.model_validate({"max_repairs": 1, "min_score": 90}),
    ),
    Case(
        id="clarify",
        description="a shop of some size",
        answers={"customers": "40"},
        expect=Expect.model_validate({"rows": {"customer": [40, 40]}, "max_clarifications": 1}),
    ),
]

RESPONSES: dict[str, list[dict[str, Any]]] = {
    "first_draft": [schema_message(small_schema(), tokens=usage(100, 50, cache_write=900))],
    "repair": [
        schema_message(broken_schema(), call_id="toolu_a", tokens=usage(100, 50)),
        schema_message(small_schema(), call_id="toolu_b", tokens=usage(300, 60, cache_read=900)),
    ],
    "clarify": [
        question_message("How many customers?", "1000", ["40", "1000"], tokens=usage(90, 20)),
        schema_message(small_schema(), call_id="toolu_s", tokens=usage(150, 50)),
    ],
}


def hand_written(case_id: str) -> Recording:
    recording = Recording(case_id, source="hand-written", model="claude-sonnet-4-5")
    for body in RESPONSES[case_id]:
        recording.add({"model": "claude-sonnet-4-5"}, 200, body)  # requests come from sealing
    return recording


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("recordings")
    for case in CASES:
        sealed, result = seal_recording(case, hand_written(case.id))
        assert result.passed, result.failures
        save_recording(directory, sealed)
    return directory


def by_id(directory: Path, cases: list[Case] = CASES) -> dict[str, Any]:
    return {r.id: r for r in run_cases(cases, replay_sessions(directory), "replay")}


def test_a_sealed_recording_holds_every_request_and_response(recordings: Path) -> None:
    recording = load_recording(recordings, "repair")
    assert recording is not None and recording.source == "hand-written"
    assert [e.turn for e in recording.exchanges] == [1, 2]
    second = recording.exchanges[1].request
    assert second["tools"] == ["write_schema", "ask_clarification"]
    assert second["tool_choice"]["name"] == "write_schema"
    tool_result = second["messages"][-1]["content"][0]
    assert tool_result["is_error"] is True and "weightz" in tool_result["content"]
    assert recording.exchanges[1].response == RESPONSES["repair"][1]


def test_replay_answers_through_the_sdk_and_the_loop(recordings: Path) -> None:
    results = by_id(recordings)
    assert all(r.passed for r in results.values()), {i: r.failures for i, r in results.items()}
    assert (results["first_draft"].repairs, results["first_draft"].tokens) == (0, 1050)
    assert (results["repair"].repairs, results["repair"].tokens) == (1, 1410)
    clarify = results["clarify"]
    assert (clarify.clarifications, clarify.repairs, clarify.tokens) == (1, 0, 310)
    assert all(r.notes == [] for r in results.values())


def test_a_changed_request_is_a_clear_failure_never_a_live_call(recordings: Path) -> None:
    # The conftest guard would turn any real connection into an error, too.
    changed = Case(id="repair", description="a tiny shop, reworded", expect=Expect())
    (result,) = by_id(recordings, [changed]).values()
    assert not result.passed
    (failure,) = result.failures
    assert failure.startswith("no schema: replay of case `repair`, turn 1: ")
    assert "$.messages[0].content: recorded" in failure and "reworded" in failure


def test_a_different_answer_mismatches_at_the_turn_that_carries_it(recordings: Path) -> None:
    other = Case(id="clarify", description="a shop of some size", answers={"customers": "41"})
    (result,) = by_id(recordings, [other]).values()
    assert "replay of case `clarify`, turn 2: " in result.failures[0]
    assert "The user answered: 41" in result.failures[0]


def test_a_recording_that_ends_early_or_is_missing(recordings: Path, tmp_path: Path) -> None:
    short = load_recording(recordings, "repair")
    assert short is not None
    short.exchanges = short.exchanges[:1]
    save_recording(tmp_path, short)
    (result,) = by_id(tmp_path, [CASES[1]]).values()
    assert "turn 2: the recording ends after 1 request(s)" in result.failures[0]
    (missing,) = by_id(tmp_path, [CASES[0]]).values()
    assert missing.failures == [
        f"no schema: no recording for case `first_draft` in {tmp_path} "
        "(record it with `--provider anthropic --record` and a key)"
    ]


def test_a_changed_system_prompt_replays_but_is_marked_stale(
    recordings: Path, tmp_path: Path
) -> None:
    recording = load_recording(recordings, "first_draft")
    assert recording is not None
    recording.prompt_digest = "0" * 64
    save_recording(tmp_path, recording)
    (result,) = by_id(tmp_path, [CASES[0]]).values()
    assert result.passed
    assert result.notes == ["stale recording: the system prompt or tool schemas changed since"]


def test_first_difference_names_the_place() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == (
        "$.a[1].b: recorded 2, now 3"
    )
    assert first_difference({"a": 1}, {"a": 1, "c": 2}) == "$.c: new, not in the recording"
    assert first_difference([1, 2], [1]) == "$: 2 item(s) recorded, 1 now"
    assert first_difference({"a": 1}, {"a": 1}) is None


def test_record_over_mocked_http_then_replay_without_a_key(
    httpx2_mock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {id: repair, description: 'a tiny shop, repaired', expect: {max_repairs: 1}}\n"
    )
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(body) for body in RESPONSES["repair"]]
    )
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    store = tmp_path / "recordings"
    args = ["--cases", str(cases), "--recordings", str(store), "--min-pass", "1"]
    result = CliRunner().invoke(eval_cmd, [*args, "--provider", "anthropic", "--record"])
    assert result.exit_code == 0, result.output
    assert route.call_count == 2
    saved = json.loads((store / "repair.json").read_text())
    assert saved["source"] == "recorded" and saved["model"] == "claude-sonnet-4-6"
    assert [e["response"] for e in saved["exchanges"]] == RESPONSES["repair"]

    monkeypatch.delenv("ANTHROPIC_API_KEY")
    report = tmp_path / "replay.json"
    result = CliRunner().invoke(eval_cmd, [*args, "--provider", "replay", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert route.call_count == 2  # replay never reached the (mocked) network
    (case,) = json.loads(report.read_text())["cases"]
    assert (case["passed"], case["repairs"], case["provider"]) == (True, 1, "replay")


def test_the_committed_hand_written_recordings_replay_and_pass() -> None:
    cases = REPO / "evals" / "recordings" / "cases.yaml"
    assert {c.id for c in load_cases(cases)} == {
        "replay_first_draft",
        "replay_repair",
        "replay_clarification",
    }
    for case_id in ("replay_first_draft", "replay_repair", "replay_clarification"):
        recording = load_recording(REPO / "evals" / "recordings", case_id)
        assert recording is not None and recording.source == "hand-written"
    result = CliRunner().invoke(
        eval_cmd,
        [
            "--provider",
            "replay",
            "--cases",
            str(cases),
            "--recordings",
            str(REPO / "evals" / "recordings"),
            "--min-pass",
            "1",
            "--jobs",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "passed 3/3" in result.output
