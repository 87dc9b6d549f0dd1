"""One entity type of the lexicon: its words, columns, role and relations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from datagen.agent.offline.lexicon.names import NameKind

Role = Literal["entity", "fact"]
ColumnSpec = str | dict[str, Any]  # a name (generator inferred) or a full DSL column dict


@dataclass(frozen=True)
class Entry:
    """An entity type: `ticket` (a fact) issued by an `officer` to a `vehicle` in a `zone`.

    `columns` are names whose generators `generator_for_column` infers, or full DSL
    column dicts for the field's own vocabularies. `parents` are the tables a row of
    a fact points at, the first one driving its row count (`per_parent` rows each);
    `refs` are entities an entity points at. `time` is a fact's event timestamp and
    `amount` its main numeric column.
    """

    name: str
    field: str
    role: Role
    synonyms: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    parents: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    naming: NameKind = "none"
    rows: int = 1000
    per_parent: float = 5.0
    time: str | None = None
    amount: str | None = None
    vocabulary: tuple[str, ...] = ()  # product nouns for generated names

    @property
    def words(self) -> tuple[str, ...]:
        """Every singular word or phrase (snake_case) that names this entity."""
        return (self.name, *self.synonyms)


def entries(field_name: str, table: str) -> list[Entry]:
    """Entries from a compact table, one line each:

        name | role | synonyms, ... | columns, ... | key=value options

    A column is a name (generator inferred from it), `name=a/b/c` (a choice, the
    first most common; `a:0.7/b:0.3` gives weights), `name$60` (money, median 60),
    `name#3` (a count, mean 3) or `name~2..40` (a uniform number in a range).
    Options: parents=a,b refs=a,b naming=person rows=500 per=3 time=col amount=col
    vocab=Noun/Noun.
    """
    found = []
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (5 - len(parts))
        name, role, synonyms, columns, options = parts[:5]
        assert role in ("entity", "fact"), line
        opts = dict(o.split("=", 1) for o in options.split())
        found.append(
            Entry(
                name=name,
                field=field_name,
                role=role,  # type: ignore[arg-type]
                synonyms=_split(synonyms),
                columns=tuple(column_spec(c) for c in _split(columns)),
                parents=_split(opts.get("parents", "")),
                refs=_split(opts.get("refs", "")),
                naming=opts.get("naming", "none"),  # type: ignore[arg-type]
                rows=int(opts.get("rows", 1000 if role == "entity" else 0)),
                per_parent=float(opts.get("per", 5)),
                time=opts.get("time"),
                amount=opts.get("amount"),
                vocabulary=tuple(v.replace("_", " ") for v in _split(opts.get("vocab", ""), "/")),
            )
        )
    return found


def _split(text: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(p.strip().replace(" ", "_") for p in text.split(sep) if p.strip())


def column_spec(token: str) -> ColumnSpec:
    """One column token of `entries` -> a name or a DSL column dict."""
    from datagen.agent.offline.lexicon import columns as C

    if "=" in token:
        name, _, values = token.partition("=")
        pairs = [v.split(":") for v in values.split("/")]
        choices: list[Any] = [_scalar(p[0]) for p in pairs]
        if any(isinstance(c, float) for c in choices) and all(
            isinstance(c, (int, float)) and not isinstance(c, bool) for c in choices
        ):
            choices = [float(c) for c in choices]  # '1/1.5/2': one numeric type
        if all(len(p) == 2 for p in pairs):
            weights = [float(p[1]) for p in pairs]
        else:
            weights = C.falling_weights(len(choices))
        return C.choice(name, choices, weights)
    if "$" in token:
        name, _, median = token.partition("$")
        value = float(median)
        return C.money(name, value, 0.6, round(value / 20, 2), value * 25)
    if "#" in token:
        name, _, lam = token.partition("#")
        return C.count(name, float(lam))
    if "~" in token:
        name, _, bounds = token.partition("~")
        low, _, high = bounds.partition("..")
        return C.measure(
            name, "uniform", {"low": float(low), "high": float(high)}, (float(low), float(high))
        )
    return token


def _scalar(text: str) -> Any:
    text = text.strip().replace(" ", "_")
    if text in ("true", "false"):  # 'passed=true:0.95/false:0.05': a yes/no flag
        return text == "true"
    if text.lstrip("-").isdigit():
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):  # 'surge_multiplier=1.0/1.5': a number
        return float(text)
    return text
