"""What every tool-calling LLM provider shares: the two tools and recovery from model-side failures.

A provider module maps one API (Messages, Chat Completions) onto `complete()`:
one request, one `Completion`. `ToolUseProvider.next()` owns what happens when
the model does not answer with a usable tool call, the same for every API:

- a reply cut at max_tokens is asked again, streamed, with twice the budget
  (up to the model's ceiling);
- a text-only reply or a refusal is asked again once with the schema tool forced;
- a tool input sent as a JSON string is parsed, and echoed back as an object;
- every call's usage is counted, the failed ones too;
- what still fails raises `ProviderFailure` with the cause in words (exit 1).
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, ClassVar, Literal, Self

from datagen.agent.providers.apierrors import BudgetRejected, Service, is_transient, translate
from datagen.agent.providers.base import (
    Conversation,
    ProviderFailure,
    ProviderOptions,
    Question,
    Reply,
    Usage,
    parse_tool_input,
)
from datagen.agent.providers.retry import Attempts, RetryPolicy, call_with_retries
from datagen.engine import dsl

SCHEMA_TOOL = "write_schema"
QUESTION_TOOL = "ask_clarification"
PLAN_TOOL = "write_plan"

SCHEMA_TOOL_DESCRIPTION = (
    "Write the complete datagen DSL schema for the dataset (never a fragment). "
    "datagen checks it, dry-runs it and scores it; problems come back as an error "
    "tool result with JSON paths to fix."
)
QUESTION_TOOL_DESCRIPTION = (
    "Ask the user one short clarification question, only when the answer changes the "
    "schema's structure or scale. Always give the default you would choose yourself; "
    "it is taken when nobody can answer."
)
QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "question": {"type": "string", "description": "one short sentence"},
        "default": {"type": "string", "description": "the answer used if none is given"},
        "options": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
    },
    "required": ["question", "default"],
    "additionalProperties": False,
}

PLAN_TOOL_DESCRIPTION = (
    "Plan the dataset before writing its schema: the tables, how they relate, and how each "
    "fact the description states will be modelled."
)
_NAMED = {"type": "object", "additionalProperties": False}
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tables": {
            "type": "array",
            "items": _NAMED
            | {
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"type": "string", "enum": ["entity", "fact", "vocab"]},
                    "rows": {"type": "string", "description": "a count, or per parent"},
                },
                "required": ["id", "kind", "rows"],
            },
        },
        "relations": {
            "type": "array",
            "items": _NAMED
            | {
                "properties": {
                    "child": {"type": "string"},
                    "parent": {"type": "string"},
                    "meaning": {"type": "string"},
                },
                "required": ["child", "parent", "meaning"],
            },
        },
        "claims": {
            "type": "array",
            "items": _NAMED
            | {
                "properties": {
                    "phrase": {"type": "string"},
                    "modelled_as": {"type": "string", "description": "or `not modelled: why`"},
                },
                "required": ["phrase", "modelled_as"],
            },
        },
    },
    "required": ["tables", "relations", "claims"],
    "additionalProperties": False,
}
PLAN_NOTED = (
    "Plan noted. Now write the complete schema with `write_schema`, following the plan: "
    "every table, relation and claim in it."
)


@cache
def _dsl_schema() -> dict[str, Any]:
    return dsl.json_schema()


def dsl_input_schema() -> dict[str, Any]:
    """The DSL's JSON Schema as a tool input schema (generated from the models)."""
    schema = copy.deepcopy(_dsl_schema())
    schema.pop("$schema", None)
    return schema


Stop = Literal["tool", "max_tokens", "text", "refusal"]


@dataclass
class Completion:
    """One API answer, mapped: the first tool call (if any) and why the model stopped."""

    stop: Stop
    usage: Usage
    tool_name: str | None = None
    tool_input: Any = None
    call_id: str | None = None
    text: str = ""
    raw: Any = None  # the assistant turn as the API wants it back


@dataclass
class Budget:
    """The output budget of one request, raised after a truncated reply."""

    max_tokens: int
    stream: bool = False
    force_schema: bool = False
    # The planning call: only the plan tool, forced.
    plan: bool = False


@dataclass(frozen=True)
class LLMOptions:
    """What every LLM provider is built from: its constructor's keywords, in one object."""

    model: str | None = None  # default: $DATAGEN_MODEL, else the provider's default_model
    api_key: str | None = None  # default: the provider's variable (ANTHROPIC_API_KEY...)
    base_url: str | None = None  # default: the provider's variable, else its API
    max_tokens: int = 16_000
    timeout: float = 300.0
    retry: RetryPolicy | None = None
    prompts: Any = None  # datagen.prompts.Prompts; default: the shipped prompts
    no_input: bool = False
    plan: bool = False
    strict: bool | None = None  # strict tool schemas; default: the provider decides
    http_client: Any = None  # an httpx2.Client, e.g. the evals' recording/replay transport

    @classmethod
    def of(cls, options: ProviderOptions) -> LLMOptions:
        """From the registry's options (the CLI's flags, None meaning the default)."""
        return cls(
            model=options.model,
            api_key=options.api_key,
            base_url=options.base_url,
            max_tokens=options.max_tokens or cls.max_tokens,
            timeout=options.timeout or cls.timeout,
            no_input=options.no_input,
            plan=options.plan,
            **options.extra,
        )


