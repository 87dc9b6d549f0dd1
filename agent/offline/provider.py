"""`OfflineAuthor`: the rule-based author behind the provider protocol.

First call: at most two clarifications (only those that change the result:
which of two equally likely domains, the reading interval of sensor data),
then a draft. After an error feedback: a repaired draft (the offending
targets, constraints or columns dropped), else the same draft again.
Deterministic: no clock, no randomness; the reference date for relative
windows is fixed (REFERENCE_DATE) unless one is passed in.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.blueprints import BLUEPRINTS
from datagen.agent.offline.compose import compose
from datagen.agent.offline.counts import grain_in_text
from datagen.agent.offline.domains import ambiguous_domains
from datagen.agent.offline.edit import edit
from datagen.agent.offline.parse import REFERENCE_DATE, parse, refusal_reason
from datagen.agent.providers.base import Conversation, Question, Reply


class RefusedDescription(ValueError):
    """The description cannot be authored (empty, no words, or an instruction to the tool)."""


@dataclass(frozen=True)
class PendingQuestion:
    key: str  # the answer's key in `author(answers=...)` and the eval cases
    question: Question


def author(
    description: str, answers: dict[str, str] | None = None, today: date = REFERENCE_DATE
) -> dict[str, Any]:
    """Description (+ answers to clarifications) -> a DSL schema dict. Pure and deterministic."""
    reason = refusal_reason(description)
    if reason:
        raise RefusedDescription(reason)
    return compose(description, answers or {}, today)


def _field_is_clear(parsed: Any) -> bool:
    """The lexicon composes the tables and the words lean clearly (1.4 times the next) to one
    field: two tied domain templates are then no question worth asking."""
    from datagen.agent.offline.domains import lexicon_blueprint
    from datagen.agent.offline.entities import find_entities

    votes = sorted(find_entities(parsed).votes.values(), reverse=True) + [0.0, 0.0]
    tie = ambiguous_domains(parsed)
    return (
        votes[0] >= 1.4 * votes[1]
        and tie is not None
        and lexicon_blueprint(parsed, tie[0]) is not None
    )


def questions_for(
    description: str, answers: dict[str, str] | None = None, today: date = REFERENCE_DATE
) -> list[PendingQuestion]:
    """The clarifications worth asking, in order, minus those already answered."""
    answers = answers or {}
    parsed = parse(description, today)
    out: list[PendingQuestion] = []
    tie = ambiguous_domains(parsed)
    if tie and _field_is_clear(parsed):
        tie = None  # 'a streaming service ... subscribers ... sessions': media, not saas or telecom
    if tie and "domain" not in answers:
        first, second = (BLUEPRINTS[d].title for d in tie)
        out.append(
            PendingQuestion(
                "domain",
                Question(
                    text=f"Which domain is this: {first} or {second}?",
                    default=tie[0],
                    options=list(tie),
                ),
            )
        )
    domain = answers.get("domain") or (tie[0] if tie else None)
    if domain is None:
        from datagen.agent.offline.domains import choose_domain

        domain = choose_domain(parsed, None)[0]
    blueprint = BLUEPRINTS.get(domain or "")
    if (
        blueprint is not None
        and blueprint.grain_question
        and "grain" not in answers
        and grain_in_text(description) is None
        and not any(c.noun in ("reading", "measurement") for c in parsed.counts)
    ):
        out.append(
            PendingQuestion(
                "grain",
                Question(
                    text="Main time grain: how often does each device send a reading?",
                    default="hourly",
                    options=["every minute", "every 15 minutes", "hourly", "daily"],
                ),
            )
        )
    return out


class OfflineAuthor:
    """The embedded default provider: no key, no network, same input -> same schema."""

    name = "offline"
    model: str | None = None
    deterministic = True  # the loop stops at a repair that changes nothing

    def __init__(self, today: date = REFERENCE_DATE, ask: bool = True):
        self.today = today
        self.ask = ask

    def next(self, conversation: Conversation) -> Reply:
        description = conversation.description
        reason = refusal_reason(description)
        if reason:
            raise RefusedDescription(reason)
        answers, asked = _answers(conversation)
        last = conversation.exchanges[-1] if conversation.exchanges else None
        if (
            last is not None
            and last.reply.kind == "schema"
            and last.reply.schema is not None
            and last.feedback is not None
            and last.feedback.is_error
        ):
            return Reply(kind="schema", schema=repair(last.reply.schema, last.feedback.text))
        has_draft = any(e.reply.kind == "schema" for e in conversation.exchanges)
        if conversation.current_schema is not None:
            return Reply(
                kind="schema", schema=edit(conversation.current_schema, description, self.today)
            )
        if self.ask and not has_draft and conversation.questions_left > 0 and asked < 2:
            pending = questions_for(description, answers, self.today)
            if pending:
                return Reply(kind="question", question=pending[0].question, call_id=pending[0].key)
        return Reply(kind="schema", schema=author(description, answers, self.today))


def _answers(conversation: Conversation) -> tuple[dict[str, str], int]:
    answers: dict[str, str] = {}
    asked = 0
    for exchange in conversation.exchanges:
        reply = exchange.reply
        if reply.kind != "question" or reply.question is None:
            continue
        asked += 1
        key = reply.call_id or ("grain" if "reading" in reply.question.text else "domain")
        if exchange.feedback is not None and not exchange.feedback.is_error:
            answers[key] = answer_text(exchange.feedback.text) or reply.question.default
        else:
            answers[key] = reply.question.default
    return answers, asked


def answer_text(feedback: str) -> str:
    """The answer inside the loop's feedback ("The user answered: X", "use the default: X.")."""
    text = feedback.strip()
    m = re.search(
        r"(?:user answered|use the default|answer(?: is)?)\s*:\s*(.+)", text, re.IGNORECASE
    )
    if m:
        text = m.group(1).split("\n")[0].strip()
        text = re.sub(r"\.\s+Record it.*$", "", text).rstrip(".").strip()
    return text


