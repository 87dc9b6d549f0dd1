"""Blueprint + what the description says -> a DSL schema dict, with its assumptions.

Order of work: pick the domain (domains.py), copy its blueprint or compose one
from the lexicon (draft.py), fix the timeframe, then place named tables
(tables.py), counts (counts.py), named columns and countries (columns.py) and
behaviours (behaviours.py), honour the claims (claims_binding.py), say what
was guessed or not read (assumptions.py), and finally derive the constraints
and the targets from what the tables now declare (finish.py), so every target
is one the generators make true.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from datagen.agent.claims import extract_claims
from datagen.agent.offline.assumptions import note_template_tables, note_unread
from datagen.agent.offline.behaviours import apply_average_amount, apply_behaviours, set_pattern
from datagen.agent.offline.blueprints import BLUEPRINTS
from datagen.agent.offline.blueprints.generic import generic_blueprint
from datagen.agent.offline.claims_binding import (
    bind,
    claim_window,
    honour_claims,
    unread_clauses,
)
from datagen.agent.offline.columns import apply_columns, apply_countries
from datagen.agent.offline.counts import apply_counts, apply_grain, cap_unstated
from datagen.agent.offline.domains import choose_domain, generic_layout, lexicon_blueprint
from datagen.agent.offline.draft import DEFAULT_WINDOW, resolve_window, start_draft
from datagen.agent.offline.finish import assemble, finish, weekend_share
from datagen.agent.offline.parse import REFERENCE_DATE, TimeWindow, parse
from datagen.agent.offline.roles import fold_roles
from datagen.agent.offline.tables import (
    apply_mentions,
    apply_named_tables,
    candidate_nouns,
    merge_secondary,
    prune_template_extras,
)

__all__ = ["compose", "set_pattern", "weekend_share"]  # the last two for agent/edits.py


MAX_DESCRIPTION = 4000  # characters read; a description is a paragraph, not a document


def readable_part(text: str) -> str:
    """The description up to MAX_DESCRIPTION characters, cut after a sentence (else a word)."""
    if len(text) <= MAX_DESCRIPTION:
        return text
    head = text[: MAX_DESCRIPTION + 1]
    ends = [m.end() for m in re.finditer(r"[.!?;](?=\s)|\n", head)]
    if ends:
        return head[: ends[-1]].rstrip()
    space = head.rfind(" ")
    return head[:space].rstrip() if space > 0 else head[:MAX_DESCRIPTION]


def compose(
    text: str,
    answers: dict[str, str] | None = None,
    today: date = REFERENCE_DATE,
    *,
    merge: bool = True,
) -> dict[str, Any]:
    """The schema for a description; a second domain's tables are merged in when the text
    names them (and dropped again, with a note, if the merge does not check)."""
    answers = answers or {}
    if merge:
        from datagen.engine.errors import SchemaError
        from datagen.engine.load import parse_dataset

        schema = compose(text, answers, today, merge=False)
        merged = _compose(text, answers, today, merge=True)
        if merged == schema:
            return schema
        try:
            parse_dataset(merged)
        except SchemaError:
            schema["metadata"]["assumptions"].append(
                "tables of a second domain were named but could not be merged; left out"
            )
            return schema
        return merged
    return _compose(text, answers, today, merge=False)


def _compose(text: str, answers: dict[str, str], today: date, *, merge: bool) -> dict[str, Any]:
    read = readable_part(text)
    parsed = parse(read, today)
    claims = extract_claims(read, reference_date=today)
    stated = claim_window(claims)
    if stated is not None:  # the claim extractor's window is the one the validator checks
        parsed.window = TimeWindow(stated[0], stated[1], stated[2])
    domain, notes = choose_domain(parsed, answers.get("domain"))
    composed = None if answers.get("domain") else lexicon_blueprint(parsed, domain)
    if composed is not None:
        blueprint, notes = composed
        domain = blueprint.domain
    else:
        blueprint = BLUEPRINTS[domain] if domain else generic_blueprint(candidate_nouns(parsed))
    window, window_note = resolve_window(parsed.window, today)
    semester = re.search(r"\bper\s+(semester|term)\b", text[:MAX_DESCRIPTION], re.IGNORECASE)
    if parsed.window is None and semester:  # a rate per semester holds over one semester
        window = (date(DEFAULT_WINDOW[0].year, 9, 1), DEFAULT_WINDOW[1])
        window_note = (
            f"time window: none given, so one {semester.group(1).lower()}: "
            f"{window[0].isoformat()} to {window[1].isoformat()} (end exclusive), "
            f"from {semester.group(0)!r}"
        )
    draft = start_draft(blueprint, window)
    draft.text = text
    draft.window_given = parsed.window is not None
    for note in notes:
        draft.note(note)
    if domain is None:
        draft.note(generic_layout(blueprint))
    draft.note(window_note)
    if len(text) > MAX_DESCRIPTION:
        draft.note(
            f"only the first {len(read)} characters of the description were read "
            f"(up to the last sentence that fits in {MAX_DESCRIPTION})"
        )
    if merge and domain and composed is None:
        merge_secondary(draft, parsed)
    if composed is None:
        apply_named_tables(draft, parsed)
    fold_roles(draft, parsed)
    apply_counts(draft, parsed)
    if composed is None:
        apply_mentions(draft, parsed)
        prune_template_extras(draft, parsed)
        note_template_tables(draft, parsed)
    apply_columns(draft, parsed)
    apply_countries(draft, parsed)
    apply_average_amount(draft, parsed)
    apply_behaviours(draft, parsed)
    if blueprint.grain_question:
        apply_grain(draft, parsed, answers.get("grain"))
    claims = honour_claims(draft, claims)
    cap_unstated(draft)
    claims = unread_clauses(draft, claims, note_unread(draft, parsed, claims))
    finish(draft)
    return bind(assemble(draft, text, domain or "generic"), claims)
