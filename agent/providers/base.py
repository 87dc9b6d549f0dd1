"""The provider protocol: one interface for the LLM, the offline author and test fakes.

The authoring loop (agent/loop.py) owns the conversation. A provider only
answers the next step of it: given the conversation so far, return either a
schema draft (a DSL dict) or a clarification question. Providers never check
drafts, count repairs or talk to the user: that is the loop's job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from datagen.engine.errors import DatagenError, Problem


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_input_tokens += other.cache_read_input_tokens
        self.cache_creation_input_tokens += other.cache_creation_input_tokens

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_input_tokens
            + self.cache_creation_input_tokens
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
        }


@dataclass
class Question:
    text: str
    default: str
    options: list[str] = field(default_factory=list)


@dataclass
class Reply:
    """What a provider answers: a draft schema or a question (never both)."""

    kind: Literal["schema", "question"]
    schema: dict[str, Any] | None = None
    question: Question | None = None
    usage: Usage = field(default_factory=Usage)
    # Provider-specific id tying the reply to the feedback that answers it
    # (the Anthropic tool_use id); the loop echoes it back untouched.
    call_id: str | None = None
    # Provider-private: the raw assistant message content, replayed verbatim on
    # the next request so the conversation the model sees is exactly what it said.
    raw: Any = None
    # Model-side failures recovered from on the way (a truncated reply asked again...).
    recovered: list[str] = field(default_factory=list)


@dataclass
class Feedback:
    """The loop's answer to a reply: errors to repair, or the user's answer to a question.

    `text` is what an LLM reads (rendered from prompts/). Rule-based providers should
    read the structured fields instead of parsing it: `problems` (a repair: the same
    Problem objects the CLI prints) and `answer` (a question: the answer or default).
    """

    call_id: str | None
    text: str
    is_error: bool
    problems: list[Problem] = field(default_factory=list)
    answer: str | None = None
    answer_defaulted: bool = False


@dataclass
class Exchange:
    reply: Reply
    feedback: Feedback | None = None


@dataclass
class Conversation:
    description: str
    # The schema being edited (chat), or None when authoring from scratch.
    current_schema: dict[str, Any] | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    # Questions the provider may still ask; the loop sets it to 0 once a draft exists.
    questions_left: int = 2
    # The description's claims, as "phrase (kind)" lines (the loop extracts them once).
    claims: list[str] = field(default_factory=list)
    # The plan a provider asked its model for before the first draft (plan, then write).
    plan: dict[str, Any] | None = None
    plan_call_id: str | None = None

    @property
    def has_draft(self) -> bool:
        return any(e.reply.kind == "schema" for e in self.exchanges)


class ProviderError(DatagenError):
    """The provider cannot be used as configured: a missing or rejected key, an unknown
    model or endpoint, an unknown provider name. The user's own input (exit 2).
    """


class ProviderFailure(Exception):
    """The model or its service failed, not the user's input (exit 1): a reply cut at
    max_tokens or without a tool call even after a retry, a refusal, an API that stayed
    down, unreachable or timed out. Carries the usage already spent on the failed calls.
    """

    def __init__(self, message: str, usage: Usage | None = None, *, refusal: bool = False):
        super().__init__(message)
        self.usage = usage or Usage()
        self.refusal = refusal


OFFLINE_HINT = "or write the schema without an API: --provider offline"


@dataclass
class ProviderOptions:
    """What a provider factory is built from: the CLI's flags, None meaning "the default"."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    max_tokens: int | None = None
    timeout: float | None = None
    # Force the schema tool from the first turn (`--no-input`: no questions, no prose).
    no_input: bool = False
    # Plan, then write: a first call lists tables, relations and claims (`--plan`).
    plan: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def checked_base_url(url: str | None, source: str) -> str | None:
    """A base URL the SDK can call (http or https, with a host), or a ProviderError naming
    where it came from (`--base-url`, or the environment variable): the user's to fix."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProviderError(
            f"{source}: {url!r} is not an http(s) URL with a host "
            "(expected e.g. https://api.example.com or http://localhost:11434/v1)"
        )
    return url.strip()


def parse_tool_input(value: Any) -> dict[str, Any] | None:
    """A tool input as an object: models sometimes send it as a JSON string (twice encoded)."""
    for _ in range(3):
        if isinstance(value, dict):
            return value
        if not isinstance(value, str):
            return None
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


class Provider(Protocol):
    name: str
    model: str | None

    def next(self, conversation: Conversation) -> Reply: ...
