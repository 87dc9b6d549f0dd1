"""The OpenAI-compatible provider through the real `openai` SDK over mocked HTTP (pytest-httpx2)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import httpx2
import pytest

from datagen.agent.loop import DraftChecker, DryRunScore, LoopSettings, author
from datagen.agent.providers import openai as provider_mod
from datagen.agent.providers.base import Conversation, ProviderError, ProviderFailure, Usage
from datagen.agent.providers.openai import OpenAIProvider
from datagen.agent.providers.retry import RetryPolicy
from datagen.agent.providers.strict import from_strict, strict_schema
from datagen.agent.providers.tooluse import dsl_input_schema
from tests.agent_fixtures import broken_schema, request_bodies, small_schema
from tests.llm_fixtures import COMPLETIONS_URL, chat_completion, chat_stream, chat_usage


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr(provider_mod, "wait_seconds", recorded.append)
    return recorded


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DATAGEN_MODEL"):
        monkeypatch.delenv(var, raising=False)


def make(**kw: object) -> OpenAIProvider:
    kw.setdefault("api_key", "sk-test")
    kw.setdefault("strict", False)
    return OpenAIProvider(**kw)  # type: ignore[arg-type]


def ok(body: dict) -> httpx.Response:
    return httpx.Response(200, json=body)


def perfect(*_a: object) -> DryRunScore:
    return DryRunScore(100.0, [])


def test_first_request_offers_both_functions_and_the_system_prompt(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        return_value=ok(chat_completion(arguments=small_schema()))
    )
    reply = make().next(Conversation("a tiny shop"))
    assert reply.kind == "schema" and reply.schema == small_schema()
    assert reply.call_id == "call_01" and reply.usage == Usage(100, 50)
    (body,) = request_bodies(route)
    assert body["model"] == "gpt-4.1"
    assert [t["function"]["name"] for t in body["tools"]] == ["write_schema", "ask_clarification"]
    assert body["tools"][0]["function"]["parameters"] == dsl_input_schema()
    assert body["tool_choice"] == "required" and body["parallel_tool_calls"] is False
    assert body["max_completion_tokens"] == 16_000
    assert body["messages"][0]["role"] == "system"
    assert "## DSL reference" in body["messages"][0]["content"]
    assert body["messages"][1]["content"].endswith("a tiny shop")
    request = route.calls[0].request
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["x-stainless-retry-count"] == "0"


def test_a_repair_goes_back_as_a_tool_message_and_forces_the_schema_function(
    httpx2_mock, sleeps
) -> None:
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        side_effect=[
            ok(chat_completion(arguments=broken_schema(), call_id="call_a")),
            ok(chat_completion(arguments=small_schema(), call_id="call_b")),
        ]
    )
    checker = DraftChecker(LoopSettings(), scorer=perfect)
    result = author("a tiny shop", make(), checker=checker)
    assert result.repairs_used == 1 and result.provider == "openai"
    _, second = request_bodies(route)
    assert second["tool_choice"] == {"type": "function", "function": {"name": "write_schema"}}
    assistant, tool = second["messages"][2], second["messages"][3]
    assert assistant["tool_calls"][0]["id"] == "call_a"
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == broken_schema()
    assert tool["role"] == "tool" and tool["tool_call_id"] == "call_a"
    assert "nodes[0].columns[1].generator.choice.weightz" in tool["content"]
    assert result.usage == Usage(200, 100)


def test_a_question_and_the_cached_prompt_tokens(httpx2_mock, sleeps) -> None:
    body = chat_completion(
        tool="ask_clarification",
        arguments={"question": "How many customers?", "default": "1000"},
        usage=chat_usage(prompt=5000, completion=20, cached=4096),
    )
    httpx2_mock.post(COMPLETIONS_URL).mock(return_value=ok(body))
    reply = make().next(Conversation("a shop"))
    assert reply.kind == "question" and reply.question is not None
    assert reply.question.text == "How many customers?" and reply.question.default == "1000"
    assert reply.usage == Usage(904, 20, 4096, 0)


def test_truncated_then_good_is_retried_streamed_with_a_larger_budget(httpx2_mock, sleeps) -> None:
    cut = chat_completion(arguments='{"version": "1.0", "nod', finish_reason="length")
    good = chat_completion(arguments=small_schema(), call_id="call_2")
    route = httpx2_mock.post(COMPLETIONS_URL).mock(side_effect=[ok(cut), chat_stream(good)])
    provider = make(max_tokens=1000)
    reply = provider.next(Conversation("shop"))
    assert reply.kind == "schema" and reply.schema == small_schema()
    assert reply.usage == Usage(200, 100)  # both calls counted
    first, second = request_bodies(route)
    assert first["max_completion_tokens"] == 1000 and "stream" not in first
    assert second["max_completion_tokens"] == 2000 and second["stream"] is True
    assert second["tool_choice"]["function"]["name"] == "write_schema"


def test_text_then_good_asks_again_with_the_function_forced(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        side_effect=[
            ok(chat_completion(tool=None, text="Sure! Here is a schema: ...")),
            ok(chat_completion(arguments=small_schema())),
        ]
    )
    reply = make().next(Conversation("shop"))
    assert reply.schema == small_schema() and reply.usage == Usage(200, 100)
    _, second = request_bodies(route)
    assert second["tool_choice"] == {"type": "function", "function": {"name": "write_schema"}}


def test_refusal_then_good(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        side_effect=[
            ok(chat_completion(tool=None, refusal="I can't help with that.")),
            ok(chat_completion(arguments=small_schema())),
        ]
    )
    assert make().next(Conversation("shop")).schema == small_schema()
    assert route.call_count == 2


def test_two_refusals_fail_as_a_refusal(httpx2_mock, sleeps) -> None:
    httpx2_mock.post(COMPLETIONS_URL).mock(
        return_value=ok(chat_completion(tool=None, refusal="No."))
    )
    with pytest.raises(ProviderFailure, match="refused") as info:
        make().next(Conversation("shop"))
    assert info.value.refusal and info.value.usage == Usage(200, 100)


def test_a_twice_encoded_input_is_parsed_and_echoed_as_json(httpx2_mock, sleeps) -> None:
    twice = json.dumps(json.dumps(small_schema()))
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        side_effect=[
            ok(chat_completion(arguments=twice, call_id="call_s")),
            ok(chat_completion(arguments=small_schema(), call_id="call_t")),
        ]
    )
    scores = iter([DryRunScore(50.0, []), DryRunScore(100.0, [])])
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: next(scores))
    result = author("shop", make(), checker=checker)
    assert result.attempts[0].draft == small_schema()
    _, second = request_bodies(route)
    echoed = second["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(echoed) == small_schema()


def test_a_local_server_needs_no_key_and_gets_max_tokens(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post("http://127.0.0.1:11434/v1/chat/completions").mock(
        return_value=ok(chat_completion(arguments=small_schema(), model="llama3.1"))
    )
    provider = OpenAIProvider(base_url="http://127.0.0.1:11434/v1/", model="llama3.1")
    assert provider.next(Conversation("shop")).kind == "schema"
    (body,) = request_bodies(route)
    assert body["max_tokens"] == 16_000 and "max_completion_tokens" not in body
    assert "strict" not in body["tools"][0]["function"]
    assert provider.cost_estimate(Usage(1000, 1000)) is None


def test_base_url_from_the_environment(httpx2_mock, sleeps, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    route = httpx2_mock.post("http://127.0.0.1:8000/v1/chat/completions").mock(
        return_value=ok(chat_completion(arguments=small_schema()))
    )
    OpenAIProvider(model="m").next(Conversation("shop"))
    assert route.call_count == 1


def test_openai_itself_needs_a_key() -> None:
    with pytest.raises(ProviderError, match="OPENAI_API_KEY.*--base-url.*--provider offline"):
        OpenAIProvider()


def test_401_suggests_offline(httpx2_mock, sleeps) -> None:
    httpx2_mock.post(COMPLETIONS_URL).mock(
        return_value=httpx.Response(401, json={"error": {"message": "Incorrect API key"}})
    )
    with pytest.raises(ProviderError) as info:
        make().next(Conversation("shop"))
    assert "rejected the API key (401): Incorrect API key" in str(info.value)
    assert "--provider offline" in str(info.value)


def test_429_then_200_honours_retry_after(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        side_effect=[
            httpx.Response(429, json={"error": {"message": "slow"}}, headers={"retry-after": "3"}),
            ok(chat_completion(arguments=small_schema())),
        ]
    )
    provider = make()
    assert provider.next(Conversation("shop")).kind == "schema"
    assert route.call_count == 2 and provider.requests == 2 and sleeps == [3.0]


def test_an_unreachable_server_is_named_with_a_hint(httpx2_mock, sleeps) -> None:
    httpx2_mock.post("http://127.0.0.1:9/v1/chat/completions").mock(
        side_effect=httpx2.ConnectError("refused")
    )
    provider = OpenAIProvider(base_url="http://127.0.0.1:9/v1", retry=RetryPolicy(max_attempts=2))
    with pytest.raises(ProviderFailure) as info:
        provider.next(Conversation("shop"))
    message = str(info.value)
    assert "could not reach the API at http://127.0.0.1:9/v1" in message
    assert "is the server running?" in message and "--provider offline" in message


def test_a_read_timeout_is_a_timeout(httpx2_mock, sleeps) -> None:
    httpx2_mock.post(COMPLETIONS_URL).mock(side_effect=httpx2.ReadTimeout("slow"))
    with pytest.raises(ProviderFailure, match=r"timed out: no answer within --timeout 7s"):
        make(timeout=7, retry=RetryPolicy(max_attempts=1)).next(Conversation("shop"))


# --------------------------------------------------------------------------- strict


def test_strict_on_openai_and_a_rejected_strict_schema_falls_back_once(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(COMPLETIONS_URL).mock(
        side_effect=[
            httpx.Response(400, json={"error": {"message": "Invalid schema for strict mode"}}),
            ok(chat_completion(arguments=small_schema())),
            ok(chat_completion(arguments=small_schema())),
        ]
    )
    provider = OpenAIProvider(api_key="k")
    assert provider.strict is True
    assert provider.next(Conversation("shop")).schema == small_schema()
    provider.next(Conversation("shop"))
    first, second, third = request_bodies(route)
    assert first["tools"][0]["function"]["strict"] is True
    assert "strict" not in second["tools"][0]["function"]
    assert "strict" not in third["tools"][0]["function"]  # remembered


def test_the_strict_schema_closes_every_object_and_maps_become_pairs() -> None:
    strict = strict_schema(dsl_input_schema())
    assert strict is not None

    def keywords(node: object) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("properties", "$defs"):  # names, not keywords
                    for sub in value.values():
                        found |= keywords(sub)
                else:
                    found |= {key} | keywords(value)
        elif isinstance(node, list):
            for value in node:
                found |= keywords(value)
        return found

    assert not keywords(strict) & {"oneOf", "default", "prefixItems", "discriminator"}
    assert "oneOf" in keywords(dsl_input_schema())  # there was something to convert

    def objects(node: object) -> list[dict]:
        found = []
        if isinstance(node, dict):
            if node.get("type") == "object":
                found.append(node)
            for value in node.values():
                found += objects(value)
        elif isinstance(node, list):
            for value in node:
                found += objects(value)
        return found

    closed = objects(strict)
    assert closed and all(o["additionalProperties"] is False for o in closed)
    assert all(set(o["required"]) == set(o["properties"]) for o in closed)


def test_a_strict_input_comes_back_in_the_dsl_shape() -> None:
    strict_input = {
        "a": None,
        "params": [{"key": "mean", "value": 3.0}, {"key": "sigma", "value": 0.5}],
        "items": [{"x": 1, "y": None}],
    }
    assert from_strict(strict_input) == {
        "params": {"mean": 3.0, "sigma": 0.5},
        "items": [{"x": 1}],
    }


def test_a_strict_reply_is_turned_back_into_the_dsl(httpx2_mock, sleeps) -> None:
    schema = small_schema()
    amount = schema["nodes"][1]["columns"][2]["generator"]["distribution"]
    strict_args = json.loads(json.dumps(schema))
    strict_args["nodes"][1]["columns"][2]["generator"]["distribution"]["params"] = [
        {"key": k, "value": v} for k, v in amount["params"].items()
    ]
    strict_args["nodes"][0]["columns"][0]["nullable"] = None
    httpx2_mock.post(COMPLETIONS_URL).mock(return_value=ok(chat_completion(arguments=strict_args)))
    reply = OpenAIProvider(api_key="k").next(Conversation("shop"))
    assert reply.schema == schema


# --------------------------------------------------------------------------- the executable


def test_the_executable_talks_to_a_local_chat_completions_server(tmp_path) -> None:
    """No mock: `datagen create --provider openai` against a server on 127.0.0.1, as with
    Ollama; the first draft is repaired once, over HTTP, through the real SDK (the command
    in-process: a real `datagen` talks to a local server in tests/test_agent_create.py)."""
    from tests.agent_fixtures import FakeMessagesServer
    from tests.cli_helpers import run_cli

    replies = [
        (200, chat_completion(arguments=broken_schema(), call_id="c1", model="llama3.1"), {}),
        (200, chat_completion(arguments=small_schema(), call_id="c2", model="llama3.1"), {}),
    ]
    out = tmp_path / "o"
    with FakeMessagesServer(replies) as server:
        result = run_cli(
            "create",
            "-d",
            "a tiny shop",
            "--provider",
            "openai",
            "--base-url",
            f"{server.url}/v1",
            "--model",
            "llama3.1",
            "--no-input",
            "--max-tokens",
            "3000",
            "--out",
            str(out),
        )
    assert result.returncode == 0, result.stderr
    assert [r["path"] for r in server.requests] == ["/v1/chat/completions"] * 2
    first, second = (r["body"] for r in server.requests)
    assert first["model"] == "llama3.1" and first["max_tokens"] == 3000
    assert first["tool_choice"]["function"]["name"] == "write_schema"  # --no-input
    assert second["messages"][-1]["role"] == "tool"
    assert "provider openai, model llama3.1" in result.stdout
    # a local model has no list price (not "no list price for llama3.1": it is the server)
    assert f"cost unknown (llama3.1 served by {server.url}/v1: no list price)" in result.stdout
    assert (out / "data" / "order.parquet").is_file()


def test_an_unreachable_local_server_exits_1_with_a_hint(tmp_path) -> None:
    import socket

    from tests.cli_helpers import datagen

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "o"
    result = datagen(
        "create",
        "-d",
        "a tiny shop",
        "--provider",
        "openai",
        "--base-url",
        f"http://127.0.0.1:{port}/v1",
        "--timeout",
        "5",
        "--out",
        str(out),
        env={"DATAGEN_API_ATTEMPTS": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert "could not reach the API" in result.stderr and "--provider offline" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "transcript.jsonl").is_file()


ROOT = Path(__file__).resolve().parents[1]
REPLAY_CASES = str(ROOT / "evals" / "recordings" / "cases.yaml")


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory):
    """evals/chat_server.py in a subprocess, as `make eval` runs it; yields its base URL.
    One for the module: it answers each request from the request alone (no state)."""
    port_file = tmp_path_factory.mktemp("chat-server") / "port"
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "evals" / "chat_server.py"), "--port-file", str(port_file)],
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            if port_file.exists():
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port_file.read_text()}/v1"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("plan", [False, True], ids=["write", "plan-then-write"])
def test_eval_runs_the_openai_provider_against_the_scripted_server(
    tmp_path, chat_server, plan
) -> None:
    """What `make eval` runs in CI: evals/chat_server.py (a real server in a subprocess) and
    `datagen eval --provider openai` (in-process)."""
    from tests.cli_helpers import run_cli

    report = tmp_path / "eval.json"
    result = run_cli(
        "eval",
        "--provider",
        "openai",
        "--base-url",
        chat_server,
        "--model",
        "scripted",
        "--cases",
        REPLAY_CASES,
        "--min-pass",
        "1",
        "--report",
        str(report),
        *(["--plan"] if plan else []),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(report.read_text())
    assert data["provider"] == "openai" and data["totals"]["passed"] == 3
    assert data["totals"]["repairs"] == 1 and data["totals"]["clarifications"] == 1


def test_a_recording_through_another_server_is_marked_with_its_base_url(
    tmp_path, chat_server
) -> None:
    from tests.cli_helpers import run_cli

    recordings = tmp_path / "rec"
    result = run_cli(
        "eval",
        "--provider",
        "openai",
        "--base-url",
        chat_server,
        "--model",
        "scripted",
        "--cases",
        REPLAY_CASES,
        "--case",
        "replay_first_draft",
        "--record",
        "--recordings",
        str(recordings),
        "--min-pass",
        "1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    recording = json.loads((recordings / "replay_first_draft.json").read_text())
    assert recording["provider"] == "openai" and recording["base_url"] == chat_server
    assert recording["exchanges"][0]["request"]["model"] == "scripted"


def test_eval_with_openai_needs_a_key_or_a_base_url() -> None:
    from click.testing import CliRunner

    from datagen.agent.cli import main

    result = CliRunner().invoke(main, ["eval", "--provider", "openai", "--cases", REPLAY_CASES])
    assert result.exit_code == 2
    assert "needs OPENAI_API_KEY, or --base-url" in result.stderr


def test_a_map_keyed_by_pattern_becomes_pairs_and_comes_back() -> None:
    """A lookup's `match` (an object whose keys follow a pattern) is a list of pairs in
    strict mode, and the model's pairs become the DSL's object again."""
    schema = {
        "type": "object",
        "properties": {
            "match": {
                "type": "object",
                "patternProperties": {"^[a-z_]+$": {"type": "string"}},
                "minProperties": 1,
                "maxProperties": 1,
            }
        },
        "required": ["match"],
    }
    converted = strict_schema(schema)
    assert converted is not None
    match = converted["properties"]["match"]
    assert match["type"] == "array"
    assert match["items"]["properties"]["value"] == {"type": "string"}
    reply = {"match": [{"key": "ps_partkey", "value": "l_partkey"}]}
    assert from_strict(reply) == {"match": {"ps_partkey": "l_partkey"}}
