"""`datagen create` end to end: the real SDK over mocked HTTP, and the executable over a local server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from datagen.agent.cli import main
from datagen.agent.providers import anthropic as provider_mod
from datagen.engine.publish import claim
from tests.agent_fixtures import (
    MESSAGES_URL,
    FakeMessagesServer,
    api_error,
    bad_reference_schema,
    broken_schema,
    last_tool_result,
    ok,
    question_message,
    request_bodies,
    schema_message,
    small_schema,
    usage,
)
from tests.cli_helpers import datagen

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    monkeypatch.delenv("DATAGEN_MODEL", raising=False)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr(provider_mod, "wait_seconds", recorded.append)
    return recorded


def create(
    out: Path, *args: str, input: str | None = None, description: str = "a tiny shop"
) -> Result:
    argv = ["create", "--out", str(out), "--provider", "anthropic", *args]
    if description is not None and "--description-file" not in args:
        argv += ["--description", description]
    return CliRunner().invoke(main, argv, input=input)


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


def test_a_valid_first_draft_writes_schema_data_report_and_transcript(
    httpx2_mock, tmp_path
) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        return_value=ok(schema_message(small_schema(), tokens=usage(1200, 800, cache_write=9000)))
    )
    out = tmp_path / "shop"
    result = create(out, "--no-input", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert route.call_count == 1
    assert sorted(p.name for p in out.iterdir()) == [
        ".datagen-output",  # the marker: datagen wrote this folder (engine/publish.py)
        "data",
        "report.json",
        "schema.json",
        "transcript.jsonl",
    ]
    assert (out / "data" / "customer.parquet").is_file() and (
        out / "data" / "order.parquet"
    ).is_file()
    schema = json.loads((out / "schema.json").read_text())
    assert schema["metadata"]["name"] == "tiny_shop" and schema["version"] == "1.0"
    assert json.loads((out / "report.json").read_text())["score"] >= 90
    assert leftovers(tmp_path) == []
    text = result.stdout
    assert "provider anthropic, model claude-sonnet-4-6" in text
    assert "customer  40 rows" in text
    assert "assumptions:\n  - 40 customers" in text
    assert "repairs: 0 of 3 allowed" in text
    assert "quality score: 100.0/100" in text or "quality score: 9" in text
    assert "1,200 input, 0 cache read, 9,000 cache write, 800 output" in text
    assert "estimate" in text
    assert f"regenerate: datagen generate {out}/schema.json --seed 7 --out {out}/data" in text


def test_an_invalid_draft_is_repaired_on_turn_two(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(schema_message(bad_reference_schema(), call_id="toolu_draft1")),
            ok(schema_message(small_schema(), call_id="toolu_draft2")),
        ]
    )
    out = tmp_path / "shop"
    result = create(out, "--no-input")
    assert result.exit_code == 0, result.output
    assert "repairs: 1 of 3 allowed" in result.stdout
    _, second = request_bodies(route)
    tool_result = last_tool_result(second)
    assert tool_result["tool_use_id"] == "toolu_draft1"
    assert tool_result["is_error"] is True
    assert (
        "nodes[1].columns[1].generator.lookup.from: table `customer` has no column `custmer_id`"
        in (tool_result["content"])
    )
    assert "did you mean `customer_id`?" in tool_result["content"]
    assert "- nodes[1].columns: fact `order` needs a column" in tool_result["content"]
    assert second["tool_choice"]["name"] == "write_schema"


def test_a_dry_run_below_min_score_is_repaired_with_the_failed_checks(
    httpx2_mock, tmp_path
) -> None:
    # A pattern the generator breaks: valid, passes the preflight (which refuses only what
    # it can prove), fails the dry run.
    impossible = small_schema(
        constraints={"pattern": [{"column": "customer.country", "regex": "^US$"}]}
    )
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(schema_message(impossible, call_id="toolu_1")),
            ok(schema_message(small_schema(), call_id="toolu_2")),
        ]
    )
    result = create(tmp_path / "o", "--no-input", "--no-generate", "--min-score", "95")
    assert result.exit_code == 0, result.output
    repair = last_tool_result(request_bodies(route)[1])
    assert repair["is_error"] is True
    assert "dry run (300 rows per table) scored" in repair["content"]
    assert "- customer.country: value check `pattern` failed" in repair["content"]
    assert "the required 95" in repair["content"]


def test_three_failed_repairs_exit_1_and_keep_only_the_rejected_draft(
    httpx2_mock, tmp_path
) -> None:
    drafts = [broken_schema() for _ in range(4)]
    drafts[-1]["metadata"]["name"] = "last_try"
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(schema_message(d, call_id=f"toolu_{i}")) for i, d in enumerate(drafts)]
    )
    out = tmp_path / "shop"
    result = create(out, "--no-input")
    assert result.exit_code == 1, result.output
    assert route.call_count == 4
    assert sorted(p.name for p in out.iterdir()) == [
        ".datagen-output",
        "schema.rejected.json",
        "transcript.jsonl",
    ]
    assert json.loads((out / "schema.rejected.json").read_text()) == drafts[-1]
    assert leftovers(tmp_path) == []
    assert "no valid schema after 4 draft(s) (3 repair(s))" in result.stderr
    assert "nodes[0].columns[1].generator.choice.weightz: unknown field `weightz`" in result.stderr
    end = records(out)[-1]
    assert end["type"] == "end" and end["status"] == "failed" and end["repairs"] == 3
    assert end["usage"]["input_tokens"] == 400


def test_max_repairs_flag_bounds_the_drafts(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(broken_schema())))
    result = create(tmp_path / "o", "--no-input", "--max-repairs", "1")
    assert result.exit_code == 1 and route.call_count == 2


def test_a_clarification_is_answered_from_piped_input(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(question_message("How many customers?", "1000", ["1000", "40"], call_id="toolu_q")),
            ok(schema_message(small_schema(), call_id="toolu_s")),
        ]
    )
    out = tmp_path / "shop"
    result = create(out, "--answers", "-", input="40\n")
    assert result.exit_code == 0, result.output
    first, second = request_bodies(route)
    assert first["tool_choice"]["type"] == "any"
    tool_result = last_tool_result(second)
    assert tool_result == {
        "type": "tool_result",
        "tool_use_id": "toolu_q",
        "content": "The user answered: 40",
        "cache_control": {"type": "ephemeral"},
    }
    assert second["messages"][1]["content"][0]["name"] == "ask_clarification"
    schema = json.loads((out / "schema.json").read_text())
    assert not any("How many customers" in a for a in schema["metadata"]["assumptions"])
    assert "clarifications: 1 (1 answered, 0 defaulted)" in result.stdout


def test_a_clarification_is_asked_on_a_terminal(httpx2_mock, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("datagen.agent.commands.create.stdin_is_tty", lambda: True)
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(question_message("How many customers?", "1000", call_id="toolu_q")),
            ok(schema_message(small_schema(), call_id="toolu_s")),
        ]
    )
    result = create(tmp_path / "o", "--no-generate", input="40\n")
    assert result.exit_code == 0, result.output
    assert "How many customers? [1000]" in result.stderr
    assert last_tool_result(request_bodies(route)[1])["content"] == "The user answered: 40"


def test_answers_from_a_file_and_an_empty_line_takes_the_default(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(question_message("Which countries?", "US", call_id="q1")),
            ok(question_message("Which year?", "2024", call_id="q2")),
            ok(schema_message(small_schema(), call_id="s")),
        ]
    )
    answers = tmp_path / "answers.txt"
    answers.write_text("US and DE\n\n")
    out = tmp_path / "o"
    result = create(out, "--no-generate", "--answers", str(answers))
    assert result.exit_code == 0, result.output
    bodies = request_bodies(route)
    assert last_tool_result(bodies[1])["content"] == "The user answered: US and DE"
    assert "use the default: 2024" in last_tool_result(bodies[2])["content"]
    assert "No more questions" in last_tool_result(bodies[2])["content"]
    assert bodies[2]["tool_choice"]["name"] == "write_schema"  # the question budget is spent
    assert "clarifications: 2 (1 answered, 1 defaulted)" in result.stdout
    assert records(out)[0]["datagen_version"]


@pytest.mark.parametrize("flags", [["--no-input"], []], ids=["no-input", "no-tty"])
def test_a_clarification_defaults_without_input(httpx2_mock, tmp_path, flags) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(question_message("How many customers?", "1000", call_id="toolu_q")),
            ok(schema_message(small_schema(), call_id="toolu_s")),
        ]
    )
    out = tmp_path / "shop"
    result = create(out, *flags)
    assert result.exit_code == 0, result.output
    tool_result = last_tool_result(request_bodies(route)[1])
    assert "use the default: 1000" in tool_result["content"]
    assumptions = json.loads((out / "schema.json").read_text())["metadata"]["assumptions"]
    assert "How many customers? Assumed: 1000 (default, not asked)." in assumptions
    assert "How many customers? Assumed: 1000" in result.stdout


def test_429_then_200_succeeds_with_two_requests(httpx2_mock, tmp_path, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            api_error(429, headers={"retry-after": "2"}),
            ok(schema_message(small_schema())),
        ]
    )
    result = create(tmp_path / "o", "--no-input", "--no-generate")
    assert result.exit_code == 0, result.output
    assert route.call_count == 2 and sleeps == [2.0]


def test_529_then_200_succeeds_with_two_requests(httpx2_mock, tmp_path, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[api_error(529), ok(schema_message(small_schema()))]
    )
    result = create(tmp_path / "o", "--no-input", "--no-generate")
    assert result.exit_code == 0, result.output
    assert route.call_count == 2 and len(sleeps) == 1


def test_401_fails_at_once_with_a_clear_message(httpx2_mock, tmp_path, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=api_error(401, "invalid x-api-key"))
    result = create(tmp_path / "o", "--no-input")
    assert result.exit_code == 2
    assert route.call_count == 1 and sleeps == []
    assert "rejected the API key (401)" in result.stderr and "ANTHROPIC_API_KEY" in result.stderr
    assert not (tmp_path / "o").exists() and leftovers(tmp_path) == []


def test_missing_key_is_a_clear_error_before_any_request(
    httpx2_mock, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    result = create(tmp_path / "o", "--no-input")  # no route: any request would fail loudly
    assert result.exit_code == 2 and httpx2_mock.calls.call_count == 0
    assert "needs an API key: set ANTHROPIC_API_KEY" in result.stderr


def test_an_api_failure_mid_run_keeps_the_transcript(httpx2_mock, tmp_path, sleeps) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(schema_message(broken_schema()))] + [api_error(529)] * 6
    )
    out = tmp_path / "o"
    result = create(out, "--no-input")
    # The API's failure, not the user's input: exit 1, the last draft and transcript kept.
    assert result.exit_code == 1
    assert "overloaded (529) after 6 attempt(s)" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".datagen-output",
        "schema.rejected.json",
        "transcript.jsonl",
    ]
    assert json.loads((out / "schema.rejected.json").read_text()) == broken_schema()
    end = records(out)[-1]
    assert end["status"] == "failed" and end["http_requests"] == 7
    assert end["usage"]["input_tokens"] == 100
    assert leftovers(tmp_path) == []


def test_the_transcript_records_every_turn_and_the_token_totals(httpx2_mock, tmp_path) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(
                question_message(
                    "Rows?", "40", call_id="q", tokens=usage(1000, 10, cache_write=5000)
                )
            ),
            ok(
                schema_message(broken_schema(), call_id="a", tokens=usage(50, 700, cache_read=5000))
            ),
            ok(schema_message(small_schema(), call_id="b", tokens=usage(60, 720, cache_read=5000))),
        ]
    )
    out = tmp_path / "shop"
    result = create(out, "--no-input", "--no-generate")
    assert result.exit_code == 0, result.output
    lines = records(out)
    assert [r["type"] for r in lines] == [
        "start",
        "prompt",  # the system prompt's size, estimated
        "prompt_measured",  # the first request's input tokens, as the API counted them
        "turn",
        "feedback",
        "turn",
        "check",
        "feedback",
        "turn",
        "check",
        "end",
    ]
    start, end = lines[0], lines[-1]
    assert lines[2]["input_tokens"] == 1000 + 5000  # input and cache write of the first call
    assert start["provider"] == "anthropic" and start["model"] == "claude-sonnet-4-6"
    assert start["prompts_version"] and len(start["prompts_digest"]) == 64
    turns = [r for r in lines if r["type"] == "turn"]
    assert [t["kind"] for t in turns] == ["question", "schema", "schema"]
    assert [t["call_id"] for t in turns] == ["q", "a", "b"]
    assert all(t["latency_ms"] >= 0 for t in turns)
    assert end["usage"] == {
        "input_tokens": 1110,
        "output_tokens": 1430,
        "cache_read_input_tokens": 10000,
        "cache_creation_input_tokens": 5000,
    }
    assert end["status"] == "ok" and end["repairs"] == 1 and end["http_requests"] == 3
    expected_cost = (1110 * 3 + 1430 * 15 + 10000 * 0.3 + 5000 * 3.75) / 1e6
    assert end["cost_estimate_usd"] == pytest.approx(expected_cost)
    assert turns[-1]["usage_total"] == end["usage"]


def test_no_generate_writes_the_schema_and_the_dry_run_report_only(httpx2_mock, tmp_path) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    out = tmp_path / "shop"
    result = create(out, "--no-input", "--no-generate")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".datagen-output",
        "report.json",
        "schema.json",
        "transcript.jsonl",
    ]
    assert json.loads((out / "report.json").read_text())["origin"] == "dry run"
    assert "customer  40 rows" in result.stdout


def test_description_from_a_file_and_from_stdin(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    brief = tmp_path / "brief.txt"
    brief.write_text("a shop from a file\n")
    argv = ["create", "--provider", "anthropic", "--no-input", "--no-generate"]
    runner = CliRunner()
    first = runner.invoke(
        main, [*argv, "--out", str(tmp_path / "a"), "--description-file", str(brief)]
    )
    second = runner.invoke(
        main, [*argv, "--out", str(tmp_path / "b"), "-d", "-"], input="a shop from stdin"
    )
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    prompts = [b["messages"][0]["content"] for b in request_bodies(route)]
    assert prompts[0].endswith("a shop from a file") and prompts[1].endswith("a shop from stdin")


def test_an_empty_description_is_bad_input_and_exits_2(tmp_path) -> None:
    result = create(tmp_path / "o", description="   ")
    assert result.exit_code == 2 and "the description is empty" in result.stderr


def test_two_descriptions_is_an_input_error(tmp_path) -> None:
    brief = tmp_path / "b.txt"
    brief.write_text("x")
    result = CliRunner().invoke(
        main, ["create", "-d", "a shop", "--description-file", str(brief), "--no-input"]
    )
    assert result.exit_code == 2 and "exactly one of" in result.stderr


def test_out_must_not_be_someone_elses_directory(tmp_path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("...")
    result = create(out, "--no-input")
    assert result.exit_code == 2 and "did not write" in result.stderr


def test_a_rerun_replaces_the_previous_output(httpx2_mock, tmp_path) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    out = tmp_path / "shop"
    assert create(out, "--no-input").exit_code == 0
    # a stale file from an older failure (datagen records what it writes: engine/publish.py)
    claim(out, "schema.rejected.json").write_text("{}")
    assert create(out, "--no-input", "--no-generate").exit_code == 0
    assert not (out / "schema.rejected.json").exists() and not (out / "data").exists()
    assert leftovers(tmp_path) == []


def test_base_url_flag_is_used(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post("http://gateway.test/v1/messages").mock(
        return_value=ok(schema_message(small_schema()))
    )
    result = create(
        tmp_path / "o", "--no-input", "--no-generate", "--base-url", "http://gateway.test"
    )
    assert result.exit_code == 0, result.output
    assert route.call_count == 1


def test_the_executable_talks_to_a_local_messages_api(tmp_path) -> None:
    """No mock: a real HTTP server on 127.0.0.1, reached through ANTHROPIC_BASE_URL."""
    replies = [
        (
            429,
            {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
            {"retry-after": "0"},
        ),
        (200, schema_message(bad_reference_schema(), call_id="toolu_1"), {}),
        (200, schema_message(small_schema(), call_id="toolu_2"), {}),
    ]
    out = tmp_path / "shop"
    with FakeMessagesServer(replies) as server:
        proc = datagen(
            "create",
            "--description", "a tiny shop",
            "--out", str(out),
            "--no-input",
            "--model", "claude-haiku-4-5",
            env={"ANTHROPIC_API_KEY": "sk-local", "ANTHROPIC_BASE_URL": server.url},
            timeout=120,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [r["path"] for r in server.requests] == ["/v1/messages"] * 3
    assert "sk-local" in json.dumps(server.requests[0]["headers"])
    assert server.requests[2]["body"]["model"] == "claude-haiku-4-5"
    assert last_tool_result(server.requests[2]["body"])["is_error"] is True
    assert (out / "data" / "order.parquet").is_file()
    assert "provider anthropic, model claude-haiku-4-5" in proc.stdout
    assert "repairs: 1 of 3 allowed" in proc.stdout


def test_refused_description_exits_1(tmp_path, monkeypatch) -> None:
    offline = pytest.importorskip("datagen.agent.offline")
    refused = getattr(offline, "RefusedDescription", None)
    if refused is None:
        pytest.skip("the offline author has no RefusedDescription yet")

    class Refusing:
        name, model = "offline", None

        def next(self, conversation: Any) -> Any:
            raise refused("this description asks for something datagen will not generate")

    monkeypatch.setattr("datagen.agent.commands.create.get_provider", lambda *a, **k: Refusing())
    result = CliRunner().invoke(
        main, ["create", "--out", str(tmp_path / "o"), "-d", "x", "--provider", "offline"]
    )
    assert result.exit_code == 1
    assert "will not generate" in result.stderr
    assert not (tmp_path / "o").exists() and leftovers(tmp_path) == []


def test_without_a_key_the_offline_author_runs_and_the_summary_says_so(
    tmp_path, monkeypatch
) -> None:
    pytest.importorskip("datagen.agent.offline")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    out = tmp_path / "clinic"
    result = CliRunner().invoke(
        main,
        ["create", "-d", "200 patients and their hospital visits during 2024", "--out", str(out),
         "--no-input", "--no-generate"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "(provider offline)" in result.stdout and "tokens:" not in result.stdout
    assert records(out)[0]["provider"] == "offline"


def test_a_key_rejected_mid_run_exits_2_and_keeps_the_last_draft(httpx2_mock, tmp_path) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(schema_message(broken_schema())), api_error(401, "key revoked")]
    )
    out = tmp_path / "o"
    result = create(out, "--no-input")
    assert result.exit_code == 2  # the key is the user's to fix
    assert "rejected the API key (401): key revoked" in result.stderr
    assert "--provider offline" in result.stderr
    assert json.loads((out / "schema.rejected.json").read_text()) == broken_schema()
    assert (out / "transcript.jsonl").is_file()
