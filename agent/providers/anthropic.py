"""The Anthropic provider: the Messages API with forced tool use.

Two tools: `write_schema`, whose input schema is the DSL's JSON Schema
(generated from the models), and `ask_clarification`. `tool_choice` lets the
model pick either while questions are allowed (before the first draft, and not
under `--no-input`) and forces `write_schema` otherwise. The system prompt is
cached (it carries the DSL reference and the worked examples). Repairs go back
as `tool_result` blocks with `is_error: true`. Recovery from truncated,
text-only and refused replies is shared with every LLM provider (tooluse.py).

Resilience: the SDK's own retries are off; tenacity retries rate limits (429,
honouring `retry-after`), overload (529), other 5xx, timeouts and connection
errors with exponential backoff and jitter, within a bounded total time. A
missing or rejected key fails at once.
"""

from __future__ import annotations

import os
import time
from typing import Any

import anthropic

from datagen.agent.providers.apierrors import Service
from datagen.agent.providers.base import (
    Conversation,
    ProviderError,
    ProviderOptions,
    Reply,
    Usage,
    checked_base_url,
    parse_tool_input,
)
from datagen.agent.providers.prices import Price
from datagen.agent.providers.prices import cost_estimate as _cost
from datagen.agent.providers.retry import RetryPolicy
from datagen.agent.providers.strict import (
    StrictRejected,
    from_strict,
    strict_schema,
    strict_tools_default,
)
from datagen.agent.providers.tooluse import (
    PLAN_NOTED,
    PLAN_SCHEMA,
    PLAN_TOOL,
    PLAN_TOOL_DESCRIPTION,
    QUESTION_SCHEMA,
    QUESTION_TOOL,
    QUESTION_TOOL_DESCRIPTION,
    SCHEMA_TOOL,
    SCHEMA_TOOL_DESCRIPTION,
    Budget,
    Completion,
    LLMOptions,
    ToolUseProvider,
    dsl_input_schema,
    question_from_reply,
)
from datagen.engine.redact import redact

__all__ = [
    "DEFAULT_MODEL",
    "PRICES",
    "QUESTION_TOOL",
    "SCHEMA_TOOL",
    "AnthropicProvider",
    "RetryPolicy",
    "cost_estimate",
    "make",
    "question_tool",
    "schema_tool",
]

DESCRIPTION = "the Anthropic Messages API (needs ANTHROPIC_API_KEY)"
DEFAULT_MODEL = "claude-sonnet-4-6"
ANTHROPIC_URL = "https://api.anthropic.com"

