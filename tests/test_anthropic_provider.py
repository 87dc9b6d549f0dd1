"""The Anthropic provider through the real SDK over mocked HTTP (pytest-httpx2)."""

from __future__ import annotations

import json

import httpx
import httpx2
import pytest

from datagen.agent.loop import DraftChecker, DryRunScore, LoopSettings, author
from datagen.agent.providers import anthropic as provider_mod
from datagen.agent.providers.anthropic import (
    AnthropicProvider,
    RetryPolicy,
    cost_estimate,
    schema_tool,
)
from datagen.agent.providers.base import Conversation, ProviderError, ProviderFailure, Usage
from datagen.agent.transcript import Transcript
from datagen.engine import dsl
from tests.agent_fixtures import (
    MESSAGES_URL,
    api_error,
    broken_schema,
    last_tool_result,
    ok,
    question_message,
    request_bodies,
    schema_message,
    small_schema,
    tool_message,
    usage,
)
from tests.llm_fixtures import ELEVEN_PATHS, eleven_mistakes_schema, messages_stream

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits are recorded, never slept."""
    recorded: list[float] = []
    monkeypatch.setattr(provider_mod, "wait_seconds", recorded.append)
    return recorded


def make(**kw: object) -> AnthropicProvider:
    return AnthropicProvider(api_key="sk-test", model="claude-sonnet-4-5", **kw)  # type: ignore[arg-type]


def test_first_request_offers_both_tools_caches_the_system_prompt(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    reply = make().next(Conversation("a tiny shop"))
    assert reply.kind == "schema" and reply.schema == small_schema()
    assert reply.call_id == "toolu_01" and reply.usage == Usage(100, 50)
    (body,) = request_bodies(route)
    assert body["model"] == "claude-sonnet-4-5"
    assert [t["name"] for t in body["tools"]] == ["write_schema", "ask_clarification"]
    expected = dsl.json_schema()
    expected.pop("$schema")
    assert body["tools"][0]["input_schema"] == expected
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "## DSL reference" in body["system"][0]["text"]
    assert body["messages"] == [
        {"role": "user", "content": "Describe this dataset as a datagen schema:\n\na tiny shop"}
    ]
    request = route.calls[0].request
    # SDK 2.x sends the key as a bearer token (1.x used x-api-key).
    assert "sk-test" in (
        request.headers.get("authorization", "") + request.headers.get("x-api-key", "")
    )
    assert request.headers["x-stainless-retry-count"] == "0"


def test_after_a_draft_the_schema_tool_is_forced_and_errors_go_back_as_tool_results(
    httpx2_mock, sleeps
) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(schema_message(broken_schema(), call_id="toolu_a")),
            ok(schema_message(small_schema(), call_id="toolu_b")),
        ]
    )
    checker = DraftChecker(
        LoopSettings(),
        scorer=lambda *a: __import__("datagen.agent.loop").agent.loop.DryRunScore(100.0, []),
    )
    result = author("a tiny shop", make(), checker=checker)
    assert result.repairs_used == 1
    first, second = request_bodies(route)
    assert second["tool_choice"] == {
        "type": "tool",
        "name": "write_schema",
        "disable_parallel_tool_use": True,
    }
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0] == {
        "type": "tool_use",
        "id": "toolu_a",
        "name": "write_schema",
        "input": broken_schema(),
    }
    tool_result = last_tool_result(second)
    assert tool_result["tool_use_id"] == "toolu_a" and tool_result["is_error"] is True
    assert "nodes[0].columns[1].generator.choice.weightz" in tool_result["content"]
    # the newest turn carries the second cache breakpoint; the system prompt the first
    assert tool_result["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in str(first["messages"])


def test_a_question_reply_and_its_answer(httpx2_mock, sleeps) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(
        return_value=ok(question_message("How many customers?", "1000", ["1000", "10000"]))
    )
    reply = make().next(Conversation("a shop"))
    assert reply.kind == "question" and reply.question is not None
    assert reply.question.text == "How many customers?"
    assert reply.question.default == "1000" and reply.question.options == ["1000", "10000"]


def test_429_then_200_honours_retry_after(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            api_error(429, "slow down", headers={"retry-after": "7"}),
            ok(schema_message(small_schema())),
        ]
    )
    provider = make()
    reply = provider.next(Conversation("shop"))
    assert reply.kind == "schema"
    assert route.call_count == 2 and provider.requests == 2
    assert sleeps == [7.0]


def test_529_then_200_backs_off_with_jitter(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[api_error(529), api_error(529), ok(schema_message(small_schema()))]
    )
    make(retry=RetryPolicy(initial_wait=1.0, max_wait=30)).next(Conversation("shop"))
    assert route.call_count == 3
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0  # exponential, jittered


def test_5xx_retries_stop_at_the_attempt_limit_with_a_clear_cause(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=api_error(500, "boom"))
    with pytest.raises(ProviderFailure) as info:
        make(retry=RetryPolicy(max_attempts=3)).next(Conversation("shop"))
    assert route.call_count == 3
    assert "server error (500) after 3 attempt(s)" in str(info.value) and "boom" in str(info.value)


def test_overload_stops_when_the_time_budget_would_be_exceeded(httpx2_mock) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        return_value=api_error(529, headers={"retry-after": "50"})
    )
    now = [0.0]  # a fake clock that the fake sleep advances
    policy = RetryPolicy(
        max_attempts=10,
        max_total_seconds=120,
        sleep=lambda s: now.__setitem__(0, now[0] + s),
        clock=lambda: now[0],
    )
    with pytest.raises(ProviderFailure, match=r"overloaded \(529\) after 3 attempt\(s\) in 100.0s"):
        make(retry=policy).next(Conversation("s"))
    assert route.call_count == 3  # waits of 50 + 50 fit in 120 s, a third does not


def test_timeouts_are_retried(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[httpx.ReadTimeout("slow"), ok(schema_message(small_schema()))]
    )
    assert make().next(Conversation("shop")).kind == "schema"
    assert route.call_count == 2


def test_connection_errors_are_retried_then_named(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ProviderFailure) as info:
        make(retry=RetryPolicy(max_attempts=2)).next(Conversation("shop"))
    assert route.call_count == 2 and len(sleeps) == 1
    assert "could not reach the Anthropic API at https://api.anthropic.com" in str(info.value)
    assert "connection error" in str(info.value) and "after 2 attempt(s)" in str(info.value)
    assert "--provider offline" in str(info.value)


def test_a_read_timeout_is_reported_as_a_timeout(httpx2_mock, sleeps) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(side_effect=httpx2.ReadTimeout("slow"))
    with pytest.raises(ProviderFailure) as info:
        make(retry=RetryPolicy(max_attempts=2), timeout=42).next(Conversation("shop"))
    message = str(info.value)
    assert "timed out" in message and "--timeout 42s" in message
    assert "could not reach" not in message


def test_401_fails_at_once(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=api_error(401, "invalid x-api-key"))
    with pytest.raises(ProviderError) as info:
        make().next(Conversation("shop"))
    assert route.call_count == 1 and sleeps == []
    assert "rejected the API key (401): invalid x-api-key" in str(info.value)
    assert "ANTHROPIC_API_KEY" in str(info.value) and "--provider offline" in str(info.value)


def test_400_is_not_retried(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=api_error(400, "bad tool schema"))
    with pytest.raises(ProviderFailure, match=r"request rejected \(400\).*bad tool schema"):
        make().next(Conversation("shop"))
    assert route.call_count == 1


def test_base_url_from_argument_and_environment(httpx2_mock, sleeps, monkeypatch) -> None:
    route = httpx2_mock.post("http://proxy.test/anthropic/v1/messages").mock(
        return_value=ok(schema_message(small_schema()))
    )
    make(base_url="http://proxy.test/anthropic").next(Conversation("shop"))
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://proxy.test/anthropic")
    make().next(Conversation("shop"))
    assert route.call_count == 2


def test_usage_includes_cache_tokens(httpx2_mock, sleeps) -> None:
    body = schema_message(small_schema(), tokens=usage(20, 700, cache_read=9000, cache_write=0))
    httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(body))
    reply = make().next(Conversation("shop"))
    assert reply.usage == Usage(20, 700, 9000, 0)


def test_two_replies_without_a_tool_call_fail_with_the_usage_of_both(httpx2_mock, sleeps) -> None:
    body = schema_message(small_schema())
    body["content"] = [{"type": "text", "text": "Here is your schema..."}]
    body["stop_reason"] = "end_turn"
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(body))
    with pytest.raises(ProviderFailure, match="without calling a tool") as info:
        make().next(Conversation("shop"))
    assert route.call_count == 2
    assert info.value.usage == Usage(200, 100)
    second = request_bodies(route)[1]
    assert second["tool_choice"]["type"] == "tool"  # asked again with the tool forced


def test_model_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("DATAGEN_MODEL", "claude-haiku-4-5")
    assert AnthropicProvider(api_key="k").model == "claude-haiku-4-5"
    monkeypatch.delenv("DATAGEN_MODEL")
    assert AnthropicProvider(api_key="k").model == "claude-sonnet-4-6"


def test_cost_estimate_uses_list_prices_and_knows_what_it_does_not_know() -> None:
    tokens = Usage(input_tokens=1_000_000, output_tokens=100_000, cache_read_input_tokens=1_000_000)
    assert cost_estimate("claude-sonnet-4-5", tokens) == pytest.approx(3.0 + 1.5 + 0.3)
    assert cost_estimate("claude-sonnet-4-5-20250929", tokens) == pytest.approx(4.8)
    assert cost_estimate("some-local-model", tokens) is None


def test_schema_tool_is_the_dsl_json_schema() -> None:
    tool = schema_tool()
    assert tool["input_schema"]["properties"].keys() == dsl.json_schema()["properties"].keys()
    assert "$schema" not in tool["input_schema"]


# --------------------------------------------------------------------------- recovery


def test_truncated_then_good_is_retried_streamed_with_a_larger_budget(httpx2_mock, sleeps) -> None:
    cut = schema_message({"version": "1.0"}, stop_reason="max_tokens")
    good = schema_message(small_schema(), call_id="toolu_02")
    route = httpx2_mock.post(MESSAGES_URL).mock(side_effect=[ok(cut), messages_stream(good)])
    reply = make(max_tokens=4000).next(Conversation("shop"))
    assert reply.kind == "schema" and reply.schema == small_schema()
    assert reply.call_id == "toolu_02" and reply.usage == Usage(200, 100)
    first, second = request_bodies(route)
    assert first["max_tokens"] == 4000 and "stream" not in first
    assert second["max_tokens"] == 8000 and second["stream"] is True
    assert second["tool_choice"]["type"] == "tool"


def test_truncated_twice_fails_with_exit_1_words_and_the_usage(httpx2_mock, sleeps) -> None:
    cut = schema_message({"version": "1.0"}, stop_reason="max_tokens")
    httpx2_mock.post(MESSAGES_URL).mock(side_effect=[ok(cut), messages_stream(cut)])
    with pytest.raises(
        ProviderFailure, match=r"cut off at max_tokens=8000.*raise --max-tokens"
    ) as info:
        make(max_tokens=4000).next(Conversation("shop"))
    assert info.value.usage == Usage(200, 100)


def test_text_then_good(httpx2_mock, sleeps) -> None:
    text = schema_message(small_schema())
    text["content"] = [{"type": "text", "text": "Let me think about the tables first."}]
    text["stop_reason"] = "end_turn"
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(text), ok(schema_message(small_schema()))]
    )
    reply = make().next(Conversation("shop"))
    assert reply.schema == small_schema() and reply.usage == Usage(200, 100)
    first, second = request_bodies(route)
    assert first["tool_choice"]["type"] == "any"
    assert second["tool_choice"] == {
        "type": "tool",
        "name": "write_schema",
        "disable_parallel_tool_use": True,
    }


def test_refusal_then_good(httpx2_mock, sleeps) -> None:
    refusal = schema_message(small_schema())
    refusal["content"] = []
    refusal["stop_reason"] = "refusal"
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(refusal), ok(schema_message(small_schema()))]
    )
    assert make().next(Conversation("shop")).schema == small_schema()
    assert route.call_count == 2


def test_a_stringified_input_is_parsed_and_echoed_back_as_an_object(httpx2_mock, sleeps) -> None:
    as_string = schema_message(small_schema(), call_id="toolu_s")
    as_string["content"][0]["input"] = json.dumps(small_schema())
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[ok(as_string), ok(schema_message(small_schema(), call_id="toolu_t"))]
    )
    scores = iter([DryRunScore(50.0, []), DryRunScore(100.0, [])])
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: next(scores))
    result = author("shop", make(), checker=checker)
    assert result.attempts[0].draft == small_schema()
    _, second = request_bodies(route)
    echoed = second["messages"][1]["content"][0]
    assert echoed["type"] == "tool_use" and echoed["input"] == small_schema()


def test_no_input_forces_the_schema_tool_from_the_first_turn(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    make(no_input=True).next(Conversation("shop"))
    (body,) = request_bodies(route)
    assert body["tool_choice"]["type"] == "tool"


def test_opus_4_6_is_priced_as_opus_4_6_not_opus_4() -> None:
    tokens = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert cost_estimate("claude-opus-4-6", tokens) == pytest.approx(30.0)
    assert cost_estimate("claude-opus-4", tokens) == pytest.approx(90.0)
    assert cost_estimate("claude-opus-4-9", tokens) is None


# --------------------------------------------------------------------------- plan, then write


def test_plan_then_write_sends_the_claims_then_the_plan_with_the_draft_request(
    httpx2_mock, sleeps
) -> None:
    plan = {
        "tables": [{"id": "customer", "kind": "entity", "rows": "40"}],
        "relations": [{"child": "order", "parent": "customer", "meaning": "orders of a customer"}],
        "claims": [{"phrase": "40 customers", "modelled_as": "customer.rows = 40"}],
    }
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(tool_message("write_plan", plan, call_id="toolu_plan")),
            ok(schema_message(small_schema(), call_id="toolu_draft")),
        ]
    )
    transcript = Transcript()
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: DryRunScore(100.0, []))
    result = author(
        "a tiny shop with 40 customers", make(plan=True), checker=checker, transcript=transcript
    )
    assert result.repairs_used == 0 and result.usage == Usage(200, 100)
    first, second = request_bodies(route)
    assert [t["name"] for t in first["tools"]] == ["write_plan"]
    assert first["tool_choice"]["name"] == "write_plan"
    assert '- "40 customers" (count)' in first["messages"][0]["content"]
    assert second["messages"][1]["content"][0] == {
        "type": "tool_use",
        "id": "toolu_plan",
        "name": "write_plan",
        "input": plan,
    }
    assert second["messages"][2]["content"][0]["tool_use_id"] == "toolu_plan"
    assert "write_plan" in [t["name"] for t in second["tools"]]
    assert second["tool_choice"]["type"] == "any"  # a question may still come
    (record,) = transcript.of_type("plan")
    assert record["plan"] == plan


def test_without_plan_there_is_no_planning_call(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    make().next(Conversation("shop", claims=['"x" (count)']))
    (body,) = request_bodies(route)
    assert "write_plan" not in [t["name"] for t in body["tools"]]
    assert "write_plan" not in body["messages"][0]["content"]


def test_strict_tool_use_opt_in_with_a_fallback_on_400(httpx2_mock, sleeps, monkeypatch) -> None:
    monkeypatch.setenv("DATAGEN_STRICT_TOOLS", "1")
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            api_error(400, "tools.0.custom.strict: schema not supported in strict mode"),
            ok(schema_message(small_schema())),
        ]
    )
    provider = make()
    assert provider.strict is True
    assert provider.next(Conversation("shop")).schema == small_schema()
    first, second = request_bodies(route)
    assert first["tools"][0]["strict"] is True
    assert first["tools"][0]["input_schema"]["additionalProperties"] is False
    assert "strict" not in second["tools"][0] and provider.strict is False


def test_all_problems_in_one_turn_over_http(httpx2_mock, sleeps) -> None:
    route = httpx2_mock.post(MESSAGES_URL).mock(
        side_effect=[
            ok(schema_message(eleven_mistakes_schema(), call_id="toolu_a")),
            ok(schema_message(small_schema(), call_id="toolu_b")),
        ]
    )
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: DryRunScore(100.0, []))
    assert author("a tiny shop", make(), checker=checker).repairs_used == 1
    repair = last_tool_result(request_bodies(route)[1])["content"]
    for path in ELEVEN_PATHS:
        assert f"- {path}: " in repair, path
