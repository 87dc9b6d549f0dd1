"""The OpenAI-compatible provider: Chat Completions with function calling.

Speaks to OpenAI itself and to local servers that implement the same protocol
(Ollama, vLLM, llama.cpp's server, LM Studio) through the official `openai`
SDK: `--base-url` (or OPENAI_BASE_URL) picks the server, OPENAI_API_KEY the key
(a local server needs none). The same two tools as the Anthropic provider, as
functions; `tool_choice` forces `write_schema` once questions are over.
Repairs go back as `tool` messages. Recovery from truncated, text-only and
refused replies is shared (tooluse.py); retries are tenacity's, the SDK's off.

Strict function calling is asked for on OpenAI's own endpoint when the tool
schema can be made strict-compatible (strict.py); a 400 about the schema falls
back to non-strict once and is remembered.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import openai

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

DESCRIPTION = (
    "OpenAI's Chat Completions API, or a local server speaking it (Ollama, vLLM, llama.cpp, "
    "LM Studio): --base-url or OPENAI_BASE_URL, OPENAI_API_KEY"
)
DEFAULT_MODEL = "gpt-4.1"
OPENAI_URL = "https://api.openai.com/v1"
TOOLS_HINT = (
    "pick a --model with tool (function) calling (Ollama: `ollama show MODEL` lists `tools`), "
    "or turn tool calling on in the server (vLLM: --enable-auto-tool-choice "
    "--tool-call-parser; llama.cpp: --jinja)"
)

# USD per million tokens: input, output, (no cache write), cached input. List prices,
# used only for the summary's cost *estimate*; a local model has none.
PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.0, 0.0, 0.125),
    "gpt-5-mini": Price(0.25, 2.0, 0.0, 0.025),
    "gpt-4.1": Price(2.0, 8.0, 0.0, 0.50),
    "gpt-4.1-mini": Price(0.40, 1.60, 0.0, 0.10),
    "gpt-4o": Price(2.50, 10.0, 0.0, 1.25),
    "gpt-4o-mini": Price(0.15, 0.60, 0.0, 0.075),
}


def cost_estimate(model: str | None, usage: Usage, base_url: str | None = None) -> float | None:
    """USD at OpenAI's list prices; None for other servers and unknown models."""
    if base_url and base_url.rstrip("/") != OPENAI_URL:
        return None  # same model name, someone else's server: not OpenAI's price
    return _cost(PRICES, model, usage)


def make(options: ProviderOptions) -> OpenAIProvider:
    """The registry's factory."""
    return OpenAIProvider.make(options)


def function_tools(strict: bool) -> list[dict[str, Any]]:
    schema = dsl_input_schema()
    strict_form = strict_schema(schema) if strict else None
    return [
        {
            "type": "function",
            "function": {
                "name": SCHEMA_TOOL,
                "description": SCHEMA_TOOL_DESCRIPTION,
                "parameters": strict_form or schema,
                **({"strict": True} if strict_form else {}),
            },
        },
        {
            "type": "function",
            "function": {
                "name": QUESTION_TOOL,
                "description": QUESTION_TOOL_DESCRIPTION,
                "parameters": QUESTION_SCHEMA,
            },
        },
    ]