class ToolUseProvider:
    """Base of the LLM providers: subclasses implement `connect`, `complete` and `echo`.

    Built from one `LLMOptions` (`Provider(options)`), or its fields as keywords
    (`Provider(api_key="k", model="m")`).
    """

    name = "llm"
    default_model: ClassVar[str]
    model: str | None = None
    max_tokens: int = 16_000
    # The largest budget a truncated reply is retried with.
    max_tokens_ceiling: int = 64_000
    timeout: float = 300.0
    no_input: bool = False
    plan: bool = False
    requests: int = 0
    # The loop sends a passing draft's semantic warnings back once: a model can act on them.
    reads_warnings = True
    # Input tokens of the first request (system prompt, tools, first message) as the API
    # counted them: the prompt's measured size, for the transcript.
    first_request_tokens: int | None = None
    # The first request body's size in characters: a server that counts far fewer tokens
    # than that holds has cut the prompt to its context window (Ollama does, silently).
    first_request_chars: int | None = None

    prompts: Any = None
    retry: RetryPolicy

    def __init__(self, options: LLMOptions | None = None, **settings: Any) -> None:
        options = replace(options or LLMOptions(), **settings)
        self.connect(options)
        self.configure(
            model=options.model or os.environ.get("DATAGEN_MODEL") or self.default_model,
            max_tokens=options.max_tokens,
            timeout=options.timeout,
            no_input=options.no_input,
            plan=options.plan,
            retry=options.retry,
            prompts=options.prompts,
        )
        self._system: str = self.prompts.system()

    @classmethod
    def make(cls, options: ProviderOptions) -> Self:
        """The registry's factory."""
        return cls(LLMOptions.of(options))

    def connect(self, options: LLMOptions) -> None:
        """Find the key and the server, make the SDK client (its own retries off: `call`
        retries); raise ProviderError when there is no key to use."""
        raise NotImplementedError

    def configure(
        self,
        *,
        model: str,
        max_tokens: int,
        timeout: float,
        no_input: bool,
        plan: bool,
        retry: RetryPolicy | None,
        prompts: Any,
    ) -> None:
        """The settings every LLM provider takes from its flags."""
        self.model = model
        self.max_tokens = max_tokens
        self.max_tokens_ceiling = max(64_000, max_tokens)
        self.timeout = timeout
        self.no_input = no_input
        self.plan = plan
        self.retry = retry or RetryPolicy()
        self.requests = 0  # HTTP requests made, retries included
        if prompts is None:
            from datagen.prompts import load_prompts

            prompts = load_prompts()
        self.prompts = prompts

    def complete(self, conversation: Conversation, budget: Budget) -> Completion:
        raise NotImplementedError

    # ------------------------------------------------------------------ HTTP, per API

    def send(self, body: dict[str, Any], stream: bool) -> Any:
        """One request through the SDK (no retries)."""
        raise NotImplementedError

    def service(self) -> Service:
        """Who is called, for the error messages (and the SDK whose errors are mapped)."""
        raise NotImplementedError

    def sleep(self, seconds: float) -> None:
        raise NotImplementedError

    def call(self, body: dict[str, Any], *, stream: bool = False) -> Any:
        """`send` with the retries; SDK errors mapped to ProviderError / ProviderFailure."""
        attempts = Attempts()
        service = self.service()

        def once() -> Any:
            self.requests += 1
            return self.send(body, stream)

        if self.first_request_chars is None:
            self.first_request_chars = len(json.dumps(body, default=str))

        try:
            return call_with_retries(
                once, self.retry, lambda e: is_transient(service.sdk, e), self.sleep, attempts
            )
        except service.sdk.APIError as exc:
            raise translate(exc, service, attempts) from None

    def prompt_size(self) -> dict[str, Any]:
        """The system prompt's size, for the transcript."""
        return dict(self.prompts.system_size()) if self.prompts is not None else {}

    def measured(self, usage: Usage) -> None:
        if self.first_request_tokens is None and usage.total_tokens:
            self.first_request_tokens = (
                usage.input_tokens
                + usage.cache_read_input_tokens
                + usage.cache_creation_input_tokens
            )

    def echo(self, completion: Completion, data: dict[str, Any]) -> Any:
        """The assistant turn to replay, with the tool input as the object we parsed."""
        return completion.raw

    def must_write(self, conversation: Conversation) -> bool:
        """Force the schema tool (no question, no prose)?"""
        return self.no_input or conversation.questions_left <= 0 or conversation.has_draft

    def plans(self, conversation: Conversation) -> bool:
        """Plan before the first draft of a new dataset (not for an edit)."""
        return self.plan and conversation.current_schema is None

    def make_plan(self, conversation: Conversation, spent: Usage) -> None:
        """The planning call: its input is kept on the conversation for every later request."""
        completion = self.complete(conversation, Budget(self.max_tokens, plan=True))
        spent.add(completion.usage)
        self.measured(completion.usage)
        data = parse_tool_input(completion.tool_input) if completion.tool_name else None
        if completion.tool_name != PLAN_TOOL or data is None:
            data = {"tables": [], "relations": [], "claims": [], "note": "no plan was given"}
        conversation.plan = data
        conversation.plan_call_id = completion.call_id or "plan"

    def next(self, conversation: Conversation) -> Reply:
        spent = Usage()
        if self.plans(conversation) and conversation.plan is None:
            self.make_plan(conversation, spent)
        budget = Budget(self.max_tokens, force_schema=self.must_write(conversation))
        reasked = truncated = False
        cut_at = 0  # the budget a reply was cut at
        recovered: list[str] = []  # what was asked again and why, for the transcript
        while True:
            try:
                completion = self.complete(conversation, budget)
            except BudgetRejected as exc:
                if not truncated:
                    raise  # the user's --max-tokens: theirs to lower (exit 2)
                raise ProviderFailure(
                    f"the model's reply was cut off at max_tokens={cut_at}, "
                    f"and it would not take a larger budget ({budget.max_tokens}): "
                    f"{exc.api_text}; ask for fewer tables",
                    spent,
                ) from None
            spent.add(completion.usage)
            self.measured(completion.usage)
            if completion.stop == "max_tokens" and completion.tool_name != QUESTION_TOOL:
                if truncated or budget.max_tokens >= self.max_tokens_ceiling:
                    raise ProviderFailure(
                        f"the model's reply was cut off at max_tokens={budget.max_tokens}"
                        + (" even after a retry with a larger budget" if truncated else "")
                        + "; raise --max-tokens or ask for fewer tables",
                        spent,
                    )
                truncated, cut_at = True, budget.max_tokens
                larger = min(budget.max_tokens * 2, self.max_tokens_ceiling)
                recovered.append(
                    f"the reply was cut off at max_tokens={budget.max_tokens}: asked again, "
                    f"streamed, with {larger}"
                )
                budget = Budget(larger, stream=True, force_schema=True)
                continue
            answered = completion.tool_name in (SCHEMA_TOOL, QUESTION_TOOL)
            data = parse_tool_input(completion.tool_input) if answered else None
            if data is None:
                what = _what_went_wrong(completion)
                if reasked:
                    raise ProviderFailure(
                        f"the model {what}, twice (the second time with the {SCHEMA_TOOL} tool "
                        "forced); nothing to check",
                        spent,
                        refusal=completion.stop == "refusal",
                    )
                reasked = True
                recovered.append(f"the model {what}: asked again with {SCHEMA_TOOL} forced")
                budget = Budget(budget.max_tokens, budget.stream, force_schema=True)
                continue
            reply = Reply(
                "schema",
                usage=spent,
                call_id=completion.call_id,
                raw=self.echo(completion, data),
                recovered=recovered,
            )
            if completion.tool_name == QUESTION_TOOL:
                reply.kind = "question"
                reply.question = Question(
                    text=str(data.get("question", "")).strip(),
                    default=str(data.get("default", "")).strip() or "use your best judgement",
                    options=[str(o) for o in data.get("options") or []],
                )
            else:
                reply.schema = data
            return reply


def _what_went_wrong(completion: Completion) -> str:
    if completion.stop == "refusal":  # the model's own words, when it gave any
        said = " ".join(completion.text.split())
        return "refused to answer" + (f": {said[:120]!r}" if said else "")
    if completion.tool_name == PLAN_TOOL:
        return "planned again instead of writing the schema"
    if completion.tool_name in (SCHEMA_TOOL, QUESTION_TOOL):
        return f"sent a `{completion.tool_name}` input that is not a JSON object"
    if completion.tool_name:
        return f"called `{completion.tool_name}`, a tool it was not given"
    text = " ".join(completion.text.split())
    quoted = f": {text[:120]!r}" if text else ""
    return f"answered in text without calling a tool{quoted}"


def question_from_reply(reply: Reply) -> tuple[str, dict[str, Any]]:
    """The tool call behind a reply made elsewhere (a replayed transcript)."""
    if reply.kind == "question" and reply.question is not None:
        data: dict[str, Any] = {"question": reply.question.text, "default": reply.question.default}
        if reply.question.options:
            data["options"] = reply.question.options
        return QUESTION_TOOL, data
    return SCHEMA_TOOL, reply.schema or {}
