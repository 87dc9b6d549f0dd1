"""Honest assumptions: which tables come from a template rather than from the text, and
which words of the description nothing used."""

from __future__ import annotations

import re
from typing import Any

from datagen.agent.offline.draft import Draft
from datagen.agent.offline.entities import find_entities
from datagen.agent.offline.lexicon.cues import FIELD_CUES
from datagen.agent.offline.naming import singular
from datagen.agent.offline.parse import _STOP, FILLER, Parsed
from datagen.agent.offline.tables import NOT_TABLES, plural_mentions

GENERIC_WORDS = {
    "dataset", "data", "table", "tables", "generate", "create", "make", "want", "need", "like",
    "include", "including", "includes", "contain", "contains", "with", "plus", "also", "some",
    "realistic", "synthetic", "fake", "sample", "mock", "demo", "test", "please", "thanks",
    "should", "would", "could", "must", "will", "can", "get", "got", "gets", "our", "your",
    "we", "they", "them", "you", "what", "how", "when", "who", "whom", "track", "tracking",
    "record", "records", "recorded", "log", "logged", "logs", "store", "stored", "keep", "kept",
    "company", "business", "app", "platform", "system", "service", "network", "database",
}  # fmt: skip
MAX_UNREAD = 6


def note_unread(draft: Draft, parsed: Parsed, claims: list[Any]) -> list[tuple[int, int]]:
    """Say which words of the description nothing used (honest assumptions); returns their
    spans."""
    from datagen.agent.claims.words import STOP as CLAIM_STOP

    text = parsed.text
    used: list[tuple[int, int]] = []
    phrases = [c.text for c in claims] + [c.phrase for c in parsed.counts]
    phrases += [b.phrase for b in parsed.behaviours] + list(parsed.countries)
    if parsed.window is not None:
        phrases.append(parsed.window.phrase)
    low = text.lower()
    for phrase in phrases:
        start = low.find(phrase.lower()) if phrase else -1
        if start >= 0:
            used.append((start, start + len(phrase)))
    mentions = find_entities(parsed).mentions
    used += [(m.start, m.end) for m in mentions]
    known = {w for n in draft.schema["nodes"] for w in n["id"].split("_")}
    known |= {w for n in draft.schema["nodes"] for c in n["columns"] for w in c["name"].split("_")}
    known |= {w for k in draft.blueprint.synonyms for w in k.split("_")}
    known |= {w for k in draft.blueprint.keywords for w in k.split("_")}
    known |= {w for cues in FIELD_CUES.values() for w in cues}  # cue words chose the field
    known |= {
        w
        for n in draft.schema["nodes"]
        for c in n["columns"]
        if c["name"] == "role"
        for v in c["generator"].get("choice", {}).get("choices", [])
        for w in str(v).split("_")
    }  # role nouns are values of a staff table
    skip = _STOP | FILLER | CLAIM_STOP | GENERIC_WORDS | NOT_TABLES
    words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", text))
    unread: list[list[str]] = []
    spans_unread: list[tuple[int, int]] = []
    last_end = -10
    spans = sorted(used)
    for match in words:
        word = match.group(0).lower()
        if any(a <= match.start() < b for a, b in spans):
            continue
        base = singular(word.replace("'s", ""))
        if len(base) < 3 or word in skip or base in skip or base in known:
            continue
        parts = [p.removesuffix("ing") for p in base.split("-")]
        if len(parts) > 1 and all(p in known or p in skip for p in parts):
            continue  # 'dog-walking' when `dog` and `dog_walk` are tables
        between = [m for m in mentions if m.end <= match.start()]
        after = [m for m in mentions if m.start >= match.end()]
        if between and after and after[0].start - between[-1].end < 30:
            continue  # a verb between two tables: read as their relation
        if unread and match.start() - last_end <= 2:
            unread[-1].append(match.group(0))
            spans_unread[-1] = (spans_unread[-1][0], match.end())
        else:
            unread.append([match.group(0)])
            spans_unread.append((match.start(), match.end()))
        last_end = match.end()
    if unread:
        shown = ", ".join(f"'{' '.join(p)}'" for p in unread[:MAX_UNREAD])
        more = f" and {len(unread) - MAX_UNREAD} more" if len(unread) > MAX_UNREAD else ""
        draft.note(f"not understood, so not modelled: {shown}{more}")
    return spans_unread


def note_template_tables(draft: Draft, parsed: Parsed) -> None:
    """Say which tables come from the template rather than from the description."""
    nouns = [m.noun for m in find_entities(parsed).mentions]
    nouns += [c.noun for c in parsed.counts] + list(parsed.named_tables)
    nouns += [n for n, _, _ in plural_mentions(parsed.text)]
    named: set[str | None] = set()
    read_as: dict[str, list[str]] = {}
    for noun in nouns:
        table = draft.resolve(noun)
        named.add(table)
        if table and noun != table:
            read_as.setdefault(table, [])
            if noun not in read_as[table]:
                read_as[table].append(noun)
    for table, words in read_as.items():
        draft.note(f"`{table}` holds the " + " and ".join(f"'{w}'" for w in words))
    from_words = [
        f"`{draft.resolve(m.noun)}` ('{m.noun.replace('_', ' ')}')"
        for m in find_entities(parsed).mentions
        if draft.resolve(m.noun) is not None
        and f"`{draft.resolve(m.noun)}`" not in " ".join(draft.assumptions)
    ]
    if from_words:
        draft.note("tables the description names: " + ", ".join(dict.fromkeys(from_words)))
    mentioned = " ".join(draft.assumptions)
    unnamed = [
        n["id"]
        for n in draft.schema["nodes"]
        if n["id"] not in named and f"`{n['id']}`" not in mentioned
    ]
    if unnamed and draft.blueprint.domain != "generic":
        draft.note(
            f"typical of {draft.blueprint.title}, not named in the description: "
            + ", ".join(f"`{t}`" for t in unnamed)
        )