# --------------------------------------------------------------------------- repair

_PATH = re.compile(
    r"(targets\.(\w+)\[(\d+)\]|constraints\.(\w+)\[(\d+)\]|nodes\[(\d+)\](?:\.columns\[(\d+)\])?)"
)
_TARGET_NAMES = ("weekend_share", "mean_in_range", "seasonality", "composite_effect")


def repair(schema: dict[str, Any], feedback: str) -> dict[str, Any]:
    """Drop what the feedback points at (JSON paths, or failed target checks by name)."""
    fixed = copy.deepcopy(schema)
    targets: set[tuple[str, int]] = set()
    constraints: set[tuple[str, int]] = set()
    columns: set[tuple[str, str]] = set()
    for m in _PATH.finditer(feedback):
        if m.group(2):
            targets.add((m.group(2), int(m.group(3))))
        elif m.group(4):
            constraints.add((m.group(4), int(m.group(5))))
        elif m.group(7) is not None:
            ni, ci = int(m.group(6)), int(m.group(7))
            nodes = fixed.get("nodes", [])
            if ni < len(nodes) and ci < len(nodes[ni].get("columns", [])):
                columns.add((nodes[ni]["id"], nodes[ni]["columns"][ci]["name"]))
    # failed behavioural checks named in the text: "weekend_share order.ordered_at" and the like
    for kind in _TARGET_NAMES:
        for i, target in enumerate(fixed.get("targets", {}).get(kind, [])):
            ref = f"{target['table']}.{target['column']}"
            if re.search(
                rf"{kind}\W+(?:\w+\W+){{0,3}}{re.escape(ref)}|{re.escape(ref)}\W+(?:\w+\W+)"
                rf"{{0,3}}{kind}",
                feedback,
            ):
                targets.add((kind, i))
    for kind, i in sorted(targets, reverse=True):
        items = fixed.get("targets", {}).get(kind, [])
        if i < len(items):
            items.pop(i)
    for kind, i in sorted(constraints, reverse=True):
        items = fixed.get("constraints", {}).get(kind, [])
        if i < len(items):
            items.pop(i)
    for table, name in sorted(columns):
        node = surgery.node(fixed, table)
        if node is None or node.get("pk") == name:
            continue
        fixed.setdefault("constraints", {})
        fixed.setdefault("targets", {})
        surgery.drop_column(fixed, table, name)
    if fixed != schema:
        notes = fixed.setdefault("metadata", {}).setdefault("assumptions", [])
        notes.append("repaired after feedback: dropped what the checks pointed at")
    return fixed
