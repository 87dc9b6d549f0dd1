"""Model-side failures as a user meets them: `datagen create` against scripted Messages
API and Chat Completions servers on 127.0.0.1 (no mock: real HTTP, the real SDKs; the
command runs in-process, as tests/cli_helpers.run_cli does, to keep the suite fast).

A truncated reply is retried streamed with twice the budget; a text-only reply and a
refusal end in exit 1 with the cause in words, the tokens counted and the transcript
kept; a request that outlives --timeout is a timeout, not "could not reach".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.agent_fixtures import schema_message, small_schema
from tests.cli_helpers import run_cli
from tests.llm_fixtures import ScriptedApiServer, chat_completion, chat_stream, messages_stream

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


def cut(api: str) -> httpx.Response:
    if api == "anthropic":
        body = schema_message({"version": "1.0"}, stop_reason="max_tokens")
    else:
        body = chat_completion(arguments={"version": "1.0"}, finish_reason="length")
    return httpx.Response(200, json=body)


def streamed_good(api: str) -> httpx.Response:
    if api == "anthropic":
        return messages_stream(schema_message(small_schema(), call_id="toolu_2"))
    return chat_stream(chat_completion(arguments=small_schema(), call_id="call_2"))


def text_only(api: str) -> httpx.Response:
    if api == "anthropic":
        body = schema_message(small_schema())
        body["content"], body["stop_reason"] = (
            [{"type": "text", "text": "Sure! Tables:"}],
            "end_turn",
        )
    else:
        body = chat_completion(tool=None, text="Sure! Tables:")
    return httpx.Response(200, json=body)


def refusal(api: str) -> httpx.Response:
    if api == "anthropic":
        body = schema_message(small_schema())
        body["content"], body["stop_reason"] = [], "refusal"
    else:
        body = chat_completion(tool=None, refusal="I can't help with that.")
    return httpx.Response(200, json=body)


def create(api: str, server: ScriptedApiServer, out: Path, *flags: str) -> Any:
    url = server.url if api == "anthropic" else f"{server.url}/v1"
    return run_cli(
        "create", "-d", "a tiny shop", "--provider", api, "--base-url", url,
        "--out", str(out), "--no-generate", *flags,
        env={"ANTHROPIC_API_KEY": "sk-local", "DATAGEN_API_ATTEMPTS": "1"},
    )  # fmt: skip


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("api", ["anthropic", "openai"])
def test_a_truncated_reply_is_asked_again_streamed_with_twice_the_budget(
    tmp_path: Path, api: str
) -> None:
    with ScriptedApiServer([cut(api), streamed_good(api)]) as server:
        result = create(api, server, tmp_path / "o", "--max-tokens", "3000", "--no-input")
    assert result.returncode == 0, result.stderr
    first, second = (r["body"] for r in server.requests)
    assert first["max_tokens"] == 3000 and not first.get("stream")
    assert second["max_tokens"] == 6000 and second["stream"] is True
    lines = records(tmp_path / "o")
    (turn,) = [r for r in lines if r["type"] == "turn"]
    assert turn["recovered"] == [
        "the reply was cut off at max_tokens=3000: asked again, streamed, with 6000"
    ]
    assert "recovered: the reply was cut off" in result.stderr
    end = lines[-1]
    assert end["status"] == "ok" and end["http_requests"] == 2
    assert end["usage"]["output_tokens"] == 100  # the cut reply's tokens count too


@pytest.mark.parametrize("api", ["anthropic", "openai"])
def test_text_then_a_refusal_exits_1_with_the_cause_and_keeps_the_transcript(
    tmp_path: Path, api: str
) -> None:
    with ScriptedApiServer([text_only(api), refusal(api)]) as server:
        result = create(api, server, tmp_path / "o")
    assert result.returncode == 1, result.stderr
    assert "refused to answer" in result.stderr and "Traceback" not in result.stderr
    if api == "openai":  # the refusal's words are said (stop_reason is Anthropic's term)
        assert 'refused to answer: "I can\'t help with that."' in " ".join(result.stderr.split())
    first, second = (r["body"] for r in server.requests)
    forced = second["tool_choice"]  # asked again once, with the schema tool forced
    assert forced.get("name", forced.get("function", {}).get("name")) == "write_schema"
    lines = records(tmp_path / "o")
    (failure,) = [r for r in lines if r["type"] == "provider_failure"]
    assert failure["refusal"] is True and failure["usage"]["input_tokens"] == 200
    end = lines[-1]
    assert end["status"] == "failed" and end["usage"]["input_tokens"] == 200
    assert end["repairs"] == 0 and "refused to answer" in end["error"]  # no draft, no repair


@pytest.mark.parametrize("api", ["anthropic", "openai"])
def test_a_reply_slower_than_timeout_is_a_timeout_exit_1(tmp_path: Path, api: str) -> None:
    with ScriptedApiServer([(streamed_good(api), 30.0)]) as server:
        result = create(api, server, tmp_path / "o", "--timeout", "1")
    assert result.returncode == 1, result.stderr
    assert "timed out: no answer within --timeout 1s" in " ".join(result.stderr.split())
    assert "could not reach" not in result.stderr
    assert (tmp_path / "o" / "transcript.jsonl").is_file()


@pytest.mark.slow  # a fresh interpreter and a whole create: make test-slow (CI runs both)
def test_the_datagen_executable_recovers_against_a_local_chat_completions_server(
    tmp_path: Path,
) -> None:
    """The real `datagen` in a subprocess, as with Ollama: a cut reply, then the streamed
    retry, then the data written and scored; no key, nothing but 127.0.0.1."""
    from tests.cli_helpers import datagen

    out = tmp_path / "o"
    with ScriptedApiServer([cut("openai"), streamed_good("openai")]) as server:
        result = datagen(
            "create", "-d", "a tiny shop", "--provider", "openai", "--model", "llama3.1",
            "--base-url", f"{server.url}/v1", "--out", str(out), "--no-input",
            env={"DATAGEN_API_ATTEMPTS": "1"}, timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [r["body"].get("stream", False) for r in server.requests] == [False, True]
    assert (
        out / "data" / "order.parquet"
    ).is_file() and "quality score: 100.0/100" in result.stdout
    assert "recovered: the reply was cut off at max_tokens=16000" in result.stderr