# USD per million tokens: input, output, cache write (5 min), cache read. List prices
# (platform.claude.com, models overview), used only for the summary's cost *estimate*.
PRICES: dict[str, Price] = {
    "claude-opus-4-8": Price(5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-7": Price(5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-6": Price(5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-5": Price(5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-1": Price(15.0, 75.0, 18.75, 1.50),
    "claude-opus-4": Price(15.0, 75.0, 18.75, 1.50),
    "claude-sonnet-4-6": Price(3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4-5": Price(3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4": Price(3.0, 15.0, 3.75, 0.30),
    "claude-haiku-4-5": Price(1.0, 5.0, 1.25, 0.10),
    "claude-3-5-haiku": Price(0.80, 4.0, 1.0, 0.08),
}


def cost_estimate(model: str | None, usage: Usage) -> float | None:
    """USD at list prices, or None for a model not in the table (dated ids match)."""
    return _cost(PRICES, model, usage)


def schema_tool(strict: bool = False) -> dict[str, Any]:
    """The schema tool; `strict`: its input schema made strict-compatible (strict.py)."""
    schema = dsl_input_schema()
    strict_form = strict_schema(schema) if strict else None
    tool: dict[str, Any] = {
        "name": SCHEMA_TOOL,
        "description": SCHEMA_TOOL_DESCRIPTION,
        "input_schema": strict_form or schema,
    }
    if strict_form is not None:
        tool["strict"] = True
    return tool


def plan_tool() -> dict[str, Any]:
    return {"name": PLAN_TOOL, "description": PLAN_TOOL_DESCRIPTION, "input_schema": PLAN_SCHEMA}


def question_tool() -> dict[str, Any]:
    return {
        "name": QUESTION_TOOL,
        "description": QUESTION_TOOL_DESCRIPTION,
        "input_schema": QUESTION_SCHEMA,
    }


def make(options: ProviderOptions) -> AnthropicProvider:
    """The registry's factory."""
    return AnthropicProvider.make(options)


class AnthropicProvider(ToolUseProvider):
    name = "anthropic"

    default_model = DEFAULT_MODEL

    def connect(self, options: LLMOptions) -> None:
        api_key = options.api_key
        if api_key is None:
            api_key = os.environ.get("ANTHROPIC_API_KEY")
        if not api_key:
            raise ProviderError(
                "the anthropic provider needs an API key: set ANTHROPIC_API_KEY "
                "(or use --provider offline, or --provider openai with a local server)"
            )
        self.base_url = checked_base_url(
            options.base_url or os.environ.get("ANTHROPIC_BASE_URL"),
            "--base-url" if options.base_url else "ANTHROPIC_BASE_URL",
        )
        # The API's own server (recordings made elsewhere are marked with their base URL).
        self.official = (self.base_url or ANTHROPIC_URL).rstrip("/") == ANTHROPIC_URL
        # The key is passed explicitly so the SDK never looks for credential files.
        self.client = anthropic.Anthropic(
            api_key=api_key,
            base_url=self.base_url,
            max_retries=0,
            timeout=options.timeout,
            http_client=options.http_client,
        )
        # Strict tool use is opt-in here (DATAGEN_STRICT_TOOLS=1): the recorded fixtures
        # and most proxies expect the plain schema; a 400 about it falls back once.
        self.strict = strict_tools_default(False) if options.strict is None else options.strict
        self._tools = [schema_tool(self.strict), question_tool()]

    def cost_estimate(self, usage: Usage) -> float | None:
        return cost_estimate(self.model, usage)

    # ------------------------------------------------------------------ request

    def request(self, conversation: Conversation, budget: Budget | None = None) -> dict[str, Any]:
        """The Messages API request body for the conversation so far."""
        budget = budget or Budget(self.max_tokens, force_schema=self.must_write(conversation))
        tools = self._tools + ([plan_tool()] if self.plans(conversation) else [])
        if budget.plan:
            tools = [plan_tool()]
            tool_choice = {"type": "tool", "name": PLAN_TOOL, "disable_parallel_tool_use": True}
        elif budget.force_schema:
            tool_choice = {"type": "tool", "name": SCHEMA_TOOL, "disable_parallel_tool_use": True}
        else:
            tool_choice = {"type": "any", "disable_parallel_tool_use": True}
        return {
            "model": self.model,
            "max_tokens": budget.max_tokens,
            # Tools come before the system prompt in the cache prefix, so this one
            # breakpoint caches both.
            "system": [
                {"type": "text", "text": self._system, "cache_control": {"type": "ephemeral"}}
            ],
            "tools": tools,
            "tool_choice": tool_choice,
            "messages": self.messages(conversation),
        }

    def messages(self, conversation: Conversation) -> list[dict[str, Any]]:
        first = self.prompts.first_message(conversation, plan=self.plans(conversation))
        messages: list[dict[str, Any]] = [{"role": "user", "content": first}]
        if conversation.plan is not None:
            call = conversation.plan_call_id or "plan"
            messages.append(
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "tool_use",
                            "id": call,
                            "name": PLAN_TOOL,
                            "input": conversation.plan,
                        }
                    ],
                }
            )
            messages.append(
                {
                    "role": "user",
                    "content": [
                        {"type": "tool_result", "tool_use_id": call, "content": PLAN_NOTED}
                    ],
                }
            )
        exchanges = conversation.exchanges
        for exchange in exchanges:
            messages.append({"role": "assistant", "content": _assistant_content(exchange.reply)})
            if exchange.feedback is not None:
                result: dict[str, Any] = {
                    "type": "tool_result",
                    "tool_use_id": exchange.feedback.call_id or exchange.reply.call_id,
                    "content": exchange.feedback.text,
                }
                if exchange.feedback.is_error:
                    result["is_error"] = True
                messages.append({"role": "user", "content": [result]})
        if exchanges and isinstance(messages[-1]["content"], list):
            # A second cache breakpoint on the newest turn: each repair re-sends every
            # earlier draft, and this lets the next request read them from the cache.
            messages[-1]["content"][-1]["cache_control"] = {"type": "ephemeral"}
        return messages

    # ------------------------------------------------------------------ one call

    def _check_reply(self, message: Any) -> None:
        """A 200 whose body is not a Messages API reply (an HTML page from a proxy, text,
        another API's JSON) is the endpoint's fault: a message, not an AttributeError."""
        content = getattr(message, "content", None)
        usage = getattr(message, "usage", None)
        if (
            isinstance(content, list)
            and all(hasattr(b, "type") for b in content)
            and getattr(usage, "input_tokens", None) is not None
        ):
            return
        shown = redact(str(message).replace("\n", " "))[:120]
        raise ProviderError(
            f"{self.client.base_url} answered with something that is not a Messages API reply "
            f"({shown!r}): check --base-url"
        )

    def complete(self, conversation: Conversation, budget: Budget) -> Completion:
        body = self.request(conversation, budget)
        try:
            message = self.call(body, stream=budget.stream)
        except StrictRejected:
            self.strict = False  # the API refused the strict schema: once is enough
            self._tools = [schema_tool(), question_tool()]
            message = self.call(self.request(conversation, budget), stream=budget.stream)
        self._check_reply(message)
        usage = _usage(message.usage)
        tool_use = next((b for b in message.content if b.type == "tool_use"), None)
        text = " ".join(getattr(b, "text", "") for b in message.content if b.type == "text")
        raw = [
            b.model_dump(mode="json", exclude_none=True, warnings=False) for b in message.content
        ]
        if message.stop_reason == "max_tokens":
            stop = "max_tokens"
        elif message.stop_reason == "refusal":
            stop = "refusal"
        else:
            stop = "tool" if tool_use is not None else "text"
        if tool_use is None:
            return Completion(stop, usage, text=text, raw=raw)  # type: ignore[arg-type]
        data: Any = tool_use.input
        if body["tools"][0].get("strict") and tool_use.name == SCHEMA_TOOL:
            parsed = parse_tool_input(data)
            data = data if parsed is None else from_strict(parsed)
        return Completion(
            stop,  # type: ignore[arg-type]
            usage,
            tool_name=tool_use.name,
            tool_input=data,
            call_id=tool_use.id,
            text=text,
            raw=raw,
        )

    def echo(self, completion: Completion, data: dict[str, Any]) -> Any:
        # The API wants the tool_use input back as an object, whatever the model sent.
        raw = [dict(block) for block in completion.raw or []]
        for block in raw:
            if block.get("type") == "tool_use" and block.get("id") == completion.call_id:
                block["input"] = data
        return raw

    # ------------------------------------------------------------------ HTTP + retries

    def send(self, body: dict[str, Any], stream: bool) -> Any:
        if stream:
            # Large budgets must stream (the SDK refuses long non-streaming requests).
            with self.client.messages.stream(**body) as events:
                if sum(1 for _ in events) == 0:  # the SDK would assert: say what it means
                    raise ProviderError(
                        f"{self.client.base_url} answered a streamed request without a single "
                        "Messages API event: check --base-url"
                    )
                return events.get_final_message()
        return self.client.messages.create(**body)

    def service(self) -> Service:
        where = str(self.client.base_url).rstrip("/")
        return Service(
            anthropic, "the Anthropic API", where, "ANTHROPIC_API_KEY", self.model,
            self.timeout, "check the network and --base-url", self.strict,
        )  # fmt: skip

    def sleep(self, seconds: float) -> None:
        wait_seconds(seconds)


def wait_seconds(seconds: float) -> None:
    """The real sleep between retries; a module attribute so tests can make it instant."""
    time.sleep(seconds)


def _usage(raw: Any) -> Usage:
    return Usage(
        input_tokens=raw.input_tokens or 0,
        output_tokens=raw.output_tokens or 0,
        cache_read_input_tokens=getattr(raw, "cache_read_input_tokens", None) or 0,
        cache_creation_input_tokens=getattr(raw, "cache_creation_input_tokens", None) or 0,
    )


def _assistant_content(reply: Reply) -> list[dict[str, Any]]:
    if reply.raw:
        return list(reply.raw)
    # A reply made elsewhere (replayed transcript): rebuild the tool call.
    name, data = question_from_reply(reply)
    return [{"type": "tool_use", "id": reply.call_id or "call", "name": name, "input": data}]
