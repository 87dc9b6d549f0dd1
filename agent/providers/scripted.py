"""A scripted fake provider for tests: answers from a queue of canned replies.

Each script item is a schema dict (a draft), a `Question`, a ready `Reply`, or a
callable `(conversation) -> Reply | dict | Question` for replies that depend on
the feedback so far. The provider keeps a snapshot of every conversation it was
shown, so tests can assert what the loop sent back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

from datagen.agent.providers.base import Conversation, ProviderOptions, Question, Reply, Usage

ScriptItem: TypeAlias = dict[str, Any] | Question | Reply | Callable[[Conversation], Any]


class ScriptExhausted(AssertionError):
    """The loop asked for more replies than the test scripted."""


class ScriptedProvider:
    name = "scripted"

    def __init__(
        self,
        script: Iterable[ScriptItem],
        *,
        model: str | None = "scripted",
        usage_per_reply: Usage | None = None,
    ) -> None:
        self.model = model
        self._script = list(script)
        self._usage = usage_per_reply or Usage()
        self.seen: list[Conversation] = []

    @property
    def remaining(self) -> int:
        return len(self._script)

    def next(self, conversation: Conversation) -> Reply:
        self.seen.append(copy.deepcopy(conversation))
        if not self._script:
            raise ScriptExhausted(f"script exhausted after {len(self.seen) - 1} replies")
        item = self._script.pop(0)
        if callable(item) and not isinstance(item, (dict, Question, Reply)):
            item = item(conversation)
        call_id = f"call_{len(self.seen)}"
        usage = Usage(**self._usage.to_dict())
        if isinstance(item, Reply):
            return item
        if isinstance(item, Question):
            return Reply(kind="question", question=item, usage=usage, call_id=call_id)
        if isinstance(item, dict):
            return Reply(kind="schema", schema=copy.deepcopy(item), usage=usage, call_id=call_id)
        raise TypeError(f"cannot turn {type(item).__name__} into a Reply")


def make(options: ProviderOptions) -> ScriptedProvider:
    """The registry's factory: `get_provider("scripted", script=[...])`."""
    extra = dict(options.extra)
    return ScriptedProvider(extra.pop("script", []), model=options.model or "scripted", **extra)