class OpenAIProvider(ToolUseProvider):
    name = "openai"

    default_model = DEFAULT_MODEL

    def connect(self, options: LLMOptions) -> None:
        base_url = checked_base_url(
            options.base_url or os.environ.get("OPENAI_BASE_URL"),
            "--base-url" if options.base_url else "OPENAI_BASE_URL",
        )
        self.base_url = (base_url or OPENAI_URL).rstrip("/")
        self.official = self.base_url == OPENAI_URL
        api_key = options.api_key
        if api_key is None:
            api_key = os.environ.get("OPENAI_API_KEY")
        if not api_key:
            if self.official:
                raise ProviderError(
                    "the openai provider needs an API key for OpenAI: set OPENAI_API_KEY, "
                    "or give --base-url of a local server (e.g. http://localhost:11434/v1 "
                    "for Ollama), or use --provider offline"
                )
            api_key = "local-server-needs-no-key"
        # Strict function calling where the API is known to support it.
        self.strict = (
            strict_tools_default(self.official) if options.strict is None else options.strict
        )
        self.client = openai.OpenAI(
            api_key=api_key,
            base_url=self.base_url,
            max_retries=0,
            timeout=options.timeout,
            http_client=options.http_client,
        )

    def cost_estimate(self, usage: Usage) -> float | None:
        return cost_estimate(self.model, usage, self.base_url)

    def unpriced_reason(self) -> str:
        if not self.official:
            return f"{self.model} served by {self.base_url}: no list price"
        return f"no list price for {self.model}"

    # ------------------------------------------------------------------ request

    def request(self, conversation: Conversation, budget: Budget | None = None) -> dict[str, Any]:
        budget = budget or Budget(self.max_tokens, force_schema=self.must_write(conversation))
        tools = function_tools(self.strict) + (
            [_plan_function()] if self.plans(conversation) else []
        )
        if budget.plan:
            tools = [_plan_function()]
            tool_choice: Any = {"type": "function", "function": {"name": PLAN_TOOL}}
        elif budget.force_schema:
            tool_choice = {"type": "function", "function": {"name": SCHEMA_TOOL}}
        else:
            tool_choice = "required"
        body: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages(conversation),
            "tools": tools,
            "tool_choice": tool_choice,
            "parallel_tool_calls": False,
        }
        # OpenAI's newer models take max_completion_tokens; compatible servers max_tokens.
        body["max_completion_tokens" if self.official else "max_tokens"] = budget.max_tokens
        return body

    def messages(self, conversation: Conversation) -> list[dict[str, Any]]:
        first = self.prompts.first_message(conversation, plan=self.plans(conversation))
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": self._system},
            {"role": "user", "content": first},
        ]
        if conversation.plan is not None:
            call = conversation.plan_call_id or "plan"
            messages.append(_tool_call_message(call, PLAN_TOOL, conversation.plan))
            messages.append({"role": "tool", "tool_call_id": call, "content": PLAN_NOTED})
        for exchange in conversation.exchanges:
            messages.append(_assistant_message(exchange.reply))
            if exchange.feedback is not None:
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": exchange.feedback.call_id or exchange.reply.call_id,
                        "content": exchange.feedback.text,
                    }
                )
        return messages

    # ------------------------------------------------------------------ one call

    def complete(self, conversation: Conversation, budget: Budget) -> Completion:
        body = self.request(conversation, budget)
        try:
            completion = self.call(body, stream=budget.stream)
        except StrictRejected:
            self.strict = False  # the server does not take our strict schema: once is enough
            body = self.request(conversation, budget)
            completion = self.call(body, stream=budget.stream)
        self._check_reply(completion)
        usage = _usage(completion.usage)
        if not completion.choices:
            return Completion("text", usage, text="(no choices in the answer)")
        choice = completion.choices[0]
        message = choice.message
        calls = [c for c in message.tool_calls or [] if getattr(c, "function", None)]
        text = message.content or ""
        if choice.finish_reason == "length":
            stop = "max_tokens"
        elif getattr(message, "refusal", None) or choice.finish_reason == "content_filter":
            stop, text = "refusal", message.refusal or text
        else:
            stop = "tool" if calls else "text"
        if not calls:
            return Completion(stop, usage, text=text)  # type: ignore[arg-type]
        call = calls[0]
        arguments: Any = call.function.arguments
        if body["tools"][0]["function"].get("strict") and call.function.name == SCHEMA_TOOL:
            parsed = parse_tool_input(arguments)
            arguments = arguments if parsed is None else from_strict(parsed)
        return Completion(
            stop,  # type: ignore[arg-type]
            usage,
            tool_name=call.function.name,
            tool_input=arguments,
            call_id=call.id,
            text=text,
        )

    def _check_reply(self, completion: Any) -> None:
        """A 200 whose body is not a Chat Completions reply (an HTML page, text, another
        API's JSON) means --base-url points elsewhere: a message, not an AttributeError."""
        choices = getattr(completion, "choices", None)
        if isinstance(choices, list) and all(
            getattr(c, "message", None) is not None for c in choices
        ):
            return
        shown = redact(" ".join(str(completion).split()))[:120]
        raise ProviderError(
            f"{self.base_url} answered with something that is not a Chat Completions reply "
            f"({shown!r}): check --base-url (a local server's usually ends in /v1)"
        )

    def echo(self, completion: Completion, data: dict[str, Any]) -> Any:
        # Function arguments go back as a JSON string of the object we parsed.
        return _tool_call_message(completion.call_id or "call", completion.tool_name or "", data)

    # ------------------------------------------------------------------ HTTP + retries

    def send(self, body: dict[str, Any], stream: bool) -> Any:
        if not stream:
            return self.client.chat.completions.create(**body)
        from openai.lib.streaming.chat import ChatCompletionStreamState

        state: Any = ChatCompletionStreamState()
        chunks = self.client.chat.completions.create(
            **body, stream=True, stream_options={"include_usage": True}
        )
        received = 0
        for chunk in chunks:
            state.handle_chunk(chunk)
            received += 1
        if not received:  # the SDK would assert: say what it means
            raise ProviderError(
                f"{self.base_url} answered a streamed request without a single Chat Completions "
                "chunk: check --base-url (a local server's usually ends in /v1)"
            )
        return state.get_final_completion()

    def service(self) -> Service:
        hint = "is the server running? Check --base-url (a local server's usually ends in /v1)"
        return Service(
            openai, "the API", self.base_url, "OPENAI_API_KEY", self.model,
            self.timeout, hint, self.strict, None if self.official else TOOLS_HINT,
        )  # fmt: skip

    def sleep(self, seconds: float) -> None:
        wait_seconds(seconds)


def wait_seconds(seconds: float) -> None:
    """The real sleep between retries; a module attribute so tests can make it instant."""
    time.sleep(seconds)


def _usage(raw: Any) -> Usage:
    if raw is None:  # some local servers send no usage
        return Usage()
    details = getattr(raw, "prompt_tokens_details", None)
    cached = (getattr(details, "cached_tokens", None) or 0) if details else 0
    return Usage(
        input_tokens=max((raw.prompt_tokens or 0) - cached, 0),
        output_tokens=raw.completion_tokens or 0,
        cache_read_input_tokens=cached,
    )


def _tool_call_message(call_id: str, name: str, data: Any) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(data)},
            }
        ],
    }


def _plan_function() -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": PLAN_TOOL,
            "description": PLAN_TOOL_DESCRIPTION,
            "parameters": PLAN_SCHEMA,
        },
    }


def _assistant_message(reply: Reply) -> dict[str, Any]:
    if isinstance(reply.raw, dict):
        return reply.raw
    name, data = question_from_reply(reply)
    return _tool_call_message(reply.call_id or "call", name, data)
