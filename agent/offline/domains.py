"""Which domain template a description fits (keyword scores), or a blueprint composed from
the lexicon's entities when the template lacks a table for what the text names."""

from __future__ import annotations

import difflib
import functools
import re

from datagen.agent.offline.blueprints import BLUEPRINTS, Blueprint
from datagen.agent.offline.composition import compose_entities, to_blueprint
from datagen.agent.offline.entities import Mention, find_entities
from datagen.agent.offline.lexicon import ENTRIES, Entry, by_name
from datagen.agent.offline.naming import singular
from datagen.agent.offline.parse import Parsed

GENERIC_THRESHOLD = 2.5  # a domain needs this keyword score to be chosen


@functools.lru_cache(maxsize=8192)
def _close_keyword(word: str, vocabulary: frozenset[str]) -> str | None:
    """The keyword spelt closest to `word`, if close enough; remembered, as difflib's search
    over every keyword was most of the offline author's time (a description is scored
    several times, and words repeat across descriptions)."""
    close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.84)
    return close[0] if close else None


def domain_scores(parsed: Parsed) -> list[tuple[float, str]]:
    """(score, domain) best first; keyword weights, bigrams, close spellings, table nouns."""
    tokens = parsed.tokens
    words = set(tokens) | {f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)}
    words |= {w.replace("-", "") for w in words} | set(
        re.findall(r"[a-z0-9-]+", parsed.text.lower())
    )
    vocabulary = frozenset(k for bp in BLUEPRINTS.values() for k in bp.keywords)
    fuzzy: dict[str, str] = {}
    for word in words:
        if len(word) >= 5 and word not in vocabulary:
            near = _close_keyword(word, vocabulary)
            if near:
                fuzzy[near] = word
    nouns = {c.noun for c in parsed.counts} | set(parsed.named_tables)
    scores = []
    for name, bp in BLUEPRINTS.items():
        exact = [w for k, w in bp.keywords.items() if k in words]
        close = [0.8 * w for k, w in bp.keywords.items() if k in fuzzy and k not in words]
        ids = {n["id"] for n in bp.nodes} | set(bp.synonyms)
        score = sum(exact) + sum(close) + 0.5 * len(nouns & ids)
        hits = len(exact) + len(close)
        if hits < 2 and max(exact + close, default=0) < 5:
            # one ordinary keyword ("loans", "sessions") is not enough to pick a domain
            score = min(score, GENERIC_THRESHOLD - 0.5)
        scores.append((round(score, 3), name))
    scores.sort(key=lambda s: (-s[0], list(BLUEPRINTS).index(s[1])))
    return scores


def ambiguous_domains(parsed: Parsed) -> tuple[str, str] | None:
    """Two domains with the same best score (a question worth asking), else None."""
    scores = domain_scores(parsed)
    (s1, d1), (s2, d2) = scores[0], scores[1]
    if s1 >= GENERIC_THRESHOLD and s1 == s2:
        return d1, d2
    return None


WEAK_DOMAIN = 5.0  # below this keyword score a template needs one of its tables named


def _names_a_table(parsed: Parsed, blueprint: Blueprint) -> bool:
    words = {singular(w) for w in re.findall(r"[a-z]+", parsed.text.lower())}
    text = " ".join(singular(w) for w in re.findall(r"[a-z]+", parsed.text.lower()))
    names = [n["id"] for n in blueprint.nodes] + list(blueprint.synonyms)
    return any(
        name in words if "_" not in name else name.replace("_", " ") in text for name in names
    )


def _bare_field(parsed: Parsed, scores: list[tuple[float, str]]) -> str | None:
    """'a bank', 'an online shop': one template's keyword, nothing counted or listed and no
    table named; the template, when the words' field is one of its tables' fields."""
    (best, domain), (second, _) = scores[0], scores[1]
    if best <= 0 or second > 0 or parsed.counts or parsed.named_tables:
        return None
    entities = find_entities(parsed)
    if any(m.table_like for m in entities.mentions):
        return None
    template = BLUEPRINTS[domain]
    fields = {e.field for n in template.nodes if (e := by_name(n["id"]))}
    return domain if entities.field in fields else None


