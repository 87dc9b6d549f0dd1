"""The Anthropic provider: the Messages API with forced tool use.

Two tools: `write_schema`, whose input schema is the DSL's JSON Schema
(generated from the models), and `ask_clarification`. `tool_choice` lets the
model pick either while questions are allowed (before the first draft) and
forces `write_schema` afterwards. The system prompt is cached (it carries the
DSL reference and the worked examples). Repairs go back as `tool_result`
blocks with `is_error: true`.

Resilience: the SDK's own retries are off; tenacity retries rate limits (429,
honouring `retry-after`), overload (529), other 5xx, timeouts and connection
errors with exponential backoff and jitter, within a bounded total time. A
missing or rejected key fails at once.
"""

from __future__ import annotations

import copy
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import anthropic
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from datagen.agent.providers.base import (
    Conversation,
    ProviderError,
    Question,
    Reply,
    Usage,
)
from datagen.engine import dsl
from datagen.prompts import Prompts, load_prompts

DEFAULT_MODEL = "claude-sonnet-4-6"
SCHEMA_TOOL = "write_schema"
QUESTION_TOOL = "ask_clarification"

# USD per million tokens: input, output, cache write (5 min), cache read. List prices,
# used only for the summary's cost *estimate*.
PRICES: dict[str, tuple[float, float, float, float]] = {
    "claude-opus-4-5": (5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-1": (15.0, 75.0, 18.75, 1.50),
    "claude-opus-4": (15.0, 75.0, 18.75, 1.50),
    "claude-sonnet-4-6": (3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4-5": (3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4": (3.0, 15.0, 3.75, 0.30),
    "claude-haiku-4-5": (1.0, 5.0, 1.25, 0.10),
    "claude-3-5-haiku": (0.80, 4.0, 1.0, 0.08),
}


def cost_estimate(model: str | None, usage: Usage) -> float | None:
    """USD at list prices, or None for a model not in the table (dated ids match by prefix)."""
    if not model:
        return None
    key = max((k for k in PRICES if model.startswith(k)), key=len, default=None)
    if key is None:
        return None
    p_in, p_out, p_write, p_read = PRICES[key]
    return (
        usage.input_tokens * p_in
        + usage.output_tokens * p_out
        + usage.cache_creation_input_tokens * p_write
        + usage.cache_read_input_tokens * p_read
    ) / 1_000_000


@dataclass
class RetryPolicy:
    """Backoff for transient API failures. `sleep` None means `wait_seconds` (tests swap it)."""

    max_attempts: int = 6
    max_total_seconds: float = 120.0
    initial_wait: float = 1.0
    max_wait: float = 30.0
    sleep: Callable[[float], None] | None = None
    clock: Callable[[], float] = time.monotonic


def schema_tool() -> dict[str, Any]:
    input_schema = copy.deepcopy(_dsl_schema())
    input_schema.pop("$schema", None)
    return {
        "name": SCHEMA_TOOL,
        "description": (
            "Write the complete datagen DSL schema for the dataset (never a fragment). "
            "datagen checks it, dry-runs it and scores it; problems come back as an error "
            "tool result with JSON paths to fix."
        ),
        "input_schema": input_schema,
    }


@cache
def _dsl_schema() -> dict[str, Any]:
    return dsl.json_schema()


def question_tool() -> dict[str, Any]:
    return {
        "name": QUESTION_TOOL,
        "description": (
            "Ask the user one short clarification question, only when the answer changes the "
            "schema's structure or scale. Always give the default you would choose yourself; "
            "it is taken when nobody can answer."
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "question": {"type": "string", "description": "one short sentence"},
                "default": {"type": "string", "description": "the answer used if none is given"},
                "options": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
            },
            "required": ["question", "default"],
            "additionalProperties": False,
        },
    }


class AnthropicProvider:
    name = "anthropic"

    def __init__(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        max_tokens: int = 16_000,
        timeout: float = 300.0,
        retry: RetryPolicy | None = None,
        prompts: Prompts | None = None,
        http_client: Any = None,  # an httpx2.Client, e.g. the evals' recording/replay transport
    ) -> None:
        api_key = api_key if api_key is not None else os.environ.get("ANTHROPIC_API_KEY")
        if not api_key:
            raise ProviderError(
                "the anthropic provider needs an API key: set ANTHROPIC_API_KEY "
                "(or use --provider offline)"
            )
        self.model = model or os.environ.get("DATAGEN_MODEL") or DEFAULT_MODEL
        self.base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
        self.max_tokens = max_tokens
        self.retry = retry or RetryPolicy()
        self.prompts = prompts or load_prompts()
        self.requests = 0  # HTTP requests made, retries included
        # The key is passed explicitly so the SDK never looks for credential files.
        self.client = anthropic.Anthropic(
            api_key=api_key,
            base_url=self.base_url,
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        )
        self._system = self.prompts.system()
        self._tools = [schema_tool(), question_tool()]

    # ------------------------------------------------------------------ request

    def request(self, conversation: Conversation) -> dict[str, Any]:
        """The Messages API request body for the conversation so far."""
        if conversation.questions_left > 0 and not conversation.has_draft:
            tool_choice: dict[str, Any] = {"type": "any", "disable_parallel_tool_use": True}
        else:
            tool_choice = {"type": "tool", "name": SCHEMA_TOOL, "disable_parallel_tool_use": True}
        return {
            "model": self.model,
            "max_tokens": self.max_tokens,
            # Tools come before the system prompt in the cache prefix, so this one
            # breakpoint caches both.
            "system": [
                {"type": "text", "text": self._system, "cache_control": {"type": "ephemeral"}}
            ],
            "tools": self._tools,
            "tool_choice": tool_choice,
            "messages": self.messages(conversation),
        }

    def messages(self, conversation: Conversation) -> list[dict[str, Any]]:
        first = f"Describe this dataset as a datagen schema:\n\n{conversation.description}"
        if conversation.current_schema is not None:
            import json

            first = (
                f"The current schema:\n```json\n{json.dumps(conversation.current_schema)}\n```\n\n"
                f"Change it as follows and write the complete new schema:\n\n"
                f"{conversation.description}"
            )
        messages: list[dict[str, Any]] = [{"role": "user", "content": first}]
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

    # ------------------------------------------------------------------ protocol

    def next(self, conversation: Conversation) -> Reply:
        message = self._call(self.request(conversation))
        usage = _usage(message.usage)
        tool_use = next((b for b in message.content if b.type == "tool_use"), None)
        if tool_use is None:
            raise ProviderError(
                f"the model answered without calling a tool (stop_reason={message.stop_reason}); "
                "nothing to check"
            )
        raw = [b.model_dump(mode="json", exclude_none=True) for b in message.content]
        if tool_use.name == QUESTION_TOOL:
            data = tool_use.input if isinstance(tool_use.input, dict) else {}
            question = Question(
                text=str(data.get("question", "")).strip(),
                default=str(data.get("default", "")).strip() or "use your best judgement",
                options=[str(o) for o in data.get("options") or []],
            )
            return Reply("question", question=question, usage=usage, call_id=tool_use.id, raw=raw)
        if message.stop_reason == "max_tokens":
            raise ProviderError(
                f"the model's schema was cut off at max_tokens={self.max_tokens}; "
                "ask for fewer tables or raise the limit"
            )
        schema = tool_use.input if isinstance(tool_use.input, dict) else {"$": tool_use.input}
        return Reply("schema", schema=schema, usage=usage, call_id=tool_use.id, raw=raw)

    # ------------------------------------------------------------------ HTTP + retries

    def _call(self, body: dict[str, Any]) -> Any:
        policy = self.retry
        started = policy.clock()
        tries = 0

        def give_up(state: RetryCallState) -> bool:
            if stop_after_attempt(policy.max_attempts)(state):
                return True
            # tenacity computes the wait first: stop when it would overrun the budget.
            return policy.clock() - started + state.upcoming_sleep > policy.max_total_seconds

        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=give_up,
            wait=lambda state: _next_wait(policy, state),
            sleep=policy.sleep or wait_seconds,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    tries += 1
                    self.requests += 1
                    return self.client.messages.create(**body)
        except anthropic.AuthenticationError as exc:
            raise ProviderError(
                f"the Anthropic API rejected the API key (401): {_api_message(exc)}; "
                "check ANTHROPIC_API_KEY"
            ) from None
        except anthropic.PermissionDeniedError as exc:
            raise ProviderError(
                f"the API key may not use this model or endpoint (403): {_api_message(exc)}"
            ) from None
        except anthropic.NotFoundError as exc:
            raise ProviderError(
                f"not found (404) at {self.client.base_url}: {_api_message(exc)}; "
                f"check --model ({self.model}) and --base-url"
            ) from None
        except anthropic.APIStatusError as exc:
            asked = retry_after(exc)
            hint = f"; the server asked to wait {asked:g}s more" if asked else ""
            raise ProviderError(
                f"the Anthropic API failed: {_cause(exc)} after {tries} attempt(s) "
                f"in {policy.clock() - started:.1f}s: {_api_message(exc)}{hint}"
            ) from None
        except anthropic.APIConnectionError as exc:
            raise ProviderError(
                f"could not reach the Anthropic API at {self.client.base_url}: {_cause(exc)} "
                f"after {tries} attempt(s) in {policy.clock() - started:.1f}s"
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover


def wait_seconds(seconds: float) -> None:
    """The real sleep between retries; a module attribute so tests can make it instant."""
    time.sleep(seconds)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, anthropic.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, anthropic.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms` or `retry-after`), if any."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) * scale, 0.0)
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
    return None


def _next_wait(policy: RetryPolicy, state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after(exc)
    if asked is not None:
        return asked  # honoured as given; the total budget still bounds it
    # Exponential backoff with full jitter.
    ceiling = min(policy.initial_wait * 2 ** (state.attempt_number - 1), policy.max_wait)
    return random.uniform(ceiling / 2, ceiling)


def _cause(exc: BaseException) -> str:
    if isinstance(exc, anthropic.APITimeoutError):
        return "timed out"
    if isinstance(exc, anthropic.APIConnectionError):
        inner = exc.__cause__ or exc.__context__
        return f"connection error ({type(inner).__name__ if inner else 'unknown'})"
    if isinstance(exc, anthropic.APIStatusError):
        code = exc.status_code
        if code == 429:
            return "rate limited (429)"
        if code == 529:
            return "overloaded (529)"
        if code >= 500:
            return f"server error ({code})"
        return f"request rejected ({code})"
    return type(exc).__name__


def _api_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(exc.message)


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
    if reply.kind == "question" and reply.question is not None:
        name = QUESTION_TOOL
        data: dict[str, Any] = {"question": reply.question.text, "default": reply.question.default}
        if reply.question.options:
            data["options"] = reply.question.options
    else:
        name, data = SCHEMA_TOOL, reply.schema or {}
    return [{"type": "tool_use", "id": reply.call_id or "call", "name": name, "input": data}]