def choose_domain(parsed: Parsed, answer: str | None) -> tuple[str | None, list[str]]:
    notes: list[str] = []
    scores = domain_scores(parsed)
    if answer:
        picked = match_option(
            answer, list(BLUEPRINTS) + ["generic"], {k: bp.title for k, bp in BLUEPRINTS.items()}
        )
        if picked == "generic":
            return None, [f"domain: generic, as answered ({answer!r})"]
        if picked:
            return picked, [f"domain: {BLUEPRINTS[picked].title}, as answered ({answer!r})"]
    best, domain = scores[0]
    bare = _bare_field(parsed, scores)
    if bare is not None:
        return bare, [
            f"domain: {BLUEPRINTS[bare].title}: the description names its field and no tables, "
            "so the field's core tables"
        ]
    if best < GENERIC_THRESHOLD or (
        best < WEAK_DOMAIN and not _names_a_table(parsed, BLUEPRINTS[domain])
    ):  # 'a ferry operator': one keyword of telecom, none of its tables
        return None, ["no known domain recognised: tables built from the nouns in the description"]
    runner_up, second = scores[1]
    notes.append(f"domain: {BLUEPRINTS[domain].title} (keyword score {best:g})")
    if runner_up >= GENERIC_THRESHOLD and runner_up >= 0.6 * best:
        notes.append(
            f"the description also fits {BLUEPRINTS[second].title}; "
            f"built as {BLUEPRINTS[domain].title} (name that domain's tables to change it)"
        )
    return domain, notes


def match_option(
    answer: str, options: list[str], titles: dict[str, str] | None = None
) -> str | None:
    low = answer.strip().lower()
    for option in options:
        if low == option.lower() or (titles and low == titles.get(option, "").lower()):
            return option
    for option in options:
        if option.lower() in low or (titles and titles.get(option, "").lower().startswith(low)):
            return option
    close = difflib.get_close_matches(low, [o.lower() for o in options], n=1, cutoff=0.6)
    return next((o for o in options if close and o.lower() == close[0]), None)


def generic_layout(blueprint: Blueprint) -> str:
    """One line on how the nouns became tables."""
    main, event = blueprint.main_entity, blueprint.main_fact
    others = [n["id"] for n in blueprint.nodes if n["id"] not in (main, event)]
    text = f"`{main}` is the main entity and `{event}` its events (about 5 per `{main}`)"
    if others:
        text += "; " + ", ".join(f"`{o}`" for o in others) + f" referenced by each `{event}`"
    return text + "; columns are generic (a name, a category or a country, a timestamp, an amount)"


def _field_core(field: str) -> Entry | None:
    """The field's first events with parents in the lexicon (its entries are listed core
    first)."""
    return next((e for e in ENTRIES if e.field == field and e.role == "fact" and e.parents), None)


def lexicon_blueprint(parsed: Parsed, domain: str | None) -> tuple[Blueprint, list[str]] | None:
    """A blueprint composed from the lexicon, unless the chosen domain template already has a
    table for every entity the description names (then the template, richer, is kept)."""
    entities = find_entities(parsed)
    if not entities.mentions and domain is None and entities.field and not parsed.counts:
        core = _field_core(entities.field)  # 'a vet clinic': the field's main events
        if core is not None:
            entities.mentions = [Mention(core.name, 0, 0, 0, True, [core], core)]
            entities.notes.append(
                f"the description names its field ({entities.field}) and no tables: "
                f"its typical events, `{core.name}`, and what they belong to"
            )
    if not entities.mentions:
        return None
    if domain is not None:
        template = BLUEPRINTS[domain]
        words = {n["id"] for n in template.nodes} | set(template.synonyms)
        uncovered = [
            m.noun
            for m in entities.mentions
            if not m.implied
            and m.noun not in words
            and not (m.entry is None and m.noun.split("_")[-1] in words)
        ]
        # two entities the template would fold into one table ('gateways' and 'devices')
        targets: dict[str, set[str]] = {}
        for m in entities.mentions:
            target = (
                m.noun
                if m.noun in {n["id"] for n in template.nodes}
                else template.synonyms.get(m.noun)
            )
            if target and m.entry is not None and not m.implied:
                targets.setdefault(target, set()).add(m.entry.name)
        uncovered += [t for t, names in targets.items() if len(names) > 1]
        ids = {n["id"] for n in template.nodes}
        template_fields = {e.field for n in template.nodes if (e := by_name(n["id"]))}
        # 'smart meters reporting electricity usage': the energy field's own meter (kWh
        # readings), not the IoT template's `device` that the word is a synonym of
        uncovered += [
            m.noun
            for m in entities.mentions
            if m.entry is not None
            and not m.implied
            and m.entry.field == entities.field
            and m.entry.name in (m.noun, m.noun.split("_")[-1])
            and m.entry.name not in ids
            and m.entry.name in template.synonyms
            and m.entry.field not in template_fields
        ]
        if not uncovered:
            return None
    composition = compose_entities(entities, parsed.text)
    if composition is None:
        return None
    blueprint = to_blueprint(composition)
    named = [m.noun for m in entities.mentions]
    notes = [
        f"tables composed from the entities named ({', '.join(f'`{n}`' for n in named)})"
        + (f"; field: {composition.field}" if composition.field else "")
    ]
    notes += composition.notes
    return blueprint, notes
